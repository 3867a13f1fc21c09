"""梯度没有从 h_t 经 W 传回 h_{t-1}：∂L/∂h_t 只有 U^T(ŷ_t − y_t)，少了 W^T δ_{t+1}（相当于截断到一步）。"""

EXPECT = {"test_rnn_backward_through_time": "没有沿时间往回传", "test_rnn_backward_gradcheck": "∂L/∂V",
          "test_rnn_backward_sums_over_time": "∂L/∂b_h 应是各步 δ_t 之和",
          "test_rnn_backward_recurrent_transpose": "∂L/∂V 或 ∂L/∂h_0 不对",
          "test_rnn_backward_matches_autograd": "V, W, b_h 的梯度不对"}

EDITS = {
    'rnn_backward': [
        ('        dh = dH_out[:, t - 1] + dh_next                           # ∂L/∂h_t = U^⊤(ŷ_t − y_t) + W^⊤ δ_{t+1}',
         '        dh = dH_out[:, t - 1]'),
    ],
}
