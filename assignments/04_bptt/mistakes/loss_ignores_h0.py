"""没有把 h0 传给 rnn_forward：每段都从全零状态开始，截断 BPTT 的各段接不上。"""

EXPECT = {"test_loss_and_gradients_uses_h0": "h0 没有用上", "test_truncated_bptt_chunks": "h0 是否传给了",
          "test_loss_and_gradients_with_h0": "h0 传进去了吗"}

EDITS = {
    'rnn_loss_and_gradients': [
        ('    H, Y_hat = rnn_forward(params, X, h0)',
         '    H, Y_hat = rnn_forward(params, X)'),
    ],
}
