"""Cho 变体里把重置门乘在 W_g h_{t-1} 之后（r_t ⊙ W_g h_{t-1}）：那是 PyTorch 变体的写法，不是原讲义的 W_g(h_{t-1} ⊙ r_t)。"""

EXPECT = {"test_cho_candidate": "那是 PyTorch 变体"}

EDITS = {
    '_gates': [
        ('        g = torch.tanh(block(xv, "g", m, dim=-1) + (h * r) @ W_g.T)',
         '        g = torch.tanh(block(xv, "g", m, dim=-1) + r * (h @ W_g.T))'),
    ],
}
