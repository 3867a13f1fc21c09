"""小批量的损失与梯度对 B 对求和而不是取平均：学习率的含义随批大小变了。"""

import numpy as np

EXPECT = {"test_batch_is_mean_of_pairs": "应取平均", "test_batch_gradcheck": "平均损失"}


def naive_softmax_batch_loss_and_gradient(center_vecs, outside_idx, outside_vectors):
    rows = np.arange(len(center_vecs))
    log_y_hat = log_softmax(center_vecs @ outside_vectors.T)
    loss = -log_y_hat[rows, outside_idx].sum()
    delta = np.exp(log_y_hat)
    delta[rows, outside_idx] -= 1.0
    return float(loss), delta @ outside_vectors, delta.T @ center_vecs
