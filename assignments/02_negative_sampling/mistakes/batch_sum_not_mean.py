"""批量的损失与梯度对 B 个正样本求和而不是取平均：学习率的含义随批大小变了。"""

EXPECT = {"test_batch_is_mean_of_pairs": "应取平均", "test_batch_value_and_gradcheck": "平均损失",
          "test_batch_repeated_across_rows": "没有除以 B"}

EDITS = {
    'neg_sampling_batch_loss_and_gradient': [
        ('    loss = np.where(labels == 1.0, softplus(-x), softplus(x)).sum(axis=1).mean()\n\n    g = (sigmoid(x) - labels) / B                # ∂(平均损失)/∂x：σ(x) - y，再除以 B',
         '    loss = np.where(labels == 1.0, softplus(-x), softplus(x)).sum()\n    g = sigmoid(x) - labels'),
    ],
}
