"""用 np.clip 逐元素截断代替按范数裁剪：大的分量被截到 γ，小的不变，梯度的方向变了。"""

EXPECT = {'test_clip_direction': 'np.clip', 'test_clip_global_norm': '都应乘同一个系数',
          'test_clip_matches_torch': 'clip_grad_norm_', 'test_clip_keeps_input': '裁剪结果不对'}

EDITS = {
    'clip_by_norm': [
        ('    scale = min(1.0, max_norm / total) if total > 0 else 1.0             # min(1, γ/‖g‖)\n    clipped = [g * scale for g in arrays]',
         '    clipped = [np.clip(g, -max_norm, max_norm) for g in arrays]'),
    ],
}
