"""损失直接写成 -np.log(sigmoid(x))：打分很大时 σ 在 float64 里恰好是 0 或 1，log(0) = -inf，损失成了 inf。"""

EXPECT = {"test_ns_large_scores": "softplus"}

EDITS = {
    'neg_sampling_loss_and_gradient': [
        ('    loss = softplus(-x_o) + softplus(x_neg).sum()',
         '    loss = -np.log(sigmoid(x_o)) - np.log(sigmoid(-x_neg)).sum()'),
    ],
}
