"""V、W、b_h 的梯度用 -= 累加（像在做梯度下降），符号全反了。"""

EXPECT = {"test_rnn_backward_one_step": "符号反了", "test_rnn_backward_gradcheck": "∂L/∂V",
          "test_rnn_backward_sums_over_time": "∂L/∂b_h 应是各步 δ_t 之和", "test_rnn_backward_through_time": "∂L/∂V 不对",
          "test_rnn_backward_recurrent_transpose": "∂L/∂V 或 ∂L/∂h_0 不对",
          "test_rnn_backward_matches_autograd": "V, W, b_h 的梯度不对"}

EDITS = {
    'rnn_backward': [
        ('        grads["V"] += delta.T @ X[:, t - 1]                       # + δ_t x_t^⊤\n        grads["W"] += delta.T @ H[:, t - 1]                       # + δ_t h_{t-1}^⊤\n        grads["b_h"] += delta.sum(axis=0)                         # + δ_t',
         '        grads["V"] -= delta.T @ X[:, t - 1]\n        grads["W"] -= delta.T @ H[:, t - 1]\n        grads["b_h"] -= delta.sum(axis=0)'),
    ],
}
