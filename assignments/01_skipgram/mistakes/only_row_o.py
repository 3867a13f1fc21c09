"""只给第 o 行算了梯度，忘了 w ≠ o 的 u_w 也在 softmax 的分母里（CS224n 最常见的错误）。"""

EXPECT = {"test_naive_softmax_other_rows": "w ≠ o 的行", "test_naive_softmax_gradcheck": "grad_outside"}

EDITS = {
    'naive_softmax_loss_and_gradient': [
        ('    grad_outside = np.outer(delta, center_vec)             # (ŷ - y) v_cᵀ：第 w 行 (ŷ_w - y_w) v_cᵀ',
         '    grad_outside = np.zeros_like(outside_vectors)\n    grad_outside[o] = delta[o] * center_vec'),
    ],
}
