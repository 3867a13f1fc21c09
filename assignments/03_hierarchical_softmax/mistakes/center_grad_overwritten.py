"""逐个节点循环时，对 v_c 的梯度写成了赋值（=）而不是累加（+=）：只剩下最后一个节点的贡献。"""

import numpy as np
from wordvec_rnn.negative_sampling import log_sigmoid, sigmoid

EXPECT = {"test_hs_center_gradient_sums_over_path": "循环里用 +="}


def hs_path_loss_and_gradient(center_vec, outside_idx, tree, node_vectors):
    o = outside_idx
    length = tree.lengths[o]
    path = tree.paths[o, :length]                    # n_1, ..., n_ℓ
    loss, grad_center_vec = 0.0, np.zeros_like(center_vec)
    grad_path = np.zeros((length, len(center_vec)))
    for j in range(length):
        s = 1.0 - 2.0 * tree.codes[o, j]
        x = s * (node_vectors[path[j]] @ center_vec)
        loss -= log_sigmoid(x)
        g = (sigmoid(x) - 1.0) * s
        grad_center_vec = g * node_vectors[path[j]]  # 错：应是 +=
        grad_path[j] = g * center_vec
    return float(loss), grad_center_vec, path, grad_path
