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
