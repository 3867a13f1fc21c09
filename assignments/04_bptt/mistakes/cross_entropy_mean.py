"""损失取了平均（np.mean）而不是求和：本书的 L = Σ_t L_t 对时间步与批量都求和，手推的梯度也是和的梯度。"""

EXPECT = {"test_cross_entropy_sums": "损失取了平均", "test_cross_entropy_value": "6 log 4",
          "test_output_layer_gradcheck": "cross_entropy 的自测"}

EDITS = {
    'cross_entropy': [
        ('    loss = -np.log(picked).sum()',
         '    loss = -np.log(picked).mean()'),
    ],
}
