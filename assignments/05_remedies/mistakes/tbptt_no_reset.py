"""每个 L_t 开始往回传时没有把 dh 重新设为 ∂L_t/∂h_t，而是在上一个 L_t 传到截断处剩下的梯度上累加。"""

EXPECT = {'test_tbptt_each_loss_restarts': '没有重新设置 dh', 'test_tbptt_one_step': 'K = 1',
          'test_tbptt_full_when_K_at_least_T': '完整 BPTT', 'test_tbptt_matches_detached_torch': 'detach',
          'test_tbptt_number_of_steps': 'K = 2 时的梯度不对'}

EDITS = {
    'truncated_bptt_gradients': [
        ('    dS, grads["U"], grads["b_y"] = output_layer_gradients(H, Y_hat, targets)  # 输出层不截断：与完整 BPTT 相同',
         '    dS, grads["U"], grads["b_y"] = output_layer_gradients(H, Y_hat, targets)  # 输出层不截断：与完整 BPTT 相同\n    dh = np.zeros_like(H[:, 0])'),
        ('        dh = dS[:, t - 1] @ U                                              # ∂L_t/∂h_t',
         '        dh += dS[:, t - 1] @ U'),
    ],
}
