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


def test_rnn_weights_must_be_floats():
    from wordvec_rnn.rnn import init_rnn_params

    with pytest.raises(ValueError, match="参数 `dtype`"):
        init_rnn_params(3, 4, 5, np.random.default_rng(0), dtype=np.int64)   # 曾经得到全 0 的整数权重
    assert init_rnn_params(3, 4, 5, np.random.default_rng(0), dtype=np.float32)["W"].dtype == np.float32


def test_rnn_cross_entropy_takes_probabilities_and_the_logits_version_stays_finite():
    from wordvec_rnn.rnn import cross_entropy, cross_entropy_from_logits

    targets = np.array([[0, 1]])
    with pytest.raises(ValueError, match="参数 `Y_hat`：期望概率"):
        cross_entropy(np.array([[[2.0, -1.0], [0.5, 0.5]]]), targets)          # 曾经给出负的损失
    with pytest.raises(ValueError, match="参数 `Y_hat`：期望沿最后一维和为 1"):
        cross_entropy(np.array([[[0.2, 0.2], [0.5, 0.5]]]), targets)
    S = np.array([[[0.0, 800.0], [0.0, 0.0]]])                                   # 第 1 步：正确的词落后 800
    assert cross_entropy_from_logits(S, targets) == pytest.approx(800.0 + np.log(2.0))
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    with np.errstate(divide="ignore"):                                           # 概率下溢成 0：只能是 inf
        assert np.isinf(cross_entropy(E / E.sum(axis=-1, keepdims=True), targets))


def test_one_hot_accepts_int32_ids():
    from wordvec_rnn.rnn import one_hot

    assert np.array_equal(one_hot(np.array([2, 0], dtype=np.int32), 3), np.eye(3)[[2, 0]])
