"""按 Keras 的 (z, r, h) 顺序切片：把堆叠参数的第 1 块当成更新门、第 2 块当成重置门。"""

EXPECT = {"test_gate_order": "取错了块", "test_cho_candidate": "Cho 变体的 g_t", "test_torch_candidate": "PyTorch 变体的 g_t"}

EDITS = {
    '_gates': [
        ('    r = torch.sigmoid(block(xv, "r", m, dim=-1) + hW[:, :m])   # r_t = σ(V_r x_t + W_r h_{t-1} + b_r)\n    u = torch.sigmoid(block(xv, "u", m, dim=-1) + hW[:, m:])   # u_t = σ(V_u x_t + W_u h_{t-1} + b_u)',
         '    u = torch.sigmoid(xv[:, :m] + hW[:, :m])\n    r = torch.sigmoid(xv[:, m:2 * m] + hW[:, m:])'),
    ],
}
