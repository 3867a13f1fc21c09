"""输入检查曾经放过、给出静默错误结果的调用：每个都要么得到正确的有限结果，要么是点名参数的 ValueError。"""

import numpy as np
import pytest

from wordvec_rnn.negative_sampling import NoiseSampler, neg_sampling_loss_and_gradient, noise_distribution


def test_noise_distribution_with_a_large_power_stays_a_distribution():
    probs = noise_distribution(np.array([1, 2, 5, 0]), power=400.0)
    assert np.isfinite(probs).all() and probs.sum() == pytest.approx(1.0)
    assert probs.argmax() == 2 and probs[3] == 0.0
    assert np.isfinite(NoiseSampler(np.array([1, 2, 5]), power=400.0).cdf).all()


def test_negative_sampling_rejects_nan_in_the_outside_vectors():
    U = np.zeros((4, 3))
    U[2, 1] = np.nan
    with pytest.raises(ValueError, match="参数 `outside_vectors`：期望不含 NaN"):
        neg_sampling_loss_and_gradient(np.ones(3), 0, np.array([1, 2]), U)


def test_word2vec_keep_probability_needs_a_positive_threshold():
    from wordvec_rnn.word2vec_train import keep_probability_word2vec

    with pytest.raises(ValueError, match="参数 `threshold`：期望正实数"):
        keep_probability_word2vec(np.array([5, 1, 0]), 0.0)


def test_spearman_rejects_nan_and_constant_inputs():
    from wordvec_rnn.word2vec_eval import spearman

    with pytest.raises(ValueError, match="参数 `x`：期望不含 NaN"):
        spearman(np.array([1.0, np.nan, 3.0]), np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="参数 `y`：期望至少 2 个、不全相同的数"):
        spearman(np.array([1.0, 2.0, 3.0]), np.array([4.0, 4.0, 4.0]))


def test_most_similar_rejects_a_word_whose_vector_is_zero():
    from wordvec_rnn.vocab import Vocab
    from wordvec_rnn.word2vec_eval import most_similar
    from wordvec_rnn.word2vec_train import Word2VecResult

    vocab = Vocab([["猫", "狗", "鱼"]])
    vectors = np.ones((len(vocab), 2))
    vectors[vocab["鱼"]] = 0.0
    result = Word2VecResult.from_vectors(vocab, vectors)
    assert [w for w, _ in most_similar(result, "猫")] == ["狗", "鱼"]
    with pytest.raises(ValueError, match="参数 `word`：期望词向量不为零的词"):
        most_similar(result, "鱼")


@pytest.mark.parametrize("label", [2.0, float("nan")])
def test_batch_updates_reject_labels_other_than_0_and_1(label):
    from wordvec_rnn.word2vec_batch import skipgram_batch_update

    V, U = np.full((4, 2), 0.1, dtype=np.float32), np.zeros((4, 2), dtype=np.float32)
    labels = np.array([[1.0, label]])
    with pytest.raises(ValueError, match="参数 `labels`"):
        skipgram_batch_update(V, U, np.array([[1, 2]]), np.ones((1, 2), bool), np.array([[0, 3]]), labels,
                              np.ones((1, 2)), 0.1)
