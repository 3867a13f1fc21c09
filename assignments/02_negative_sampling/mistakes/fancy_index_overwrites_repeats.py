"""用花式索引 G[neg] += ... 累加负样本的梯度：numpy 的缓冲赋值让重复的负样本只加了一次，梯度丢了一部分。"""

EXPECT = {"test_ns_repeated_negatives": "没有累加", "test_ns_gradcheck": "grad_outside"}

EDITS = {
    'neg_sampling_loss_and_gradient': [
        ('    np.add.at(grad_outside, neg, sigmoid(x_neg)[:, None] * v_c)  # 重复的负样本逐次累加',
         '    grad_outside[neg] += sigmoid(x_neg)[:, None] * v_c'),
    ],
}
