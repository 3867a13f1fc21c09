"""批量版本用 grad[paths] += … 累加节点梯度：重复的编号（比如每条路径都经过的根）只加了一次。"""

EXPECT = {"test_hs_batch_shared_nodes_accumulate": "np.add.at", "test_hs_batch_gradcheck": "grad_node_vectors"}

EDITS = {
    'hs_batch_loss_and_gradient': [
        ('    grad_node_vectors = np.zeros_like(node_vectors, dtype=np.result_type(node_vectors, center_vecs))\n    # 不同的对可能经过同一个内部节点（根就被所有的对经过）：用 np.add.at 累加，而不是赋值\n    np.add.at(grad_node_vectors, paths[mask], (g[:, :, None] * center_vecs[:, None, :])[mask])',
         '    grad_node_vectors = np.zeros_like(node_vectors)\n    grad_node_vectors[paths[mask]] += (g[:, :, None] * center_vecs[:, None, :])[mask]  # 错：重复的行只加一次'),
    ],
}
