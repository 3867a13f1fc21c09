"""忘了 tanh 的导数：把 ∂L/∂h_t 直接当成 δ_t = ∂L/∂z_t，少乘了 1 − h_t²。"""

EXPECT = {"test_rnn_backward_one_step": "忘了 tanh 的导数", "test_rnn_backward_gradcheck": "∂L/∂V",
          "test_rnn_backward_sums_over_time": "∂L/∂b_h 应是各步 δ_t 之和", "test_rnn_backward_through_time": "∂L/∂V 不对",
          "test_rnn_backward_recurrent_transpose": "∂L/∂V 或 ∂L/∂h_0 不对",
          "test_rnn_backward_matches_autograd": "V, W, b_h 的梯度不对"}

EDITS = {
    'rnn_backward': [
        ('        delta = dh * (1.0 - H[:, t] ** 2)                         # δ_t = (1 − h_t ⊙ h_t) ⊙ ∂L/∂h_t',
         '        delta = dh'),
    ],
}
