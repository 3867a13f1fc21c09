"""wordvec_rnn.cbow（第 01 章「连续词袋（CBOW）」导出）：损失与梯度、批量版本的 scatter-add、窗口、训练。"""

import re

import numpy as np
import pytest
import torch

from wordvec_rnn.cbow import cbow_batch_loss_and_gradient, cbow_loss_and_gradient, cbow_windows, train_cbow
from wordvec_rnn.gradcheck import gradient_errors, relative_error
from wordvec_rnn.skipgram import init_vectors, softmax


def random_tables(rng):
    vocab_size, d = int(rng.integers(3, 10)), int(rng.integers(1, 6))
    return rng.normal(size=(vocab_size, d)), rng.normal(size=(vocab_size, d))


@pytest.mark.parametrize("seed", range(5))
def test_single_window_gradient_matches_finite_differences_and_autograd(seed):
    rng = np.random.default_rng(seed)
    center_vectors, outside_vectors = random_tables(rng)
    vocab_size = len(center_vectors)
    width = 2 * int(rng.integers(1, 4))
    context = rng.integers(vocab_size, size=width)
    context[-1] = context[0]  # 至少一个词在窗口里出现两次
    center = int(rng.integers(vocab_size))
    loss, grad_v, grad_u = cbow_loss_and_gradient(context, center, center_vectors, outside_vectors)

    def f():
        return cbow_loss_and_gradient(context, center, center_vectors, outside_vectors)[0]

    errors = gradient_errors(f, {"V": center_vectors, "U": outside_vectors}, {"V": grad_v, "U": grad_u})
    assert max(errors.values()) < 1e-6, errors

    V = torch.tensor(center_vectors, requires_grad=True)
    U = torch.tensor(outside_vectors, requires_grad=True)
    torch_loss = -torch.log_softmax(U @ V[torch.from_numpy(context)].mean(dim=0), dim=0)[center]
    torch_loss.backward()
    assert abs(torch_loss.item() - loss) < 1e-12
    assert relative_error(V.grad.numpy(), grad_v) < 1e-12 and relative_error(U.grad.numpy(), grad_u) < 1e-12


def test_single_window_gradient_formulas():
    rng = np.random.default_rng(11)
    center_vectors, outside_vectors = random_tables(rng)
    context, center = np.array([1, 2, 1, 0]), 2
    _, grad_v, grad_u = cbow_loss_and_gradient(context, center, center_vectors, outside_vectors)
    v_bar = center_vectors[context].mean(axis=0)
    delta = softmax(outside_vectors @ v_bar) - np.eye(len(outside_vectors))[center]
    one_share = outside_vectors.T @ delta / len(context)
    assert np.allclose(grad_v[1], 2 * one_share) and np.allclose(grad_v[[0, 2]], one_share)  # 出现两次的词得两份
    assert np.all(grad_v[3:] == 0)
    assert np.allclose(grad_u, np.outer(delta, v_bar))


@pytest.mark.parametrize("seed", range(4))
def test_batch_is_the_mean_of_single_windows(seed):
    rng = np.random.default_rng(seed)
    center_vectors, outside_vectors = random_tables(rng)
    batch, width = int(rng.integers(1, 7)), 2 * int(rng.integers(1, 3))
    contexts = rng.integers(len(center_vectors), size=(batch, width))  # 小词表：批中必有重复的词
    centers = rng.integers(len(center_vectors), size=batch)
    loss, grad_v, grad_u = cbow_batch_loss_and_gradient(contexts, centers, center_vectors, outside_vectors)
    singles = [cbow_loss_and_gradient(c, int(w), center_vectors, outside_vectors) for c, w in zip(contexts, centers)]
    assert np.isclose(loss, np.mean([s[0] for s in singles]))
    assert np.allclose(grad_v, sum(s[1] for s in singles) / batch)
    assert np.allclose(grad_u, sum(s[2] for s in singles) / batch)

    def f():
        return cbow_batch_loss_and_gradient(contexts, centers, center_vectors, outside_vectors)[0]

    errors = gradient_errors(f, {"V": center_vectors, "U": outside_vectors}, {"V": grad_v, "U": grad_u})
    assert max(errors.values()) < 1e-6, errors


def test_cbow_windows_are_the_full_windows_of_each_sentence():
    rng = np.random.default_rng(0)
    sentences = [rng.integers(0, 9, size=n) for n in (5, 1, 0, 7, 3)]
    for window in (1, 2, 3):
        expected_ctx, expected_center = [], []
        for s in sentences:
            for t in range(window, len(s) - window):
                expected_ctx.append([s[t + j] for j in range(-window, window + 1) if j != 0])
                expected_center.append(s[t])
        contexts, centers = cbow_windows(sentences, window)
        assert contexts.shape == (len(expected_center), 2 * window) and contexts.dtype == np.int64
        assert contexts.tolist() == expected_ctx and centers.tolist() == expected_center


def test_training_reduces_the_loss():
    rng = np.random.default_rng(0)
    sentences = [np.tile([0, 1, 2, 3, 4], 4) for _ in range(10)]
    contexts, centers = cbow_windows(sentences, 1)
    center_vectors, outside_vectors = init_vectors(5, 4, rng)
    losses = train_cbow(contexts, centers, center_vectors, outside_vectors, lr=5.0, epochs=10, batch_size=16, rng=rng)
    assert np.isclose(losses[0], np.log(5))
    assert losses[-5:].mean() < 0.5 * losses[:5].mean()


def bad_calls():
    V = np.zeros((5, 3))
    ctx, ctxs, centers = np.array([0, 1]), np.array([[0, 1], [2, 3]]), np.array([1, 2])
    rng = np.random.default_rng(0)
    return [
        ("context_idx", lambda: cbow_loss_and_gradient(np.array([0, 5]), 1, V, V)),
        ("context_idx", lambda: cbow_loss_and_gradient(np.array([-1, 0]), 1, V, V)),
        ("context_idx", lambda: cbow_loss_and_gradient(np.zeros(0, dtype=int), 1, V, V)),
        ("context_idx", lambda: cbow_loss_and_gradient(ctxs, 1, V, V)),
        ("context_idx", lambda: cbow_loss_and_gradient(np.array([0.0, 1.0]), 1, V, V)),
        ("center_idx", lambda: cbow_loss_and_gradient(ctx, 5, V, V)),
        ("center_idx", lambda: cbow_loss_and_gradient(ctx, "1", V, V)),
        ("center_vectors", lambda: cbow_loss_and_gradient(ctx, 1, np.zeros(5), V)),
        ("outside_vectors", lambda: cbow_loss_and_gradient(ctx, 1, V, np.zeros((5, 2)))),
        ("outside_vectors", lambda: cbow_loss_and_gradient(ctx, 1, V, np.zeros((4, 3)))),
        ("context_idx", lambda: cbow_batch_loss_and_gradient(ctx, centers, V, V)),
        ("context_idx", lambda: cbow_batch_loss_and_gradient(np.zeros((2, 0), dtype=int), centers, V, V)),
        ("context_idx", lambda: cbow_batch_loss_and_gradient(ctxs + 3, centers, V, V)),
        ("center_idx", lambda: cbow_batch_loss_and_gradient(ctxs, np.array([1, 2, 3]), V, V)),
        ("center_idx", lambda: cbow_batch_loss_and_gradient(ctxs, np.array([1, 7]), V, V)),
        ("outside_vectors", lambda: cbow_batch_loss_and_gradient(ctxs, centers, V, np.zeros((6, 3)))),
        ("center_vectors", lambda: cbow_batch_loss_and_gradient(ctxs, centers, V.astype(int), V)),
        ("window", lambda: cbow_windows([np.arange(5)], 0)),
        ("sentences", lambda: cbow_windows([], 1)),
        ("sentences[0]", lambda: cbow_windows([np.zeros((2, 2), dtype=int)], 1)),
        ("center_idx", lambda: train_cbow(ctxs, np.array([1]), V.copy(), V.copy(), lr=1.0, epochs=1, rng=rng)),
        ("context_idx", lambda: train_cbow(ctxs + 4, centers, V.copy(), V.copy(), lr=1.0, epochs=1, rng=rng)),
        ("lr", lambda: train_cbow(ctxs, centers, V.copy(), V.copy(), lr=-1.0, epochs=1, rng=rng)),
        ("epochs", lambda: train_cbow(ctxs, centers, V.copy(), V.copy(), lr=1.0, epochs=0, rng=rng)),
        ("rng", lambda: train_cbow(ctxs, centers, V.copy(), V.copy(), lr=1.0, epochs=1, rng=1)),
    ]


@pytest.mark.parametrize("name,call", bad_calls(), ids=[f"{i}-{name}" for i, (name, _) in enumerate(bad_calls())])
def test_bad_inputs_raise_value_error_naming_the_argument(name, call):
    with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
        call()
