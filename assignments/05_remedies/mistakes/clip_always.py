"""不管 ‖g‖ 是否超过阈值都缩放到长度 γ：系数写成了 γ/‖g‖，漏了 min(1, ·)。"""

EXPECT = {'test_clip_below_threshold': 'min(1, γ/‖g‖)', 'test_clip_matches_torch': 'max_norm = 100.0'}

EDITS = {
    'clip_by_norm': [
        ('    scale = min(1.0, max_norm / total) if total > 0 else 1.0             # min(1, γ/‖g‖)',
         '    scale = max_norm / total if total > 0 else 1.0'),
    ],
}
