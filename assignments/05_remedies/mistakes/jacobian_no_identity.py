"""抄近路的雅可比矩阵漏了 (1-α)I 这一项：J_t 写成了 α diag(f'(z_t)) W，α < 1 时乘积偏小。"""

EXPECT = {'test_jacobian_leaky': '(1-α) I'}

EDITS = {
    'jacobian_product_norms': [
        ("        J = (1 - alpha) * np.eye(m) + alpha * f_prime(z)[:, None] * W     # (1-α) I + α diag(f'(z_t)) W",
         '        J = alpha * f_prime(z)[:, None] * W'),
    ],
}
