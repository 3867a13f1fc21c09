"""截断的 range 终点差一：k 取到 t − K（共 K + 1 项），多往回传了一步。"""

EXPECT = {'test_tbptt_number_of_steps': '多传了一步', 'test_tbptt_matches_detached_torch': 'detach',
          'test_tbptt_one_step': 'K = 1 时每个 L_t 只保留', 'test_tbptt_each_loss_restarts': 'K = 3 时的梯度不对'}

EDITS = {
    'truncated_bptt_gradients': [
        ('        for k in range(t, max(1, t - K + 1) - 1, -1):                      # k = t, t−1, …, max(1, t−K+1)',
         '        for k in range(t, max(1, t - K) - 1, -1):'),
    ],
}
