"""前向传播里 h_{t-1} 乘的是 W 而不是 W^T：批量优先时状态是行向量，W h_{t-1} 要写成 H[:, t-1] @ W.T。"""

EXPECT = {"test_rnn_forward_hidden_states_match_torch": "W 用反了", "test_rnn_forward_values": "H[1, 4, 2]",
          "test_rnn_forward_output_uses_h_t": "隐状态 H 就不对"}

EDITS = {
    'rnn_forward': [
        ('        H[:, t] = np.tanh(X[:, t - 1] @ V.T + H[:, t - 1] @ W.T + b_h)   # h_t = f_h(V x_t + W h_{t-1} + b_h)',
         '        H[:, t] = np.tanh(X[:, t - 1] @ V.T + H[:, t - 1] @ W + b_h)'),
    ],
}
