"""∂c_t/∂h_{t-1} 只算了经过候选值 g_t 的一项，把 i_t、f_t 当成常数，漏了经过输入门和遗忘门的间接路径。"""

EXPECT = {"test_jacobian_ch_block": "只算了经过 g_t 的一项", "test_jacobian_matches_autograd": "∂c_t/∂h_{t-1}（右上）",
          "test_jacobian_hh_block": "右下块）与 autograd 不符"}

EDITS = {
    'lstm_jacobian_step': [
        ('    dc_dh = ((c * f * (1 - f))[:, None] * W["f"] + (g * i * (1 - i))[:, None] * W["i"]\n             + (i * (1 - g ** 2))[:, None] * W["g"])                          # ∂c_t/∂h_{t-1}',
         '    dc_dh = (i * (1 - g ** 2))[:, None] * W["g"]'),
    ],
}
