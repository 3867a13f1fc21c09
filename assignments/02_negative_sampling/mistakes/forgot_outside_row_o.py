"""只给负样本的 u_{w_i} 算了梯度，忘了正样本的 u_o：grad_outside 的第 o 行是 0。"""

EXPECT = {"test_ns_outside_row_o": "忘了 u_o 的梯度", "test_ns_gradcheck": "grad_outside"}

EDITS = {
    'neg_sampling_loss_and_gradient': [
        ('    grad_outside[o] += (sigmoid(x_o) - 1.0) * v_c\n',
         ''),
    ],
}
