"""输出层的误差写成了 y_t − ŷ_t（符号反了）：之后的 U、b_y 与整个 BPTT 的梯度全都反号。"""

EXPECT = {"test_output_layer_gradients_hidden": "dS 的符号反了", "test_output_layer_gradcheck": "∂L/∂U"}

EDITS = {
    'output_layer_gradients': [
        ('    dS = Y_hat.copy()                                             # ∂L/∂s_t = ŷ_t − y_t：y_t 是独热向量，\n'
         '    dS[np.arange(B)[:, None], np.arange(T), targets] -= 1.0       # 只在第 y_t 个元素减 1',
         '    dS = -Y_hat\n'
         '    dS[np.arange(B)[:, None], np.arange(T), targets] += 1.0'),
    ],
}
