"""建树时每次合并的是次数最大的两个节点（堆里放了 -次数，或者从排好序的表尾取）：常见词反而被压到了树的深处。"""

EXPECT = {"test_huffman_optimal_lengths": "次数**最小**的两个节点", "test_huffman_small_tree": "码长 lengths 应是",
          "test_huffman_structure": "合并次数最小的两个节点", "test_huffman_left_right_and_ties": "合并次数最小的两个节点",
          "test_huffman_two_words_and_float_counts": "的编码应是"}

EDITS = {
    'build_huffman_tree': [
        ('    heap = list(zip(counts.tolist(), range(V)))  # (次数, 全树编号)：次数相同按编号先后',
         '    heap = [(-c, w) for w, c in enumerate(counts.tolist())]  # 错：-次数让堆先弹出次数最大的'),
    ],
}
