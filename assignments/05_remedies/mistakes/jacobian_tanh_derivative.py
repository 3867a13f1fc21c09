"""导数写死成 tanh 的 1 − tanh²(z_t)，没有用 activation 给出的 f_prime：act="relu" 时就错了。"""

EXPECT = {'test_jacobian_relu': '不要写死'}

EDITS = {
    'jacobian_product_norms': [
        ("        J = (1 - alpha) * np.eye(m) + alpha * f_prime(z)[:, None] * W     # (1-α) I + α diag(f'(z_t)) W",
         '        J = (1 - alpha) * np.eye(m) + alpha * (1 - np.tanh(z) ** 2)[:, None] * W'),
    ],
}
