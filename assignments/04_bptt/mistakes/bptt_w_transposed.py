"""往回传时乘了 W 而不是 W^T：行向量写法应是 delta @ W，写成了 delta @ W.T。"""

EXPECT = {"test_rnn_backward_recurrent_transpose": "W 的方向反了", "test_rnn_backward_gradcheck": "∂L/∂V",
          "test_rnn_backward_one_step": "∂L/∂h_0 应是 W^T δ_1",
          "test_rnn_backward_sums_over_time": "∂L/∂b_h 应是各步 δ_t 之和", "test_rnn_backward_through_time": "∂L/∂V 不对",
          "test_rnn_backward_matches_autograd": "V, W, b_h 的梯度不对"}

EDITS = {
    'rnn_backward': [
        ('        dh_next = delta @ W                                       # W^⊤ δ_t，留给第 t-1 步',
         '        dh_next = delta @ W.T'),
    ],
}
