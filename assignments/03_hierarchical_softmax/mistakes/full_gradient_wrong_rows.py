"""把路径上的梯度放回全零数组时写到了前 ℓ 行（第 j 行），而不是路径上的节点 n_j = path[j] 那一行。"""

EXPECT = {"test_hs_full_gradient_rows": "不是第 j 行", "test_hs_loss_value_and_gradcheck": "grad_node_vectors"}

EDITS = {
    'hs_loss_and_gradient': [
        ('    grad_node_vectors = np.zeros_like(node_vectors, dtype=np.result_type(node_vectors, center_vec))\n    grad_node_vectors[path] = grad_path  # 一条路径上的内部节点互不相同',
         '    grad_node_vectors = np.zeros_like(node_vectors)\n    grad_node_vectors[: len(path)] = grad_path  # 错：应是 grad_node_vectors[path]'),
    ],
}
