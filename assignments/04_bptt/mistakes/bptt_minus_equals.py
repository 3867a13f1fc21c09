"""V、W、b_h 的梯度用 -= 累加（像在做梯度下降），符号全反了。"""

EXPECT = {"test_rnn_backward_one_step": "符号反了", "test_rnn_backward_gradcheck": "∂L/∂V"}

EDITS = {
    'rnn_backward': [
        ('        grads["V"] += delta.T @ X[:, t - 1]                       # + δ_t x_t^⊤\n        grads["W"] += delta.T @ H[:, t - 1]                       # + δ_t h_{t-1}^⊤\n        grads["b_h"] += delta.sum(axis=0)                         # + δ_t',
         '        grads["V"] -= delta.T @ X[:, t - 1]\n        grads["W"] -= delta.T @ H[:, t - 1]\n        grads["b_h"] -= delta.sum(axis=0)'),
    ],
}
