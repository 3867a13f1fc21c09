"""忘了对时间步累加：dw = δ_t h_{t-1} 用了赋值而不是 +=，最后只剩 t = 1 这一项。"""

EXPECT = {'test_one_unit_sums_over_time': '累加', 'test_one_unit_gradcheck': '有限差分',
          'test_one_unit_sign': '(∂L/∂w, ∂L/∂b) 应是'}

EDITS = {
    'one_unit_rnn_loss_and_grad': [
        ('        dw += delta * H[t - 1]\n        db += delta',
         '        dw = delta * H[t - 1]\n        db = delta'),
    ],
}
