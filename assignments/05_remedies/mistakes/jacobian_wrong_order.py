"""雅可比矩阵乘的顺序反了：写成 P = P @ J_t，得到 J_1 J_2 … J_T 而不是链式法则的 J_T … J_1。"""

EXPECT = {'test_jacobian_product_order': '乘的顺序反了', 'test_jacobian_matches_autograd': 'torch.autograd',
          'test_jacobian_spectral_norms': '谱范数', 'test_jacobian_leaky': 'P 与 torch.autograd 不同'}

EDITS = {
    'jacobian_product_norms': [
        ('        P = J @ P                                                          # ∂h_t/∂h_0 = J_t ∂h_{t-1}/∂h_0',
         '        P = P @ J'),
    ],
}
