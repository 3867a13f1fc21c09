"""输出差了一步：ŷ_t 用 h_{t-1} 算（H[:, :-1]，含 h_0 而不含 h_T），应由同一步的 h_t 算出。"""

EXPECT = {"test_rnn_forward_output_uses_h_t": "ŷ_t 用的是 h_{t-1}", "test_rnn_forward_values": "Y_hat[0, 2, 3]"}

EDITS = {
    'rnn_forward': [
        ('    S = H[:, 1:].reshape(B * T, m) @ U.T + b_y                           # s_t = U h_t + b_y：全部 (b, t) 一次矩阵乘法',
         '    S = H[:, :-1].reshape(B * T, m) @ U.T + b_y'),
    ],
}
