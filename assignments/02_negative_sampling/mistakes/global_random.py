"""采样器用 np.random 的全局函数抽随机数，没有用传进来的 rng：同一个种子得不到同样的负样本，实验无法复现。"""

EXPECT = {"test_sampler_uses_its_rng": "self.rng"}

EDITS = {
    'NoiseSampler': [
        ('u = self.rng.random(shape)',
         'u = np.random.random(shape)'),
    ],
}
