"""忘了 tanh 的导数：把 ∂L/∂h_t 直接当成 δ_t = ∂L/∂z_t，少乘了 1 − h_t²。"""

EXPECT = {"test_rnn_backward_one_step": "忘了 tanh 的导数", "test_rnn_backward_gradcheck": "∂L/∂V"}

EDITS = {
    'rnn_backward': [
        ('        delta = dh * (1.0 - H[:, t] ** 2)                         # δ_t = (1 − h_t ⊙ h_t) ⊙ ∂L/∂h_t',
         '        delta = dh'),
    ],
}
