"""减去的是整个数组的最大值而不是每一行的：数学上没错，但两行得分相差很大时，一行的 exp 全部下溢成 0。"""

EXPECT = {"test_log_softmax_each_row": "每一行要减去自己的最大值"}

EDITS = {
    'log_softmax': [
        ('    shifted = x - x.max(axis=-1, keepdims=True)  # softmax(x) = softmax(x - 常数)',
         '    shifted = x - x.max()'),
    ],
}
