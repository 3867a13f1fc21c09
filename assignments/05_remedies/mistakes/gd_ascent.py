"""沿着梯度的方向走：path[k+1] = path[k] + lr·g，是梯度上升，损失越走越大。"""

EXPECT = {'test_gd_descends': '梯度上升'}

EDITS = {
    'gd_trajectory': [
        ('        path[k + 1] = path[k] - lr * g',
         '        path[k + 1] = path[k] + lr * g'),
    ],
}
