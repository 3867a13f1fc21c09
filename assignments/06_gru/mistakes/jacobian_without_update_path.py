"""雅可比矩阵漏掉了经过更新门的路（把 u_t 当成与 h_{t-1} 无关的常数），这正是原讲义公式的错误。"""

EXPECT = {"test_jacobian_update_path": "漏掉了经过更新门的路", "test_jacobian_matches_autograd": "与 autograd 求出的"}

EDITS = {
    'gru_jacobian_terms': [
        ('    terms = {"copy": torch.diag(u), "candidate": (1 - u)[:, None] * dg, "update": (h - g)[:, None] * du}',
         '    terms = {"copy": torch.diag(u), "candidate": (1 - u)[:, None] * dg, "update": torch.zeros_like(dg)}'),
    ],
}
