"""照反向传播的习惯写成 W_*ᵀ diag(a)（分母布局），得到的对 h_{t-1} 的两块都是正确答案的转置。"""

EXPECT = {"test_jacobian_ch_block": "转置了", "test_jacobian_hh_block": "转置了",
          "test_jacobian_matches_autograd": "∂c_t/∂h_{t-1}（右上）"}

EDITS = {
    'lstm_jacobian_step': [
        ('    dc_dh = ((c * f * (1 - f))[:, None] * W["f"] + (g * i * (1 - i))[:, None] * W["i"]\n             + (i * (1 - g ** 2))[:, None] * W["g"])                          # ∂c_t/∂h_{t-1}',
         '    dc_dh = (W["f"].T * (c * f * (1 - f))[None, :] + W["i"].T * (g * i * (1 - i))[None, :]\n             + W["g"].T * (i * (1 - g ** 2))[None, :])'),
        ('    dh_dh = (tanh_c * o * (1 - o))[:, None] * W["o"] + through_c[:, None] * dc_dh   # ∂h_t/∂h_{t-1}',
         '    dh_dh = W["o"].T * (tanh_c * o * (1 - o))[None, :] + dc_dh * through_c[None, :]'),
    ],
}
