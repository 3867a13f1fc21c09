"""wordvec_rnn.remedies：梯度裁剪、单单元 RNN 的损失与梯度、梯度下降轨迹、雅可比矩阵连乘、截断 BPTT。"""

import numpy as np
import pytest
import torch
from torch import nn

from wordvec_rnn.gradcheck import numerical_gradient, relative_error
from wordvec_rnn.remedies import (clip_by_norm, gd_trajectory, jacobian_product_norms, one_unit_rnn_loss_and_grad,
                                  truncated_bptt_gradients)
from wordvec_rnn.rnn import init_rnn_params, one_hot, rnn_backward, rnn_forward


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e3])
def test_clip_by_norm_matches_torch(rng, max_norm):
    shapes = [tuple(rng.integers(1, 5, size=rng.integers(1, 3))) for _ in range(3)]
    grads = [rng.normal(size=s) for s in shapes]
    clipped, total = clip_by_norm(grads, max_norm)
    params = [nn.Parameter(torch.zeros(s, dtype=torch.float64)) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = torch.from_numpy(g.copy())
    total_torch = nn.utils.clip_grad_norm_(params, max_norm)
    assert np.isclose(total, total_torch.item())
    for p, c in zip(params, clipped):
        assert np.abs(p.grad.numpy() - c).max() < 1e-6
    new_norm = np.sqrt(sum((c ** 2).sum() for c in clipped))
    assert new_norm <= max_norm * (1 + 1e-12) or np.isclose(new_norm, total)


def test_clip_by_norm_structures(rng):
    g = rng.normal(size=(3, 4))
    clipped, total = clip_by_norm(g, 0.5)
    assert isinstance(clipped, np.ndarray) and np.isclose(np.linalg.norm(clipped), 0.5)
    assert np.isclose(total, np.linalg.norm(g))
    d, _ = clip_by_norm({"a": g, "b": g[0]}, 1.0)
    assert set(d) == {"a", "b"}
    t, _ = clip_by_norm((g, g), 1.0)
    assert isinstance(t, tuple)
    zero, total = clip_by_norm(np.zeros(3), 1.0)
    assert total == 0.0 and np.all(zero == 0)
    before = g.copy()
    clip_by_norm(g, 0.1)
    assert np.array_equal(g, before)          # 不改动输入


@pytest.mark.parametrize("w, b", [(0.5, 0.1), (1.7, -0.6), (2.5, -1.0), (-0.8, 0.3)])
def test_one_unit_gradient_vs_finite_differences(w, b):
    T, target = int(np.random.default_rng(1).integers(3, 40)), -0.4
    wb = np.array([w, b])
    _, dw, db = one_unit_rnn_loss_and_grad(wb[0], wb[1], T, target)
    numeric = numerical_gradient(lambda: float(one_unit_rnn_loss_and_grad(wb[0], wb[1], T, target)[0]), wb)
    assert relative_error([float(dw), float(db)], numeric) < 1e-6


def test_one_unit_vectorised_and_torch(rng):
    W = rng.uniform(-1, 3, size=(4, 5))
    B = rng.uniform(-1, 1, size=(4, 5))
    loss, dw, db = one_unit_rnn_loss_and_grad(W, B, 20, 0.3, h0=0.2)
    assert loss.shape == dw.shape == db.shape == (4, 5)
    i, j = 2, 3
    w = torch.tensor(W[i, j], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(B[i, j], dtype=torch.float64, requires_grad=True)
    h = torch.tensor(0.2, dtype=torch.float64)
    for _ in range(20):
        h = torch.tanh(w * h + b)
    L = (h - 0.3) ** 2
    L.backward()
    assert abs(L.item() - loss[i, j]) < 1e-12
    assert abs(w.grad.item() - dw[i, j]) < 1e-10 and abs(b.grad.item() - db[i, j]) < 1e-10


def test_gd_trajectory_shapes_and_clipping():
    steps = int(np.random.default_rng(2).integers(5, 30))
    path, losses, grad_norms = gd_trajectory((2.0, -0.9), 0.3, steps, target=-0.4)
    assert path.shape == (steps + 1, 2) and losses.shape == (steps + 1,) and grad_norms.shape == (steps,)
    assert np.allclose(path[0], [2.0, -0.9])
    path, losses, grad_norms = gd_trajectory((2.0, -0.9), 0.3, steps, target=-0.4, max_norm=0.5)
    assert np.all(np.linalg.norm(np.diff(path, axis=0), axis=1) <= 0.3 * 0.5 + 1e-12)
    loss0 = one_unit_rnn_loss_and_grad(2.0, -0.9, 50, -0.4)[0]
    assert np.isclose(losses[0], loss0)


def test_jacobian_product_norms_vs_torch(rng):
    m, T = 5, 8
    W = rng.normal(0, 0.7, size=(m, m))
    inputs = rng.normal(size=(T, m))
    for alpha, act in ((1.0, "tanh"), (0.4, "tanh"), (1.0, "sigmoid"), (0.5, "identity")):
        H, norms, P = jacobian_product_norms(W, inputs, alpha=alpha, act=act)
        fn = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "identity": lambda z: z}[act]

        def h_T(h, alpha=alpha, fn=fn):
            for t in range(T):
                h = (1 - alpha) * h + alpha * fn(torch.from_numpy(W) @ h + torch.from_numpy(inputs[t]))
            return h

        J = torch.autograd.functional.jacobian(h_T, torch.zeros(m, dtype=torch.float64)).numpy()
        assert H.shape == (T + 1, m) and norms.shape == (T,)
        assert np.abs(P - J).max() < 1e-10
        assert np.isclose(norms[-1], np.linalg.norm(J, 2))


def test_truncated_bptt(rng):
    n, m, q, B, T = 3, 4, 5, 2, 7
    params = init_rnn_params(n, m, q, rng)
    X = one_hot(rng.integers(0, n, size=(B, T)), n)
    targets = rng.integers(0, q, size=(B, T))
    H, Y_hat = rnn_forward(params, X)
    full, _ = rnn_backward(params, X, H, Y_hat, targets)
    for K in (T, T + 3):
        g = truncated_bptt_gradients(params, X, targets, K)
        assert all(relative_error(g[k], full[k]) < 1e-12 for k in full)
    g1 = truncated_bptt_gradients(params, X, targets, 1)
    assert relative_error(g1["W"], full["W"]) > 1e-3
    assert relative_error(g1["U"], full["U"]) < 1e-12          # U、b_y 的梯度不经过时间，不受截断影响


def test_errors(rng):
    g = rng.normal(size=3)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_norm(g, 0.0)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_norm(g, -1.0)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_norm(g, float("nan"))
    with pytest.raises(ValueError, match="grads"):
        clip_by_norm([], 1.0)
    with pytest.raises(ValueError, match="grads"):
        clip_by_norm([g, [1.0, 2.0]], 1.0)
    with pytest.raises(ValueError, match="grads"):
        clip_by_norm(np.array([1.0, np.inf]), 1.0)
    with pytest.raises(ValueError, match="grads"):
        clip_by_norm(np.array([1, 2]), 1.0)

    with pytest.raises(ValueError, match="`b`"):
        one_unit_rnn_loss_and_grad(np.zeros(3), np.zeros(2), 5, 0.0)
    with pytest.raises(ValueError, match="`w`"):
        one_unit_rnn_loss_and_grad(np.array([np.nan]), np.zeros(1), 5, 0.0)
    assert all(a.shape == (0,) for a in one_unit_rnn_loss_and_grad(np.zeros(0), np.zeros(0), 5, 0.0))
    with pytest.raises(ValueError, match="`b`"):
        one_unit_rnn_loss_and_grad(1.0, np.inf, 5, 0.0)
    with pytest.raises(ValueError, match="`T`"):
        one_unit_rnn_loss_and_grad(1.0, 0.0, 0, 0.0)
    with pytest.raises(ValueError, match="`target`"):
        one_unit_rnn_loss_and_grad(1.0, 0.0, 5, 2.0)
    with pytest.raises(ValueError, match="`h0`"):
        one_unit_rnn_loss_and_grad(1.0, 0.0, 5, 0.0, h0=1.5)

    with pytest.raises(ValueError, match="`start`"):
        gd_trajectory((1.0, 2.0, 3.0), 0.1, 5)
    with pytest.raises(ValueError, match="`lr`"):
        gd_trajectory((1.0, 0.0), 0.0, 5)
    with pytest.raises(ValueError, match="`steps`"):
        gd_trajectory((1.0, 0.0), 0.1, 0)
    with pytest.raises(ValueError, match="`max_norm`"):
        gd_trajectory((1.0, 0.0), 0.1, 5, max_norm=0.0)
    with pytest.raises(ValueError, match="`T`"):
        gd_trajectory((1.0, 0.0), 0.1, 5, T=0)

    W, u = rng.normal(size=(3, 3)), rng.normal(size=(4, 3))
    with pytest.raises(ValueError, match="`W`"):
        jacobian_product_norms(rng.normal(size=(3, 2)), u)
    with pytest.raises(ValueError, match="`inputs`"):
        jacobian_product_norms(W, rng.normal(size=(4, 2)))
    with pytest.raises(ValueError, match="`inputs`"):
        jacobian_product_norms(W, np.zeros((0, 3)))
    with pytest.raises(ValueError, match="`h0`"):
        jacobian_product_norms(W, u, np.zeros(2))
    with pytest.raises(ValueError, match="`alpha`"):
        jacobian_product_norms(W, u, alpha=0.0)
    with pytest.raises(ValueError, match="`alpha`"):
        jacobian_product_norms(W, u, alpha=1.5)
    with pytest.raises(ValueError, match="`act`"):
        jacobian_product_norms(W, u, act="gelu")

    params = init_rnn_params(3, 4, 5, rng)
    X = one_hot(rng.integers(0, 3, size=(2, 6)), 3)
    targets = rng.integers(0, 5, size=(2, 6))
    with pytest.raises(ValueError, match="`K`"):
        truncated_bptt_gradients(params, X, targets, 0)
    with pytest.raises(ValueError, match="`X`"):
        truncated_bptt_gradients(params, X[0], targets, 2)
    with pytest.raises(ValueError, match="`X`"):
        truncated_bptt_gradients(params, one_hot(rng.integers(0, 2, size=(2, 6)), 2), targets, 2)
    with pytest.raises(ValueError, match="`targets`"):
        truncated_bptt_gradients(params, X, targets[:, :3], 2)
    with pytest.raises(ValueError, match="`targets`"):
        truncated_bptt_gradients(params, X, targets + 5, 2)
    with pytest.raises(ValueError, match="params"):
        truncated_bptt_gradients({"W": params["W"]}, X, targets, 2)
