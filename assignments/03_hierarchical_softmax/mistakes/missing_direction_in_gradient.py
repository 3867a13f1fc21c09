"""损失里用了 s_j，求导时却漏了链式法则里的因子 s_j：向右走的节点上梯度的符号反了。"""

EXPECT = {"test_hs_gradient_direction_signs": "别漏了 s_j", "test_hs_center_gradient_sums_over_path": "grad_center_vec"}

EDITS = {
    'hs_path_loss_and_gradient': [
        ('    g = (sigmoid(x) - 1.0) * s                      # ∂J/∂(u_{n_j}^T v_c) = (σ(s_j u_{n_j}^T v_c) - 1) s_j',
         '    g = sigmoid(x) - 1.0  # 错：少乘了 s'),
    ],
}
