"""负采样 `wordvec_rnn.negative_sampling`（由第 01 章「负采样」一节的 `#@save negative_sampling` 单元导出）的单元测试。"""

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from wordvec_rnn.gradcheck import gradient_errors, relative_error
from wordvec_rnn.negative_sampling import (
    NoiseSampler,
    keep_probability,
    neg_sampling_batch_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    noise_distribution,
    sigmoid,
)

SEEDS = range(5)


def random_single(rng):
    """随机形状的单对输入；词表小、k 大，保证负样本有重复，也常常含 o。"""
    vocab_size, d, k = rng.integers(2, 8), rng.integers(1, 6), rng.integers(1, 12)
    U = rng.normal(size=(vocab_size, d))
    v_c = rng.normal(size=d)
    o = int(rng.integers(0, vocab_size))
    negatives = rng.integers(0, vocab_size, size=k)
    return v_c, o, negatives, U


def random_batch(rng):
    vocab_size, d, k, B = rng.integers(2, 8), rng.integers(1, 6), rng.integers(1, 6), rng.integers(1, 7)
    U = rng.normal(size=(vocab_size, d))
    center_vecs = rng.normal(size=(B, d))
    outside_idx = rng.integers(0, vocab_size, size=B)
    negative_idx = rng.integers(0, vocab_size, size=(B, k))
    return center_vecs, outside_idx, negative_idx, U


# ---------- 梯度 ----------


def assert_matches_finite_differences(loss, *pairs):
    """``pairs`` 是 (参数, 解析梯度)：每个解析梯度与中心差分的相对误差都小于 1e-6。"""
    errors = gradient_errors(loss, {str(i): p for i, (p, _) in enumerate(pairs)}, {str(i): g for i, (_, g) in enumerate(pairs)})
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("seed", SEEDS)
def test_single_gradient_matches_finite_differences(seed):
    v_c, o, negatives, U = random_single(np.random.default_rng(seed))
    loss, grad_center, grad_outside = neg_sampling_loss_and_gradient(v_c, o, negatives, U)
    assert isinstance(loss, float) and grad_center.shape == v_c.shape and grad_outside.shape == U.shape
    assert_matches_finite_differences(
        lambda: neg_sampling_loss_and_gradient(v_c, o, negatives, U)[0], (v_c, grad_center), (U, grad_outside)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_single_matches_formula_and_autograd(seed):
    v_c, o, negatives, U = random_single(np.random.default_rng(100 + seed))
    loss, grad_center, grad_outside = neg_sampling_loss_and_gradient(v_c, o, negatives, U)
    x_o, x_neg = U[o] @ v_c, U[negatives] @ v_c
    assert np.isclose(loss, -np.log(sigmoid(x_o)) - np.log(sigmoid(-x_neg)).sum())

    v_t, U_t = torch.tensor(v_c, requires_grad=True), torch.tensor(U, requires_grad=True)
    J = -F.logsigmoid(U_t[o] @ v_t) - F.logsigmoid(-(U_t[torch.from_numpy(negatives)] @ v_t)).sum()
    J.backward()
    assert np.isclose(J.item(), loss)
    assert relative_error(v_t.grad.numpy(), grad_center) < 1e-12
    assert relative_error(U_t.grad.numpy(), grad_outside) < 1e-12


def test_repeated_negatives_accumulate_and_other_rows_are_zero():
    rng = np.random.default_rng(0)
    U, v_c = rng.normal(size=(6, 3)), rng.normal(size=3)
    o, negatives = 2, np.array([4, 4, 4, 2])
    _, _, grad_outside = neg_sampling_loss_and_gradient(v_c, o, negatives, U)
    assert np.allclose(grad_outside[4], 3 * sigmoid(U[4] @ v_c) * v_c)
    assert np.allclose(grad_outside[2], (2 * sigmoid(U[2] @ v_c) - 1) * v_c)
    assert np.all(grad_outside[[0, 1, 3, 5]] == 0)


def test_extreme_scores_do_not_overflow():
    U = np.array([[1000.0], [-1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, grad_center, _ = neg_sampling_loss_and_gradient(np.array([1.0]), 1, np.array([0]), U)
    assert np.isclose(loss, 2000.0) and np.all(np.isfinite(grad_center))


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_gradient_matches_finite_differences(seed):
    center_vecs, outside_idx, negative_idx, U = random_batch(np.random.default_rng(200 + seed))
    loss, grad_centers, grad_outside = neg_sampling_batch_loss_and_gradient(center_vecs, outside_idx, negative_idx, U)
    assert grad_centers.shape == center_vecs.shape and grad_outside.shape == U.shape
    assert_matches_finite_differences(
        lambda: neg_sampling_batch_loss_and_gradient(center_vecs, outside_idx, negative_idx, U)[0],
        (center_vecs, grad_centers), (U, grad_outside),
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_is_mean_of_singles_and_matches_autograd(seed):
    center_vecs, outside_idx, negative_idx, U = random_batch(np.random.default_rng(300 + seed))
    B = len(center_vecs)
    loss, grad_centers, grad_outside = neg_sampling_batch_loss_and_gradient(center_vecs, outside_idx, negative_idx, U)
    singles = [neg_sampling_loss_and_gradient(center_vecs[b], outside_idx[b], negative_idx[b], U) for b in range(B)]
    assert np.isclose(loss, np.mean([s[0] for s in singles]))
    assert np.allclose(grad_centers, np.stack([s[1] for s in singles]) / B)
    assert np.allclose(grad_outside, sum(s[2] for s in singles) / B)

    C_t, U_t = torch.tensor(center_vecs, requires_grad=True), torch.tensor(U, requires_grad=True)
    x_o = (U_t[torch.from_numpy(outside_idx)] * C_t).sum(-1)
    x_neg = torch.einsum("bkd,bd->bk", U_t[torch.from_numpy(negative_idx)], C_t)
    J = (-F.logsigmoid(x_o) - F.logsigmoid(-x_neg).sum(-1)).mean()
    J.backward()
    assert relative_error(C_t.grad.numpy(), grad_centers) < 1e-12
    assert relative_error(U_t.grad.numpy(), grad_outside) < 1e-12


# ---------- 噪声分布与采样 ----------


def test_noise_distribution_formula():
    counts = np.array([0, 16, 81, 1])
    p = noise_distribution(counts)
    assert p.dtype == np.float64 and np.isclose(p.sum(), 1.0)
    assert np.allclose(p, np.array([0, 8, 27, 1]) / 36)  # 16^{3/4} = 8，81^{3/4} = 27
    assert np.allclose(noise_distribution(counts, power=1.0), counts / counts.sum())
    assert np.allclose(noise_distribution(counts, power=0.0), [0, 1 / 3, 1 / 3, 1 / 3])  # 0 次的词仍为 0
    assert np.allclose(noise_distribution([2, 2]), [0.5, 0.5])  # 列表也行


@pytest.mark.parametrize("seed", range(3))
def test_sampler_frequencies_within_tolerance(seed):
    """10^6 次抽样的经验频率与 P_n 的总变差距离 < 0.01（50 个词时抽样误差本身约 0.003）。"""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 1000, size=50)
    counts[rng.integers(0, 50, size=5)] = 0
    sampler = NoiseSampler(counts, rng=np.random.default_rng(seed))
    draws = sampler.sample(10**6)
    assert draws.dtype == np.int64 and draws.shape == (10**6,)
    p_hat = np.bincount(draws, minlength=len(counts)) / 10**6
    p = noise_distribution(counts)
    assert 0.5 * np.abs(p_hat - p).sum() < 0.01
    assert np.all(p_hat[counts == 0] == 0)  # 概率为 0 的词从不被抽中
    reliable = p * 10**6 >= 10
    z = (p_hat[reliable] - p[reliable]) / np.sqrt(p[reliable] * (1 - p[reliable]) / 10**6)
    assert np.abs(z).max() < 5


def test_sampler_shapes_default_rng_and_edge_words():
    sampler = NoiseSampler([0, 0, 5, 0])
    assert sampler.sample((2, 3)).shape == (2, 3) and sampler.sample(4).shape == (4,)
    assert np.all(sampler.sample(1000) == 2)  # 唯一非零的词（前后都是 0 次的词）
    assert np.array_equal(NoiseSampler([1, 2, 3]).sample(20), NoiseSampler([1, 2, 3]).sample(20))  # 默认 default_rng(0)
    assert len(sampler) == 4


# ---------- 二次采样 ----------


def test_keep_probability_hand_example():
    counts = np.array([0, 9000, 900, 90, 10])  # f = 0, 0.9, 0.09, 0.009, 0.001
    keep = keep_probability(counts, threshold=1e-3)
    assert np.allclose(keep, [1, 1 / 30, 1 / np.sqrt(90), 1 / 3, 1])


@pytest.mark.parametrize("seed", range(3))
def test_keep_probability_bounds(seed):
    rng = np.random.default_rng(seed)
    counts = rng.zipf(1.5, size=200).astype(np.int64)
    keep = keep_probability(counts, threshold=1e-3)
    f = counts / counts.sum()
    assert np.all((keep > 0) & (keep <= 1))
    assert np.all(keep[f <= 1e-3] == 1)  # 罕见的词全部保留
    assert np.allclose(keep[f > 1e-3], np.sqrt(1e-3 / f[f > 1e-3]))
    order = np.argsort(counts)
    assert np.all(np.diff(keep[order]) <= 1e-15)  # 越频繁，保留得越少


# ---------- 输入检查 ----------

U = np.zeros((6, 3))
V_C = np.zeros(3)
C2, O2, N2 = np.zeros((4, 3)), np.array([0, 1, 2, 3]), np.zeros((4, 2), dtype=np.int64)
EMPTY = np.array([], dtype=np.int64)

BAD_CALLS = {
    "counts empty": ("counts", lambda: noise_distribution(EMPTY)),
    "counts negative": ("counts", lambda: noise_distribution(np.array([3, -1, 2]))),
    "counts all zero": ("counts", lambda: noise_distribution(np.zeros(4, dtype=np.int64))),
    "counts float": ("counts", lambda: noise_distribution(np.array([1.0, 2.0]))),
    "counts 2-D": ("counts", lambda: noise_distribution(np.ones((2, 2), dtype=np.int64))),
    "power negative": ("power", lambda: noise_distribution([1, 2], power=-1.0)),
    "sampler counts all zero": ("counts", lambda: NoiseSampler([0, 0])),
    "sampler counts negative": ("counts", lambda: NoiseSampler([1, -2])),
    "sampler rng": ("rng", lambda: NoiseSampler([1, 2], rng=np.random.RandomState(0))),
    "sample k = 0": ("shape", lambda: NoiseSampler([1, 2]).sample((3, 0))),
    "sample negative": ("shape", lambda: NoiseSampler([1, 2]).sample(-1)),
    "sample float": ("shape", lambda: NoiseSampler([1, 2]).sample(2.0)),
    "sample empty tuple": ("shape", lambda: NoiseSampler([1, 2]).sample(())),
    "keep counts empty": ("counts", lambda: keep_probability(EMPTY)),
    "keep counts negative": ("counts", lambda: keep_probability(np.array([1, -1]))),
    "keep counts all zero": ("counts", lambda: keep_probability(np.zeros(3, dtype=np.int64))),
    "keep threshold zero": ("threshold", lambda: keep_probability([1, 2], threshold=0.0)),
    "keep threshold negative": ("threshold", lambda: keep_probability([1, 2], threshold=-1e-5)),
    "single k = 0": ("negative_idx", lambda: neg_sampling_loss_and_gradient(V_C, 0, EMPTY, U)),
    "single o too large": ("outside_idx", lambda: neg_sampling_loss_and_gradient(V_C, 6, np.array([1]), U)),
    "single o negative": ("outside_idx", lambda: neg_sampling_loss_and_gradient(V_C, -1, np.array([1]), U)),
    "single o float": ("outside_idx", lambda: neg_sampling_loss_and_gradient(V_C, 1.0, np.array([1]), U)),
    "single negative out of range": ("negative_idx", lambda: neg_sampling_loss_and_gradient(V_C, 0, np.array([6]), U)),
    "single negative below 0": ("negative_idx", lambda: neg_sampling_loss_and_gradient(V_C, 0, np.array([-1]), U)),
    "single negative float": ("negative_idx", lambda: neg_sampling_loss_and_gradient(V_C, 0, np.array([1.0]), U)),
    "single negative 2-D": ("negative_idx", lambda: neg_sampling_loss_and_gradient(V_C, 0, N2, U)),
    "single d mismatch": ("center_vec", lambda: neg_sampling_loss_and_gradient(np.zeros(4), 0, np.array([1]), U)),
    "single center nan": ("center_vec", lambda: neg_sampling_loss_and_gradient(np.full(3, np.nan), 0, np.array([1]), U)),
    "single U 1-D": ("outside_vectors", lambda: neg_sampling_loss_and_gradient(V_C, 0, np.array([1]), np.zeros(6))),
    "single U int": ("outside_vectors", lambda: neg_sampling_loss_and_gradient(V_C, 0, np.array([1]), np.zeros((6, 3), dtype=int))),
    "batch k = 0": ("negative_idx", lambda: neg_sampling_batch_loss_and_gradient(C2, O2, np.zeros((4, 0), dtype=np.int64), U)),
    "batch o length": ("outside_idx", lambda: neg_sampling_batch_loss_and_gradient(C2, O2[:3], N2, U)),
    "batch negatives rows": ("negative_idx", lambda: neg_sampling_batch_loss_and_gradient(C2, O2, N2[:3], U)),
    "batch negatives 1-D": ("negative_idx", lambda: neg_sampling_batch_loss_and_gradient(C2, O2, N2[:, 0], U)),
    "batch o out of range": ("outside_idx", lambda: neg_sampling_batch_loss_and_gradient(C2, O2 + 3, N2, U)),
    "batch negative out of range": ("negative_idx", lambda: neg_sampling_batch_loss_and_gradient(C2, O2, N2 - 1, U)),
    "batch d mismatch": ("center_vecs", lambda: neg_sampling_batch_loss_and_gradient(C2[:, :2], O2, N2, U)),
    "batch empty": ("center_vecs", lambda: neg_sampling_batch_loss_and_gradient(np.zeros((0, 3)), EMPTY, np.zeros((0, 2), dtype=np.int64), U)),
    "batch U 1-D": ("outside_vectors", lambda: neg_sampling_batch_loss_and_gradient(C2, O2, N2, np.zeros(6))),
}


@pytest.mark.parametrize("case", BAD_CALLS, ids=list(BAD_CALLS))
def test_bad_input_raises_value_error_naming_argument(case):
    name, call = BAD_CALLS[case]
    with pytest.raises(ValueError, match=f"参数 `{name}`"):
        call()
