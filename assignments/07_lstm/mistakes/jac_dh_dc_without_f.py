"""∂h_t/∂c_{t-1} 只写了 diag(o_t ⊙ (1 − tanh² c_t))，链式法则少乘了 ∂c_t/∂c_{t-1} = diag(f_t)。"""

EXPECT = {"test_jacobian_hc_block": "少乘了 diag(f_t)", "test_jacobian_matches_autograd": "∂h_t/∂c_{t-1}（左下）"}

EDITS = {
    'lstm_jacobian_step': [
        ('    dh_dc = torch.diag(through_c * f)                                        # ∂h_t/∂c_{t-1}',
         '    dh_dc = torch.diag(through_c)'),
    ],
}
