"""只给第 o 行算了梯度，忘了 w ≠ o 的 u_w 也在 softmax 的分母里（CS224n 最常见的错误）。"""

import numpy as np

EXPECT = {"test_naive_softmax_other_rows": "w ≠ o 的行", "test_naive_softmax_gradcheck": "grad_outside"}


def naive_softmax_loss_and_gradient(center_vec, outside_idx, outside_vectors):
    o = outside_idx
    log_y_hat = log_softmax(outside_vectors @ center_vec)
    loss = -log_y_hat[o]
    delta = np.exp(log_y_hat)
    delta[o] -= 1.0
    grad_center = outside_vectors.T @ delta
    grad_outside = np.zeros_like(outside_vectors)
    grad_outside[o] = delta[o] * center_vec
    return float(loss), grad_center, grad_outside
