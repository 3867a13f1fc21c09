"""输出层的误差写成了 y_t − ŷ_t（符号反了）：之后的 U、b_y 与整个 BPTT 的梯度全都反号。"""

EXPECT = {"test_output_layer_gradients_hidden": "dS 的符号反了", "test_output_layer_gradcheck": "∂L/∂U"}

EDITS = {
    'output_layer_gradients': [
        ('    dS = Y_hat - one_hot(targets, q, dtype=Y_hat.dtype)',
         '    dS = one_hot(targets, q, dtype=Y_hat.dtype) - Y_hat'),
    ],
}
