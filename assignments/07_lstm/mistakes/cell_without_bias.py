"""预激活漏了偏置：z_t = x Vᵀ + h Wᵀ，没有加 b。"""

EXPECT = {"test_cell_uses_bias_and_state": "忘了加偏置", "test_cell_values": "c_t[1, 2] 应是",
          "test_cell_matches_nn_lstm": "与复制了同样参数的 nn.LSTM 不符"}

EDITS = {
    'lstm_cell': [
        ('    z = x @ params["V"].T + h @ params["W"].T + params["b"]      # (B, 4m)：四个门的预激活，按 (g, i, o, f) 堆叠',
         '    z = x @ params["V"].T + h @ params["W"].T'),
    ],
}
