"""grad_center 的符号反了：写成了 Uᵀ(y - ŷ)，即上升方向（梯度下降会让损失变大）。"""

EXPECT = {"test_naive_softmax_sign": "符号反了", "test_naive_softmax_gradcheck": "grad_center"}

EDITS = {
    'naive_softmax_loss_and_gradient': [
        ('    grad_center = outside_vectors.T @ delta                # Uᵀ(ŷ - y) = -u_o + Σ_w P(w|c) u_w',
         '    grad_center = outside_vectors.T @ -delta'),
    ],
}
