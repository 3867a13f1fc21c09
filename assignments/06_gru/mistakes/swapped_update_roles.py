"""u_t 与 1 − u_t 的角色弄反了：写成 h_t = u_t ⊙ g_t + (1 − u_t) ⊙ h_{t-1}（另一种文献的约定），与本书和 nn.GRU 相反。"""

EXPECT = {"test_update_gate_copies_state": "角色弄反了", "test_cell_values": "u_t 乘的是旧状态",
          "test_layer_matches_nn_gru": "nn.GRU 不一致", "test_layer_matches_cell": "H[1, 4, 2]",
          "test_layer_stores_new_state": "H[:, 0] 应是 h_1"}

EDITS = {
    'gru_cell': [
        ('    h_new = (1 - u) * g + u * h',
         '    h_new = u * g + (1 - u) * h'),
    ],
    'gru_layer': [
        ('        h = (1 - u) * g + u * h',
         '        h = u * g + (1 - u) * h'),
    ],
}
