"""逐个节点循环时，对 v_c 的梯度写成了赋值（=）而不是累加（+=）：只剩下最后一个节点的贡献。"""

import numpy as np
from wordvec_rnn.checks import check_array, check_int
from wordvec_rnn.hierarchical_softmax import (
    _check_tree_and_nodes,
    _log_sigmoid,
    _sigmoid,
)

EXPECT = {"test_hs_center_gradient_sums_over_path": "循环里用 +="}


def hs_path_loss_and_gradient(center_vec, outside_idx, tree, node_vectors):
    dims = {}
    _check_tree_and_nodes(tree, node_vectors, dims)
    check_array(center_vec, "center_vec", shape=("d",), dtype="float", dims=dims, finite=True)
    o = check_int(outside_idx, "outside_idx", low=0, high=tree.num_words - 1)
    length = tree.lengths[o]
    path = tree.paths[o, :length]                    # n_1, ..., n_ℓ
    loss, grad_center_vec = 0.0, np.zeros_like(center_vec)
    grad_path = np.zeros((length, len(center_vec)))
    for j in range(length):
        s = 1.0 - 2.0 * tree.codes[o, j]
        x = s * (node_vectors[path[j]] @ center_vec)
        loss -= _log_sigmoid(x)
        g = (_sigmoid(x) - 1.0) * s
        grad_center_vec = g * node_vectors[path[j]]  # 错：应是 +=
        grad_path[j] = g * center_vec
    return float(loss), grad_center_vec, path, grad_path
