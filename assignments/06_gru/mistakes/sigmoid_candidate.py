"""候选值用了 sigmoid 而不是 tanh：g_t 只能取正值，状态再也变不成负数。"""

EXPECT = {"test_gate_nonlinearities": "不是 sigmoid", "test_torch_candidate": "PyTorch 变体的 g_t"}

EDITS = {
    '_gates': [
        ('        g = torch.tanh(block(xv, "g", m, dim=-1) + r * (hW_g + params["b_hg"]))',
         '        g = torch.sigmoid(block(xv, "g", m, dim=-1) + r * (hW_g + params["b_hg"]))'),
    ],
}
