"""PyTorch 变体把 b_hg 加在重置门之外（r_t ⊙ W_g h_{t-1} + b_hg）：它于是和 b_g 合并，与 nn.GRU 的 bias_hh 不符。"""

EXPECT = {"test_torch_candidate": "b_hg 在重置门之内"}

EDITS = {
    '_gates': [
        ('        g = torch.tanh(block(xv, "g", m, dim=-1) + r * (hW_g + params["b_hg"]))',
         '        g = torch.tanh(block(xv, "g", m, dim=-1) + r * hW_g + params["b_hg"])'),
    ],
}
