"""窗口差一：range(-window, window) 的右端不含 window，右边总少一个上下文词（j = +window）。"""

EXPECT = {"test_pairs_window_edges": "差一", "test_pairs_small_sentence": "14 对",
          "test_pairs_do_not_cross_sentences": "两端都要含"}

EDITS = {
    'skipgram_pairs': [
        ('range(-window, window + 1)',
         'range(-window, window)'),
    ],
}
