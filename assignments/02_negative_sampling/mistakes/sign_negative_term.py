"""负样本项的符号反了：把噪声对也当成真实的对，写成 -log σ(u_{w_i}ᵀv_c)，梯度与这个错的损失一致，所以有限差分查不出来。"""

EXPECT = {"test_ns_negative_sign": "负样本项的符号反了", "test_ns_loss_value": "损失应是", "test_ns_gradcheck": "损失应是",
          "test_ns_large_scores": "损失应是"}

EDITS = {
    'neg_sampling_loss_and_gradient': [
        ('    loss = softplus(-x_o) + softplus(x_neg).sum()\n\n    grad_center = (sigmoid(x_o) - 1.0) * u_o + sigmoid(x_neg) @ u_neg',
         '    loss = softplus(-x_o) + softplus(-x_neg).sum()\n    grad_center = (sigmoid(x_o) - 1.0) * u_o + (sigmoid(x_neg) - 1.0) @ u_neg'),
    ],
}
