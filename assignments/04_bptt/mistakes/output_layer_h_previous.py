"""∂L/∂U 里 ŷ_t − y_t 配了 h_{t-1}（H[:, :-1]）：时间上差了一步，应配同一步的 h_t（H[:, 1:]）。"""

EXPECT = {"test_output_layer_gradients_hidden": "配的是 h_{t-1}", "test_output_layer_gradcheck": "∂L/∂U"}

EDITS = {
    'output_layer_gradients': [
        ('    dU = dS.reshape(-1, q).T @ H[:, 1:].reshape(-1, m)',
         '    dU = dS.reshape(-1, q).T @ H[:, :-1].reshape(-1, m)'),
    ],
}
