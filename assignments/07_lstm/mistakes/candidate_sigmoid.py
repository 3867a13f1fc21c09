"""四段预激活一律用 σ：候选值 g_t 也成了 (0, 1) 之间的数，记忆元只能往上加、永远写不进负数。"""

EXPECT = {"test_update_activations": "候选值 g_t 用了 σ", "test_update_values": "c_t[0, 0] 应是"}

EDITS = {
    'lstm_update': [
        ('g = torch.tanh(z_g)',
         'g = torch.sigmoid(z_g)'),
    ],
}
