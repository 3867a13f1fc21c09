"""实现成了分段截断（每段长 K、只传回本段开头），而题目要求每个 L_t 各自往回传 K 步。"""

EXPECT = {'test_tbptt_each_loss_restarts': '分段截断', 'test_tbptt_matches_detached_torch': 'detach',
          'test_tbptt_number_of_steps': 'K = 2 时的梯度不对'}

EDITS = {
    'truncated_bptt_gradients': [
        ('        for k in range(t, max(1, t - K + 1) - 1, -1):                      # k = t, t−1, …, max(1, t−K+1)',
         '        start = ((t - 1) // K) * K + 1\n        for k in range(t, start - 1, -1):'),
    ],
}
