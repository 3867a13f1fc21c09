"""∂L/∂h_T 的符号反了：写成 2(target − h_T)，梯度整个反号，梯度下降变成了上升。"""

EXPECT = {'test_one_unit_sign': '符号反了', 'test_one_unit_gradcheck': '有限差分',
          'test_one_unit_sums_over_time': 'T = 1 时梯度就不对'}

EDITS = {
    'one_unit_rnn_loss_and_grad': [
        ('    dh = 2 * (H[T] - target)                                  # ∂L/∂h_T',
         '    dh = 2 * (target - H[T])'),
    ],
}
