"""忘了 3/4 次方：噪声分布写成了一元分布 count(w) / Σ count，高频词被抽得太多。"""

EXPECT = {"test_noise_power": "没有取 3/4 次方", "test_noise_values": "3/4 次方",
          "test_noise_zero_counts": "power = 0 是出现过的词上的均匀分布"}

EDITS = {
    'noise_distribution': [
        ('    weights = np.where(counts > 0, (counts / counts.max()) ** power, 0.0)',
         '    weights = counts.astype(np.float64)'),
    ],
}
