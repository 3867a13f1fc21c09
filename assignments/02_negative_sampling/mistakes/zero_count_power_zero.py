"""直接对次数取 power 次方再归一化：power = 0 时 0.0 ** 0 = 1，出现 0 次的词也得到了概率。"""

EXPECT = {"test_noise_zero_counts": "0.0 ** 0 = 1"}

EDITS = {
    'noise_distribution': [
        ('    weights = np.where(counts > 0, (counts / counts.max()) ** power, 0.0)',
         '    weights = counts.astype(np.float64) ** power'),
    ],
}
