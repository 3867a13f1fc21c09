"""窗口差一：偏移只取到 |j| < window（range 的右端不含），window=1 时一对也没有。"""

import numpy as np

EXPECT = {"test_pairs_window_edges": "差一", "test_pairs_small_sentence": "14 对"}


def skipgram_pairs(sentences, window):
    ids, sentence_of = flatten_sentences(sentences)
    centers, outsides = [], []
    for t in range(len(ids)):
        for j in range(-window + 1, window):
            if j != 0 and 0 <= t + j < len(ids) and sentence_of[t] == sentence_of[t + j]:
                centers.append(ids[t])
                outsides.append(ids[t + j])
    return np.array(centers, dtype=np.int64), np.array(outsides, dtype=np.int64)
