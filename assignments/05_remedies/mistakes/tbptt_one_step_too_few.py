"""截断的 range 终点差一：写成 range(t, t − K + 1, −1)，终点不含在内，每个 L_t 只传 K − 1 项，K = 1 时一项也没有。"""

EXPECT = {'test_tbptt_number_of_steps': '少传了一步', 'test_tbptt_one_step': '少传了一步',
          'test_tbptt_full_when_K_at_least_T': '完整 BPTT', 'test_tbptt_matches_detached_torch': 'detach',
          'test_tbptt_each_loss_restarts': 'K = 3 时的梯度不对'}

EDITS = {
    'truncated_bptt_gradients': [
        ('        for k in range(t, max(1, t - K + 1) - 1, -1):                      # k = t, t−1, …, max(1, t−K+1)',
         '        for k in range(t, max(0, t - K + 1), -1):'),
    ],
}
