"""PyTorch 变体的雅可比矩阵照搬了 Cho 变体的 ∂g_t/∂h_{t-1}（diag(r_t) 放在 W_g 右边），没有按 r_t ⊙ (W_g h_{t-1} + b_hg) 重新求导。"""

EXPECT = {"test_jacobian_torch_variant": "用了 Cho 变体的公式", "test_jacobian_matches_autograd": "torch 变体",
          "test_jacobian_reset_path": "经过候选值的一项"}

EDITS = {
    'gru_jacobian_terms': [
        ('    if variant == "cho":                                   # ∂(W_g (h ⊙ r))/∂h = W_g [diag(r) + diag(h) ∂r/∂h]\n        da = W_g @ (torch.diag(r) + h[:, None] * dr)\n    else:                                                  # ∂(r ⊙ q)/∂h = diag(r) W_g + diag(q) ∂r/∂h，q = W_g h + b_hg\n        q = W_g @ h + params["b_hg"]\n        da = r[:, None] * W_g + q[:, None] * dr',
         '    da = W_g @ (torch.diag(r) + h[:, None] * dr)'),
    ],
}
