"""wordvec_rnn.jacobian：连乘与 autograd 一致、谱半径、奇异值、输入检查。"""

import numpy as np
import pytest
import torch

from wordvec_rnn.jacobian import (
    ACTIVATIONS,
    MAX_SLOPE,
    activation,
    jacobian_products,
    matrix_with_spectral_radius,
    rnn_preactivations,
    scalar_product,
    state_gradient_norms,
)

TORCH_ACT = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "identity": lambda z: z}


def _network(seed, act="tanh"):
    rng = np.random.default_rng(seed)
    m, n, T = rng.integers(2, 7), rng.integers(1, 5), rng.integers(1, 9)
    W = rng.normal(0, 1 / np.sqrt(m), (m, m))
    V = rng.normal(0, 1, (m, n))
    b = rng.normal(0, 0.3, m)
    X = rng.normal(0, 1, (T, n))
    return W, V, b, X


@pytest.mark.parametrize("act", ACTIVATIONS)
def test_activation_derivative(act):
    f, f_prime = activation(act)
    z = np.linspace(-3, 3, 13) + 0.05          # 避开 ReLU 的折点 0
    zt = torch.tensor(z, requires_grad=True)
    TORCH_ACT[act](zt).sum().backward()
    assert np.allclose(f(z), TORCH_ACT[act](torch.tensor(z)).numpy())
    assert np.allclose(f_prime(z), zt.grad.numpy())


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("act", ["tanh", "sigmoid", "identity"])
def test_products_match_autograd(seed, act):
    W, V, b, X = _network(seed, act)
    Z, H = rnn_preactivations(W, V, b, X, act)
    P = jacobian_products(W, Z, act)
    T = X.shape[0]
    assert P.shape == (T, W.shape[0], W.shape[0])
    Wt, Vt, bt, Xt = (torch.from_numpy(a) for a in (W, V, b, X))
    for k in range(T):
        def unrolled(h, k=k):
            for t in range(k + 1, T + 1):
                h = TORCH_ACT[act](Vt @ Xt[t - 1] + Wt @ h + bt)
            return h
        J = torch.autograd.functional.jacobian(unrolled, torch.from_numpy(H[k])).numpy()
        assert np.abs(J - P[T - k - 1]).max() < 1e-10


@pytest.mark.parametrize("seed", range(4))
def test_state_gradient_norms(seed):
    W, V, b, X = _network(seed)
    Z, _ = rnn_preactivations(W, V, b, X)
    g = np.random.default_rng(seed).normal(size=W.shape[0])
    norms = state_gradient_norms(W, Z, g)
    P = jacobian_products(W, Z)
    T = X.shape[0]
    assert norms[T] == pytest.approx(np.linalg.norm(g))
    assert np.allclose(norms[:T], [np.linalg.norm(P[T - k - 1].T @ g) for k in range(T)])


def test_scalar_product_linear_and_bound():
    x = np.random.default_rng(0).normal(size=30)
    assert np.allclose(scalar_product(1.3, "identity", x), 1.3 ** np.arange(1, 31))
    p = np.abs(scalar_product(2.0, "sigmoid", x))
    assert np.all(p <= 0.5 ** np.arange(1, 31) * (1 + 1e-12))
    # 与 jacobian_products 的 1×1 情形一致
    Z, _ = rnn_preactivations(np.array([[0.7]]), np.array([[1.0]]), np.array([0.2]), x[:, None])
    scalar = scalar_product(0.7, "tanh", x, b=0.2)   # ∂h_s/∂h_0，s = 1, …, T
    assert np.allclose(scalar, [jacobian_products(np.array([[0.7]]), Z[:s])[-1, 0, 0] for s in range(1, 31)])


@pytest.mark.parametrize("kind", ["normal", "nonnormal"])
@pytest.mark.parametrize("seed", range(5))
def test_spectral_radius_and_singular_values(kind, seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(2, 40))
    rho = float(rng.uniform(0.3, 1.6))
    W = matrix_with_spectral_radius(m, rho, rng, kind)
    assert W.shape == (m, m)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(rho, rel=1e-7)
    sigma = np.linalg.svd(W, compute_uv=False)
    if kind == "normal":
        assert np.allclose(sigma, rho)
        assert np.allclose(W.T @ W, W @ W.T)
    else:
        assert sigma.max() >= rho


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("act", ACTIVATIONS)
def test_step_bound_uses_largest_singular_value(seed, act):
    """式 (eq-jac-step-bound)：‖∏ diag(f'(z_i)) W‖₂ ≤ (max|f'| σ_max(W))^s，对每个跨度 s。"""
    rng = np.random.default_rng(seed)
    W, Z = rng.normal(0, 1.5 / np.sqrt(6), (6, 6)), rng.normal(0, 1, (20, 6))
    norms = np.linalg.norm(jacobian_products(W, Z, act), ord=2, axis=(1, 2))
    assert np.all(norms <= (MAX_SLOPE[act] * np.linalg.norm(W, 2)) ** np.arange(1, 21) * (1 + 1e-10))


def test_spectral_radius_does_not_bound_interleaved_products():
    """ρ(W) = 0（W² = 0），插进对角因子 diag(1, 0) 后乘积仍是 W：每步的界要用 σ_max，不能用 ρ。"""
    W = np.array([[1.0, 1.0], [-1.0, -1.0]])
    Z = np.array([[1.0, -1.0], [1.0, 1.0]])              # ReLU：f'(z_1) = (1, 0)，f'(z_2) = (1, 1)
    assert np.allclose(jacobian_products(W, Z, "identity")[1], 0)          # 线性：W² = 0
    assert np.allclose(jacobian_products(W, Z, "relu")[1], W)              # diag(1, 1) W diag(1, 0) W = W
    assert np.isclose(np.linalg.norm(W, 2), 2.0)


def test_nonnormal_transient_growth():
    W = matrix_with_spectral_radius(32, 0.9, np.random.default_rng(1), "nonnormal")
    norms = [np.linalg.norm(np.linalg.matrix_power(W, s), 2) for s in range(1, 301)]
    assert max(norms) > 10 and norms[-1] < 1e-6


def test_value_errors():
    rng = np.random.default_rng(0)
    W, V, b, X = _network(0)
    Z, _ = rnn_preactivations(W, V, b, X)
    m = W.shape[0]
    cases = [
        (lambda: activation("softplus"), "name"),
        (lambda: matrix_with_spectral_radius(0, 1.0, rng), "m"),
        (lambda: matrix_with_spectral_radius(4.5, 1.0, rng), "m"),
        (lambda: matrix_with_spectral_radius(4, -1.0, rng), "rho"),
        (lambda: matrix_with_spectral_radius(4, float("nan"), rng), "rho"),
        (lambda: matrix_with_spectral_radius(4, 1.0, 0), "rng"),
        (lambda: matrix_with_spectral_radius(4, 1.0, rng, "skew"), "kind"),
        (lambda: jacobian_products(W[:, :-1], Z), "W"),
        (lambda: jacobian_products(W, Z[:, :-1]), "Z"),
        (lambda: jacobian_products(W, Z[0]), "Z"),
        (lambda: jacobian_products(W, Z[:0]), "Z"),
        (lambda: jacobian_products(W, Z, "elu"), "act"),
        (lambda: rnn_preactivations(W, V[:, :0], b, X), "V"),
        (lambda: rnn_preactivations(W, V, b[:-1], X), "b_h"),
        (lambda: rnn_preactivations(W, V, b, X[:, :, None]), "X"),
        (lambda: rnn_preactivations(W, V, b, X[:0]), "X"),
        (lambda: rnn_preactivations(W, V, b, X, h0=np.zeros(m + 1)), "h0"),
        (lambda: scalar_product("a", "tanh", np.zeros(3)), "w"),
        (lambda: scalar_product(1.0, "tanh", np.zeros(3), v=np.inf), "v"),
        (lambda: scalar_product(1.0, "tanh", np.zeros(3), b=None), "b"),
        (lambda: scalar_product(1.0, "tanh", np.zeros(3), h0=True), "h0"),
        (lambda: scalar_product(1.0, "tanh", np.zeros((3, 1))), "x"),
        (lambda: scalar_product(1.0, "tanh", np.array([1.0, np.nan])), "x"),
        (lambda: scalar_product(1.0, "tanh", np.arange(3)), "x"),
        (lambda: state_gradient_norms(W, Z, np.zeros(m + 1)), "g_T"),
        (lambda: state_gradient_norms(W, Z[:, :-1], np.zeros(m)), "Z"),
    ]
    for call, name in cases:
        with pytest.raises(ValueError, match=f"`{name}`"):
            call()
