"""循环里用 = 而不是 += 记梯度：V、W、b_h 只剩一个时间步（循环最后处理的 t = 1）的贡献，忘了对时间步求和。"""

EXPECT = {"test_rnn_backward_sums_over_time": "只剩第 1 步的贡献", "test_rnn_backward_gradcheck": "∂L/∂V",
          "test_rnn_backward_through_time": "∂L/∂V 不对",
          "test_rnn_backward_recurrent_transpose": "∂L/∂V 或 ∂L/∂h_0 不对",
          "test_rnn_backward_matches_autograd": "V, W, b_h 的梯度不对"}

EDITS = {
    'rnn_backward': [
        ('        grads["V"] += delta.T @ X[:, t - 1]                       # + δ_t x_t^⊤\n        grads["W"] += delta.T @ H[:, t - 1]                       # + δ_t h_{t-1}^⊤\n        grads["b_h"] += delta.sum(axis=0)                         # + δ_t',
         '        grads["V"] = delta.T @ X[:, t - 1]\n        grads["W"] = delta.T @ H[:, t - 1]\n        grads["b_h"] = delta.sum(axis=0)'),
    ],
}
