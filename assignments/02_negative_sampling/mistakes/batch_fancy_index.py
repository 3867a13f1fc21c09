"""批量版本用 G[idx] += ... 把 B×(k+1) 行梯度加回 U：同一个词在批量中出现多次时只加了一次。"""

EXPECT = {"test_batch_repeated_across_rows": "np.add.at", "test_batch_value_and_gradcheck": "grad_outside"}

EDITS = {
    'neg_sampling_batch_loss_and_gradient': [
        ('    np.add.at(grad_outside, idx.ravel(), (g[:, :, None] * C[:, None, :]).reshape(-1, d))',
         '    grad_outside[idx.ravel()] += (g[:, :, None] * C[:, None, :]).reshape(-1, d)'),
    ],
}
