"""往回传时乘了 W 而不是 W^T：行向量写法应是 delta @ W，写成了 delta @ W.T。"""

EXPECT = {"test_rnn_backward_recurrent_transpose": "W 的方向反了", "test_rnn_backward_gradcheck": "∂L/∂V"}

EDITS = {
    'rnn_backward': [
        ('        dh_next = delta @ W                                       # W^⊤ δ_t，留给第 t-1 步',
         '        dh_next = delta @ W.T'),
    ],
}
