"""沿着梯度的方向走：path[k+1] = path[k] + lr·g，是梯度上升，损失越走越大。"""

EXPECT = {'test_gd_descends': '梯度上升', 'test_gd_clipped_steps': '裁剪前最大的',
          'test_gd_records_norm_before_clipping': '每一步应是'}

EDITS = {
    'gd_trajectory': [
        ('        path[k + 1] = path[k] - lr * g',
         '        path[k + 1] = path[k] + lr * g'),
    ],
}
