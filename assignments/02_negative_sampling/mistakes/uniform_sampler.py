"""采样器在 0..|V|-1 里均匀地抽整数，算好的 P_n 根本没用上。"""

EXPECT = {"test_sampler_not_uniform": "几乎是均匀的", "test_sampler_shape_and_frequencies": "没有按 P_n 抽",
          "test_sampler_power_and_zero_counts": "抽到了出现 0 次的词"}

EDITS = {
    'NoiseSampler': [
        ('        draws = np.searchsorted(self.cdf, u, side="right").astype(np.int64)',
         '        draws = self.rng.integers(0, len(self.probs), size=shape, dtype=np.int64)'),
    ],
}
