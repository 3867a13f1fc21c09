"""把 ∂c_t/∂c_{t-1} 写成单位矩阵（没有遗忘门的最初版 LSTM 的恒定误差传送带），忘了直接路径要乘 diag(f_t)。"""

EXPECT = {"test_jacobian_cc_block": "写成了单位矩阵", "test_jacobian_matches_autograd": "∂c_t/∂c_{t-1}（左上）"}

EDITS = {
    'lstm_jacobian_step': [
        ('    dc_dc = torch.diag(f)                                                    # ∂c_t/∂c_{t-1}',
         '    dc_dc = torch.eye(m, dtype=c.dtype)'),
    ],
}
