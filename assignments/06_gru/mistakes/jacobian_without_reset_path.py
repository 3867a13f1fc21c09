"""∂g_t/∂h_{t-1} 里只算了 h_{t-1} 直接进入候选值的路，把 r_t 当成常数，漏掉了经过重置门的路。"""

EXPECT = {"test_jacobian_reset_path": "漏掉了经过重置门的路", "test_jacobian_matches_autograd": "与 autograd 求出的",
          "test_jacobian_torch_variant": "经过候选值的一项与 autograd 不符"}

EDITS = {
    'gru_jacobian_terms': [
        ('        q = W_g @ h + params["b_hg"]\n        da = r[:, None] * W_g + q[:, None] * dr',
         '        da = r[:, None] * W_g'),
    ],
}
