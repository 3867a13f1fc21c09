"""乘积里没有去掉补位：补位处 s_j = 0，每个补位多乘了 σ(0) = 1/2，路径较短的词概率偏小。"""

EXPECT = {"test_hs_probabilities_ignore_padding": "补位处（j ≥ ℓ(w)）也乘进去了", "test_hs_probabilities_sum_to_one": "补位",
          "test_hs_probabilities_small_tree": "补位处不算"}

EDITS = {
    'hs_probabilities': [
        ('    P = np.exp(np.where(tree.mask, log_sigmoid(x), 0.0).sum(axis=1))',
         '    P = np.exp(log_sigmoid(x).sum(axis=1))  # 错：补位处也加进去了'),
    ],
}
