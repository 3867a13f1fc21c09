"""小批量的损失与梯度对 B 对求和而不是取平均：学习率的含义随批大小变了。"""

EXPECT = {"test_batch_is_mean_of_pairs": "应取平均", "test_batch_gradcheck": "平均损失"}

EDITS = {
    'naive_softmax_batch_loss_and_gradient': [
        ('    loss = -log_y_hat[rows, outside_idx].mean()',
         '    loss = -log_y_hat[rows, outside_idx].sum()'),
        ('    delta /= batch                                            # Δ：平均损失，每对的梯度乘 1/B\n',
         ''),
    ],
}
