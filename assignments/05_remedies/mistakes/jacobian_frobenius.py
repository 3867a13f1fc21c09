"""谱范数写成了 Frobenius 范数：np.linalg.norm(P) 不带 2，量的不是最大奇异值。"""

EXPECT = {'test_jacobian_spectral_norms': 'Frobenius', 'test_jacobian_matches_autograd': 'norms[-1]'}

EDITS = {
    'jacobian_product_norms': [
        ('        norms[t - 1] = np.linalg.norm(P, 2)',
         '        norms[t - 1] = np.linalg.norm(P)'),
    ],
}
