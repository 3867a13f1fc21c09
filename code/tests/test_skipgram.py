"""wordvec_rnn.skipgram（第 01 章「跳元模型与 softmax」导出）：softmax、完整 softmax 的损失与梯度、窗口、训练。"""

import re

import numpy as np
import pytest
import torch

from wordvec_rnn.gradcheck import gradient_errors, relative_error
from wordvec_rnn.skipgram import (
    flatten_sentences,
    init_vectors,
    log_softmax,
    naive_softmax_batch_loss_and_gradient,
    naive_softmax_loss_and_gradient,
    skipgram_pairs,
    softmax,
    train_skipgram,
)


def random_problem(seed, batch=None):
    rng = np.random.default_rng(seed)
    vocab_size, d = int(rng.integers(2, 12)), int(rng.integers(1, 7))
    outside_vectors = rng.normal(size=(vocab_size, d))
    if batch is None:
        return rng, rng.normal(size=d), int(rng.integers(vocab_size)), outside_vectors
    return rng, rng.normal(size=(batch, d)), rng.integers(vocab_size, size=batch), outside_vectors


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6), (1, 1)])
def test_softmax_is_a_distribution_along_the_last_axis(shape):
    x = np.random.default_rng(0).normal(size=shape) * 5
    p = softmax(x)
    assert p.shape == x.shape and np.all(p > 0)
    assert np.allclose(p.sum(axis=-1), 1.0)
    assert np.allclose(p, torch.softmax(torch.from_numpy(x), dim=-1).numpy())
    assert np.allclose(log_softmax(x), torch.log_softmax(torch.from_numpy(x), dim=-1).numpy())


def test_softmax_is_stable_and_shift_invariant():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])
    with np.errstate(over="raise", under="ignore"):
        p = softmax(x)
    assert np.allclose(p[0], softmax(np.array([0.0, 1.0, 2.0])))
    assert np.allclose(p[1], softmax(np.array([0.0, -1.0, -2.0])))
    assert np.isfinite(log_softmax(np.array([0.0, -2000.0]))).all()


@pytest.mark.parametrize("seed", range(5))
def test_single_pair_gradient_matches_finite_differences_and_autograd(seed):
    _, center_vec, o, outside_vectors = random_problem(seed)
    loss, grad_center, grad_outside = naive_softmax_loss_and_gradient(center_vec, o, outside_vectors)
    assert grad_center.shape == center_vec.shape and grad_outside.shape == outside_vectors.shape

    def f():
        return naive_softmax_loss_and_gradient(center_vec, o, outside_vectors)[0]

    errors = gradient_errors(f, {"v": center_vec, "U": outside_vectors}, {"v": grad_center, "U": grad_outside})
    assert max(errors.values()) < 1e-6, errors

    v = torch.tensor(center_vec, requires_grad=True)
    U = torch.tensor(outside_vectors, requires_grad=True)
    torch_loss = -torch.log_softmax(U @ v, dim=0)[o]
    torch_loss.backward()
    assert abs(torch_loss.item() - loss) < 1e-12
    assert relative_error(v.grad.numpy(), grad_center) < 1e-12
    assert relative_error(U.grad.numpy(), grad_outside) < 1e-12


def test_single_pair_gradient_formulas():
    _, center_vec, o, outside_vectors = random_problem(7)
    _, grad_center, grad_outside = naive_softmax_loss_and_gradient(center_vec, o, outside_vectors)
    p = softmax(outside_vectors @ center_vec)
    assert np.allclose(grad_center, -outside_vectors[o] + p @ outside_vectors)  # -u_o + E[u_w]
    for w in range(len(outside_vectors)):
        expected = (p[w] - 1) * center_vec if w == o else p[w] * center_vec
        assert np.allclose(grad_outside[w], expected)
    y = np.eye(len(outside_vectors))[o]
    assert np.allclose(grad_center, outside_vectors.T @ (p - y))  # 矩阵形式 Uᵀ(ŷ - y)：U 的第 w 行是 u_wᵀ
    assert grad_outside.shape == outside_vectors.shape             # ∂J/∂U 与 U 同形状 (|V|, d)
    assert np.allclose(grad_outside, np.outer(p - y, center_vec))  # ∂J/∂U = (ŷ - y) v_cᵀ


@pytest.mark.parametrize("seed", range(4))
def test_batch_is_the_mean_of_single_pairs(seed):
    rng, center_vecs, outside_idx, outside_vectors = random_problem(seed, batch=int(np.random.default_rng(seed).integers(1, 9)))
    loss, grad_centers, grad_outside = naive_softmax_batch_loss_and_gradient(center_vecs, outside_idx, outside_vectors)
    singles = [naive_softmax_loss_and_gradient(v, int(o), outside_vectors) for v, o in zip(center_vecs, outside_idx)]
    batch = len(center_vecs)
    assert np.isclose(loss, np.mean([s[0] for s in singles]))
    assert np.allclose(grad_centers, np.stack([s[1] for s in singles]) / batch)
    assert np.allclose(grad_outside, sum(s[2] for s in singles) / batch)

    def f():
        return naive_softmax_batch_loss_and_gradient(center_vecs, outside_idx, outside_vectors)[0]

    errors = gradient_errors(f, {"C": center_vecs, "U": outside_vectors}, {"C": grad_centers, "U": grad_outside})
    assert max(errors.values()) < 1e-6, errors


def test_batch_accepts_torch_style_int32_ids():
    _, center_vecs, outside_idx, outside_vectors = random_problem(3, batch=4)
    a = naive_softmax_batch_loss_and_gradient(center_vecs, outside_idx, outside_vectors)
    b = naive_softmax_batch_loss_and_gradient(center_vecs, outside_idx.astype(np.int32), outside_vectors)
    assert a[0] == b[0] and np.array_equal(a[1], b[1])


def test_skipgram_pairs_match_a_plain_loop():
    rng = np.random.default_rng(0)
    sentences = [rng.integers(0, 9, size=n) for n in (5, 1, 0, 7, 3)]
    for window in (1, 2, 4):
        expected = [
            (s[t], s[t + j])
            for s in sentences
            for t in range(len(s))
            for j in range(-window, window + 1)
            if j != 0 and 0 <= t + j < len(s)
        ]
        centers, outsides = skipgram_pairs(sentences, window)
        assert centers.dtype == outsides.dtype == np.int64
        assert list(zip(centers.tolist(), outsides.tolist())) == [(int(c), int(o)) for c, o in expected]
    n, a = 5, 2
    assert len(skipgram_pairs([np.arange(n)], a)[0]) == 2 * a * n - a * (a + 1)
    ids, sentence_of = flatten_sentences(sentences)
    assert len(ids) == len(sentence_of) == 16 and sentence_of.tolist()[:6] == [0] * 5 + [1]


def test_training_reduces_the_loss():
    rng = np.random.default_rng(0)
    sentences = [rng.integers(0, 6, size=12) % 3 * 2 for _ in range(20)] + [np.arange(6)]
    centers, outsides = skipgram_pairs(sentences, 1)
    center_vectors, outside_vectors = init_vectors(6, 4, rng)
    assert np.all(outside_vectors == 0) and np.abs(center_vectors).max() <= 0.5 / 4
    losses = train_skipgram(centers, outsides, center_vectors, outside_vectors, lr=2.0, epochs=5, batch_size=16, rng=rng)
    assert np.isclose(losses[0], np.log(6))  # u = 0：每个 P(w|c) = 1/|V|
    assert losses[-10:].mean() < losses[:10].mean() - 0.2


def bad_calls():
    v, U = np.zeros(3), np.zeros((5, 3))
    C, o = np.zeros((2, 3)), np.array([1, 2])
    rng = np.random.default_rng(0)
    pairs = (np.array([0, 1]), np.array([1, 0]))
    return [
        ("x", lambda: softmax(np.array([1, 2, 3]))),  # 整数
        ("x", lambda: softmax(np.zeros(0))),
        ("x", lambda: softmax([1.0, 2.0])),
        ("center_vec", lambda: naive_softmax_loss_and_gradient(np.zeros((1, 3)), 0, U)),
        ("center_vec", lambda: naive_softmax_loss_and_gradient(np.zeros(0), 0, U)),
        ("outside_vectors", lambda: naive_softmax_loss_and_gradient(v, 0, np.zeros(5))),
        ("outside_vectors", lambda: naive_softmax_loss_and_gradient(v, 0, np.zeros((5, 3), dtype=np.int64))),
        ("outside_idx", lambda: naive_softmax_loss_and_gradient(v, 5, U)),
        ("outside_idx", lambda: naive_softmax_loss_and_gradient(v, -1, U)),
        ("outside_idx", lambda: naive_softmax_loss_and_gradient(v, 1.0, U)),
        ("center_vecs", lambda: naive_softmax_batch_loss_and_gradient(np.zeros(3), o, U)),
        ("center_vecs", lambda: naive_softmax_batch_loss_and_gradient(np.zeros((0, 3)), np.zeros(0, dtype=int), U)),
        ("outside_idx", lambda: naive_softmax_batch_loss_and_gradient(C, np.array([1, 2, 3]), U)),
        ("outside_idx", lambda: naive_softmax_batch_loss_and_gradient(C, np.array([1, 5]), U)),
        ("outside_idx", lambda: naive_softmax_batch_loss_and_gradient(C, np.array([1.0, 2.0]), U)),
        ("outside_vectors", lambda: naive_softmax_batch_loss_and_gradient(C, o, np.zeros((5, 3, 1)))),
        ("window", lambda: skipgram_pairs([np.arange(3)], 0)),
        ("window", lambda: skipgram_pairs([np.arange(3)], -1)),
        ("window", lambda: skipgram_pairs([np.arange(3)], 1.5)),
        ("sentences", lambda: skipgram_pairs([], 1)),
        ("sentences", lambda: skipgram_pairs(np.arange(3), 1)),
        ("sentences[1]", lambda: skipgram_pairs([np.arange(3), np.array([0.5])], 1)),
        ("sentences[0]", lambda: skipgram_pairs([["我", "爱"]], 1)),
        ("vocab_size", lambda: init_vectors(0, 3, rng)),
        ("d", lambda: init_vectors(3, 0, rng)),
        ("rng", lambda: init_vectors(3, 3, 0)),
        ("centers", lambda: train_skipgram(np.array([0, 9]), pairs[1], U.copy(), U.copy(), lr=1.0, epochs=1, rng=rng)),
        ("outsides", lambda: train_skipgram(pairs[0], np.array([1]), U.copy(), U.copy(), lr=1.0, epochs=1, rng=rng)),
        ("outside_vectors", lambda: train_skipgram(*pairs, U.copy(), np.zeros((4, 3)), lr=1.0, epochs=1, rng=rng)),
        ("lr", lambda: train_skipgram(*pairs, U.copy(), U.copy(), lr=0.0, epochs=1, rng=rng)),
        ("lr", lambda: train_skipgram(*pairs, U.copy(), U.copy(), lr=float("nan"), epochs=1, rng=rng)),
        ("epochs", lambda: train_skipgram(*pairs, U.copy(), U.copy(), lr=1.0, epochs=0, rng=rng)),
        ("batch_size", lambda: train_skipgram(*pairs, U.copy(), U.copy(), lr=1.0, epochs=1, batch_size=0, rng=rng)),
        ("rng", lambda: train_skipgram(*pairs, U.copy(), U.copy(), lr=1.0, epochs=1, rng=None)),
    ]


@pytest.mark.parametrize("name,call", bad_calls(), ids=[f"{i}-{name}" for i, (name, _) in enumerate(bad_calls())])
def test_bad_inputs_raise_value_error_naming_the_argument(name, call):
    with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
        call()
