"""∂L/∂W 用了 h_t 而不是 h_{t-1}（时间上差了一步）：z_t = V x_t + W h_{t-1} + b_h。"""

EXPECT = {"test_rnn_backward_one_step": "∂L/∂W 用的是 h_t", "test_rnn_backward_gradcheck": "∂L/∂W",
          "test_rnn_backward_through_time": "∂L/∂W 不对", "test_rnn_backward_matches_autograd": "相比，W 的梯度不对"}

EDITS = {
    'rnn_backward': [
        ('        grads["W"] += delta.T @ H[:, t - 1]                       # + δ_t h_{t-1}^⊤',
         '        grads["W"] += delta.T @ H[:, t]'),
    ],
}
