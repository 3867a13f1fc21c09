"""grad_norms 记的是裁剪后的 ‖g‖（总不超过 γ），看不出哪一步撞上了悬崖。"""

EXPECT = {'test_gd_records_norm_before_clipping': '裁剪后的范数', 'test_gd_clipped_steps': '裁剪前最大的'}

EDITS = {
    'gd_trajectory': [
        ('            g, grad_norms[k] = clip_by_norm(g, max_norm)\n        else:\n            grad_norms[k] = np.linalg.norm(g)',
         '            g, _ = clip_by_norm(g, max_norm)\n        grad_norms[k] = np.linalg.norm(g)'),
    ],
}
