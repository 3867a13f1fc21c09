"""grad_center 的符号反了：写成了 U(y - ŷ)，即上升方向（梯度下降会让损失变大）。"""

import numpy as np

EXPECT = {"test_naive_softmax_sign": "符号反了", "test_naive_softmax_gradcheck": "grad_center"}


def naive_softmax_loss_and_gradient(center_vec, outside_idx, outside_vectors):
    o = outside_idx
    log_y_hat = log_softmax(outside_vectors @ center_vec)
    loss = -log_y_hat[o]
    y_hat = np.exp(log_y_hat)
    y = np.zeros_like(y_hat)
    y[o] = 1.0
    grad_center = outside_vectors.T @ (y - y_hat)
    grad_outside = np.outer(y_hat - y, center_vec)
    return float(loss), grad_center, grad_outside
