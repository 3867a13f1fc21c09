"""先归一化成词频 f(w)，再取 3/4 次方，却没有重新归一化：Σ f^0.75 大于 1，不是概率分布。"""

EXPECT = {"test_noise_power": "重新归一化", "test_noise_values": "概率之和应为 1", "test_noise_zero_counts": "0.0 ** 0 = 1"}

EDITS = {
    'noise_distribution': [
        ('    weights = np.where(counts > 0, (counts / counts.max()) ** power, 0.0)\n    probs = weights / weights.sum()',
         '    probs = (counts / counts.sum()) ** power'),
    ],
}
