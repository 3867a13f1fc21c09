"""wordvec_rnn.word2vec_eval：评估词向量（余弦相似度、最近邻、类比、Spearman ρ）。"""

from __future__ import annotations

import re

import numpy as np
import pytest

from test_word2vec_train import topic_corpus
from wordvec_rnn.word2vec_eval import analogy, most_similar, similarity, spearman, wordsim_spearman
from wordvec_rnn.word2vec_train import Word2VecResult, train_word2vec


@pytest.fixture(scope="module")
def trained():
    return train_word2vec(topic_corpus(), dim=12, window=2, min_count=1, epochs=5, subsample=None, lr=0.05,
                          batch_size=64, show_progress=False)


def test_words_with_shared_contexts_end_up_close(trained):
    for a, b in [("cat", "dog"), ("car", "bus")]:
        assert similarity(trained, a, b) > 0.8
    assert similarity(trained, "cat", "dog") > similarity(trained, "cat", "car") + 0.5
    assert most_similar(trained, "cat", 1)[0][0] == "dog"
    assert {w for w, _ in most_similar(trained, "a0", 5)} == {f"a{i}" for i in range(1, 6)}
    # 类比：cat 之于 dog，如同 car 之于 ?（同组的另一个词）
    assert analogy(trained, "cat", "dog", "car", topn=1)[0][0] == "bus"


def test_spearman_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    x = rng.integers(0, 6, size=40).astype(float)  # 有并列
    y = x + rng.normal(size=40)
    assert spearman(x, y) == pytest.approx(stats.spearmanr(x, y)[0], abs=1e-12)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_wordsim_spearman(trained):
    pairs = [("cat", "dog", 9.0), ("car", "bus", 8.5), ("cat", "car", 1.0), ("dog", "bus", 1.5), ("cat", "zebra", 5.0)]
    rho, found = wordsim_spearman(trained, pairs)
    assert found == 4 and rho > 0.5  # zebra 不在词表里


def test_result_type_and_external_vectors(trained):
    assert isinstance(trained, Word2VecResult) and trained.config["window"] == 2
    by_word = {w: trained.center_vectors[i] for i, w in enumerate(trained.vocab.tokens) if i > 1}
    for source in (by_word, trained.center_vectors):
        wrapped = Word2VecResult.from_vectors(trained.vocab, source)
        assert most_similar(wrapped, "cat", 3) == most_similar(trained, "cat", 3)
    with pytest.raises(ValueError, match="参数 `vectors`"):
        Word2VecResult.from_vectors(trained.vocab, {"zebra": np.ones(3)})
    with pytest.raises(ValueError, match="参数 `vocab`"):
        Word2VecResult.from_vectors(["cat"], by_word)


def test_bad_inputs(trained):
    bad_calls = [
        ("word", lambda: most_similar(trained, "zebra")),
        ("word", lambda: most_similar(trained, "<unk>")),
        ("topn", lambda: most_similar(trained, "cat", 0)),
        ("b", lambda: analogy(trained, "cat", "zebra", "car")),
        ("word2", lambda: similarity(trained, "cat", 3)),
        ("result", lambda: most_similar("model", "cat")),
        ("pairs", lambda: wordsim_spearman(trained, "cat dog 9")),
        ("pairs[0]", lambda: wordsim_spearman(trained, [("cat", "dog")])),
        ("pairs", lambda: wordsim_spearman(trained, [("zebra", "lion", 9.0)])),
        ("y", lambda: spearman([1, 2, 3], [1, 2])),
        ("x", lambda: spearman([2.0, 2.0, 2.0], [1, 2, 3])),   # 全相同：秩没有差别，相关系数无定义（不是 NaN）
        ("x", lambda: spearman([1.0, np.nan, 3.0], [1, 2, 3])),
    ]
    for name, call in bad_calls:
        with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
            call()
