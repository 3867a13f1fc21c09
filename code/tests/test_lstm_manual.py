"""lstm_layer_manual：手写的反向（第 05 章「LSTM 的梯度」(sec-lstmgrad-manual)）与 autograd、nn.LSTM 一致。"""

import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from wordvec_rnn.lstm import init_lstm_params, lstm_from_torch, lstm_layer, lstm_layer_manual, lstm_to_torch


def value_and_grads(layer, params, X, state, weights):
    """L = Σ w·H + Σ w_h·h_T + Σ w_c·c_T 及其对 X、h_0、c_0 与各参数的梯度（float64）。"""
    params = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    leaves = [t.clone().requires_grad_(True) for t in (X, *state)]
    H, (h, c) = layer(leaves[0], params, (leaves[1], leaves[2]))
    L = (H * weights[0]).sum() + (h * weights[1]).sum() + (c * weights[2]).sum()
    L.backward()
    grads = {"X": leaves[0].grad, "h0": leaves[1].grad, "c0": leaves[2].grad}
    return H.detach(), L.item(), grads | {k: p.grad for k, p in params.items()}


def problem(B, T, n, m, seed):
    gen = torch.Generator().manual_seed(seed)
    params = init_lstm_params(n, m, generator=gen)
    params["b"] = torch.randn(4 * m, dtype=torch.float64, generator=gen)    # 各门不全在 0 附近
    X = torch.randn(B, T, n, dtype=torch.float64, generator=gen)
    state = tuple(torch.randn(B, m, dtype=torch.float64, generator=gen) for _ in range(2))
    weights = (torch.randn(B, T, m, dtype=torch.float64, generator=gen),
               *(torch.randn(B, m, dtype=torch.float64, generator=gen) for _ in range(2)))
    return params, X, state, weights


@settings(max_examples=40, deadline=None)
@given(B=st.integers(1, 3), T=st.integers(1, 5), n=st.integers(1, 3), m=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_manual_backward_equals_autograd_on_random_shapes(B, T, n, m, seed):
    params, X, state, weights = problem(B, T, n, m, seed)
    H_manual, L_manual, manual = value_and_grads(lstm_layer_manual, params, X, state, weights)
    H_auto, L_auto, auto = value_and_grads(lstm_layer, params, X, state, weights)
    assert (H_manual - H_auto).abs().max() < 1e-14 and abs(L_manual - L_auto) < 1e-12
    for name in auto:
        assert (manual[name] - auto[name]).abs().max() < 1e-12, name


def test_smallest_layer_matches_nn_lstm():
    """T = B = m = 1（n = 1）：梯度与 nn.LSTM 的一致（b 的梯度即 bias_ih 的梯度）。"""
    params, X, state, weights = problem(1, 1, 1, 1, seed=0)
    _, L, manual = value_and_grads(lstm_layer_manual, params, X, state, weights)
    module = lstm_to_torch(params)
    leaves = [t.clone().requires_grad_(True) for t in (X, *state)]
    H, (h, c) = module(leaves[0], (leaves[1][None], leaves[2][None]))
    L_ref = (H * weights[0]).sum() + (h[0] * weights[1]).sum() + (c[0] * weights[2]).sum()
    L_ref.backward()
    holder = lstm_to_torch(params)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0"):
            getattr(holder, name).copy_(getattr(module, name).grad)
        holder.bias_hh_l0.zero_()
    reference = lstm_from_torch(holder) | {"X": leaves[0].grad, "h0": leaves[1].grad, "c0": leaves[2].grad}
    assert abs(L - L_ref.item()) < 1e-12
    for name, grad in reference.items():
        assert (manual[name] - grad).abs().max() < 1e-12, name


def test_gradcheck_and_default_state():
    params, X, state, _ = problem(2, 3, 2, 2, seed=1)
    leaves = [t.clone().requires_grad_(True) for t in (X, params["V"], params["W"], params["b"], *state)]

    def layer(X, V, W, b, h0, c0):
        H, (h, c) = lstm_layer_manual(X, {"V": V, "W": W, "b": b}, (h0, c0))
        return H, h, c

    assert torch.autograd.gradcheck(layer, leaves)
    H, (h, c) = lstm_layer_manual(X, params)                 # state=None：从全零出发
    H_ref, (h_ref, c_ref) = lstm_layer(X, params)
    assert torch.allclose(H, H_ref, rtol=0, atol=1e-15) and torch.allclose(c, c_ref, rtol=0, atol=1e-15)
