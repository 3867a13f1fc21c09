"""按 nn.LSTM 的顺序 (i, f, g, o) 切 z，而本书的参数按 (g, i, o, f) 堆叠：不报错，但每个门都用错了那一段权重。"""

EXPECT = {"test_update_gate_order": "门的顺序错了", "test_update_values": "c_t[0, 0] 应是"}

EDITS = {
    'lstm_update': [
        ('z_g, z_ifo = z.split([m, 3 * m], dim=-1)',
         'z_i, z_f, z_g, z_o = z.split(m, dim=-1)'),
        ('i, o, f = torch.sigmoid(z_ifo).chunk(3, dim=-1)',
         'i, f, o = torch.sigmoid(z_i), torch.sigmoid(z_f), torch.sigmoid(z_o)'),
    ],
}
