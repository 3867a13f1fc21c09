"""每个数组各用自己的范数分别裁剪，而不是对全部参数一起算总范数、所有数组乘同一个系数。"""

EXPECT = {'test_clip_global_norm': '每个数组分别裁剪', 'test_clip_matches_torch': 'clip_grad_norm_',
          'test_clip_keeps_input': '裁剪结果不对'}

EDITS = {
    'clip_by_norm': [
        ('    scale = min(1.0, max_norm / total) if total > 0 else 1.0             # min(1, γ/‖g‖)\n    clipped = [g * scale for g in arrays]',
         '    clipped = []\n    for g in arrays:\n        norm = np.linalg.norm(g)\n        clipped.append(g * min(1.0, max_norm / norm) if norm > 0 else g.copy())'),
    ],
}
