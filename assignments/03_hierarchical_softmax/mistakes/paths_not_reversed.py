"""从叶子沿 parent 往上走记下了路径与编码，却忘了翻转：paths 与 codes 是从叶子到根的顺序，不是从根出发。"""

EXPECT = {"test_huffman_structure": "翻转", "test_huffman_small_tree": "从根出发", "test_huffman_left_right_and_ties": "从根出发",
          "test_huffman_two_words_and_float_counts": "的树应是"}

EDITS = {
    'build_huffman_tree': [
        ('    source = np.where(mask, lengths[:, None] - 1 - j, 0)',
         '    source = np.where(mask, j, 0)'),
    ],
}
