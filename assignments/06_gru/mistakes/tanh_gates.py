"""两个门用了 tanh 而不是 sigmoid：门的取值成了 (-1, 1)，不再是「保留多少」的比例。"""

EXPECT = {"test_gate_nonlinearities": "要用 sigmoid", "test_gate_order": "σ(0) = 0.5", "test_cho_candidate": "Cho 变体的 g_t",
          "test_torch_candidate": "PyTorch 变体的 g_t"}

EDITS = {
    '_gates': [
        ('    r = torch.sigmoid(block(xv, "r", m, dim=-1) + hW[:, :m])   # r_t = σ(V_r x_t + W_r h_{t-1} + b_r)\n    u = torch.sigmoid(block(xv, "u", m, dim=-1) + hW[:, m:])   # u_t = σ(V_u x_t + W_u h_{t-1} + b_u)',
         '    r = torch.tanh(block(xv, "r", m, dim=-1) + hW[:, :m])\n    u = torch.tanh(block(xv, "u", m, dim=-1) + hW[:, m:])'),
    ],
}
