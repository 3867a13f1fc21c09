"""log softmax 直接对得分取 exp，没有先减去最大值：得分上千时 exp 上溢成 inf，结果成了 nan。"""

EXPECT = {"test_log_softmax_large_scores": "上溢", "test_log_softmax_each_row": "上溢"}

EDITS = {
    'log_softmax': [
        ('    shifted = x - x.max(axis=-1, keepdims=True)  # softmax(x) = softmax(x - 常数)',
         '    shifted = x'),
    ],
}
