"""向左、向右都用了 σ(u_nᵀv_c)（忘了方向 s_j，向右应是 σ(-u_nᵀv_c)）：词表上的概率之和不再是 1。"""

EXPECT = {"test_hs_probabilities_sum_to_one": "两边都用 σ(x)", "test_hs_probabilities_small_tree": "概率之和应为 1",
          "test_hs_probabilities_ignore_padding": "P(w|c) 应是"}

EDITS = {
    'hs_probabilities': [
        ('    x = tree.signs * z[tree.paths]               # (|𝒱|, ℓ_max)：s_j u_{n_j}^T v_c，补位处为 0',
         '    x = z[tree.paths]  # 错：没有乘方向 s_j'),
    ],
}
