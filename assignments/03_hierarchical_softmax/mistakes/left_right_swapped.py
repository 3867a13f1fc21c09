"""先取出的（次数较小的）节点做了右孩子、后取出的做了左孩子：码长仍是最优的，但编码的 0 和 1 与约定相反。"""

EXPECT = {"test_huffman_left_right_and_ties": "先取出的（次数较小的）做左孩子", "test_huffman_small_tree": "children 应是",
          "test_huffman_two_words_and_float_counts": "的编码应是"}

EDITS = {
    'build_huffman_tree': [
        ('        children.append((left, right))',
         '        children.append((right, left))'),
        ('        bit[right] = 1',
         '        bit[left] = 1'),
    ],
}
