"""隐状态写成 h_t = o_t ⊙ c_t，忘了先对记忆元取 tanh（c_t 可以大于 1，h_t 就不再有界）。"""

EXPECT = {"test_update_state": "忘了对记忆元取 tanh", "test_update_values": "h_t[0, 0] 应是"}

EDITS = {
    'lstm_update': [
        ('    h = o * torch.tanh(c)                               # h_t = o_t ⊙ tanh(c_t)',
         '    h = o * c'),
    ],
}
