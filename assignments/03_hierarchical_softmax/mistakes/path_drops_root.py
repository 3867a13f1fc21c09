"""取路径时从第 1 位开始（差一）：漏掉了根 n_1 那一项，损失、梯度和返回的路径都少了一个节点。"""

EXPECT = {"test_hs_path_is_complete": "漏掉了根", "test_hs_loss_is_minus_log_probability": "少了根 n_1"}

EDITS = {
    'hs_path_loss_and_gradient': [
        ('    path = tree.paths[o, :length]',
         '    path = tree.paths[o, 1:length]'),
        ('    s = 1.0 - 2.0 * tree.codes[o, :length]',
         '    s = 1.0 - 2.0 * tree.codes[o, 1:length]'),
    ],
}
