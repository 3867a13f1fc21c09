"""取路径时从第 1 位开始（差一）：漏掉了根 n_1 那一项，损失、梯度和返回的路径都少了一个节点。"""

EXPECT = {"test_hs_path_is_complete": "漏掉了根", "test_hs_loss_is_minus_log_probability": "少了根 n_1",
          "test_hs_loss_value_and_gradcheck": "路径应是", "test_hs_gradient_direction_signs": "grad_path 的形状应是",
          "test_hs_center_gradient_sums_over_path": "grad_center_vec"}

EDITS = {
    'hs_path_loss_and_gradient': [
        ('    path = tree.paths[o, :length]',
         '    path = tree.paths[o, 1:length]'),
        ('    s = 1.0 - 2.0 * tree.codes[o, :length]',
         '    s = 1.0 - 2.0 * tree.codes[o, 1:length]'),
    ],
}
