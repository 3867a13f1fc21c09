"""用 g *= scale 原地缩放：返回值对了，但调用者传进来的梯度数组也被改掉了。"""

EXPECT = {'test_clip_keeps_input': '改动了输入', 'test_clip_matches_torch': '裁剪前的 ‖g‖ 应是'}

EDITS = {
    'clip_by_norm': [
        ('    clipped = [g * scale for g in arrays]',
         '    for g in arrays:\n        g *= scale\n    clipped = arrays'),
    ],
}
