"""手写反向的层（第 05 章 (sec-lstmgrad-manual) 的 lstm_layer_manual、第 04 章 (sec-grugrad-manual) 的
gru_layer_manual）与 autograd 求导的 lstm_layer、gru_layer 一致，也与 nn.LSTM、nn.GRU 一致。"""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from wordvec_rnn.gru import gru_grads_from_torch, gru_layer, gru_layer_manual, gru_to_torch, init_gru_params
from wordvec_rnn.lstm import init_lstm_params, lstm_grads_from_torch, lstm_layer, lstm_layer_manual, lstm_to_torch

KINDS = ["lstm", "cho", "torch"]   # LSTM，GRU 的两种变体


def problem(kind, B, T, n, m, seed):
    """随机的参数（偏置也随机，各门不全在 0 附近）、输入、初始状态与损失的权重，float64。"""
    gen = torch.Generator().manual_seed(seed)
    if kind == "lstm":
        params = init_lstm_params(n, m, generator=gen)
    else:
        params = init_gru_params(n, m, variant=kind, generator=gen)
    params["b"] = torch.randn(params["b"].shape, dtype=torch.float64, generator=gen)
    X = torch.randn(B, T, n, dtype=torch.float64, generator=gen)
    state = tuple(torch.randn(B, m, dtype=torch.float64, generator=gen) for _ in range(2 if kind == "lstm" else 1))
    weights = (torch.randn(B, T, m, dtype=torch.float64, generator=gen),
               *(torch.randn(B, m, dtype=torch.float64, generator=gen) for _ in state))
    return params, X, state, weights


def run(kind, manual, params, X, state):
    """(H, 末状态的元组)：LSTM 是 (h_T, c_T)，GRU 是 (h_T,)。"""
    if kind == "lstm":
        H, final = (lstm_layer_manual if manual else lstm_layer)(X, params, state)
        return H, final
    H, h = (gru_layer_manual if manual else gru_layer)(X, params, state[0], kind)
    return H, (h,)


def value_and_grads(kind, manual, params, X, state, weights):
    """L = Σ w·H + Σ_k w_k·(第 k 个末状态) 的值与对 X、初始状态、各参数的梯度。"""
    params = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    leaves = [t.clone().requires_grad_(True) for t in (X, *state)]
    H, final = run(kind, manual, params, leaves[0], tuple(leaves[1:]))
    L = (H * weights[0]).sum() + sum((s * w).sum() for s, w in zip(final, weights[1:]))
    L.backward()
    grads = {"X": leaves[0].grad} | {f"state{k}": s.grad for k, s in enumerate(leaves[1:])}
    return H.detach(), L.item(), grads | {k: p.grad for k, p in params.items()}


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=25, deadline=None)
@given(B=st.integers(1, 3), T=st.integers(1, 5), n=st.integers(1, 3), m=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_manual_backward_equals_autograd_on_random_shapes(kind, B, T, n, m, seed):
    args = problem(kind, B, T, n, m, seed)
    H_manual, L_manual, manual = value_and_grads(kind, True, *args)
    H_auto, L_auto, auto = value_and_grads(kind, False, *args)
    assert (H_manual - H_auto).abs().max() < 1e-14 and abs(L_manual - L_auto) < 1e-12
    for name in auto:
        assert (manual[name] - auto[name]).abs().max() < 1e-12, name


def torch_module_grads(kind, params, X, state, weights):
    """nn.LSTM / nn.GRU 在同样参数上的梯度，换成本书参数的梯度。"""
    to_torch, grads_from_torch = ((lstm_to_torch, lstm_grads_from_torch) if kind == "lstm"
                                  else (gru_to_torch, gru_grads_from_torch))
    module = to_torch(params)
    leaves = [t.clone().requires_grad_(True) for t in (X, *state)]
    H, final = module(leaves[0], tuple(s[None] for s in leaves[1:]) if kind == "lstm" else leaves[1][None])
    final = final if kind == "lstm" else (final,)
    ((H * weights[0]).sum() + sum((s[0] * w).sum() for s, w in zip(final, weights[1:]))).backward()
    return grads_from_torch(module) | {"X": leaves[0].grad} | {f"state{k}": s.grad for k, s in enumerate(leaves[1:])}


@pytest.mark.parametrize("kind", ["lstm", "torch"])
def test_smallest_layers_match_the_torch_modules(kind):
    """T = B = m = 1（n = 1）：梯度与 nn.LSTM、nn.GRU 的一致。"""
    args = problem(kind, 1, 1, 1, 1, seed=0)
    _, _, manual = value_and_grads(kind, True, *args)
    reference = torch_module_grads(kind, *args)
    for name, grad in reference.items():
        assert (manual[name] - grad).abs().max() < 1e-12, name


@pytest.mark.parametrize("kind", KINDS)
def test_gradcheck_and_default_state(kind):
    params, X, state, _ = problem(kind, 2, 3, 2, 2, seed=1)
    names = sorted(params)
    leaves = [t.clone().requires_grad_(True) for t in (X, *state, *(params[k] for k in names))]

    def layer(X, *rest):
        H, final = run(kind, True, dict(zip(names, rest[len(state):])), X, rest[:len(state)])
        return (H, *final)

    assert torch.autograd.gradcheck(layer, leaves)
    zeros = tuple(torch.zeros_like(s) for s in state)
    H, _ = run(kind, True, params, X, zeros)
    H_default = lstm_layer_manual(X, params)[0] if kind == "lstm" else gru_layer_manual(X, params, variant=kind)[0]
    assert torch.equal(H, H_default)                        # 不给初始状态时从全零出发


@pytest.mark.parametrize("kind", KINDS)
def test_parameter_grads_without_input_grad(kind):
    """输入不要梯度时（手写的反向不算 V^T δ_t），参数的梯度不变。"""
    params, X, state, weights = problem(kind, 2, 4, 3, 2, seed=5)
    grads = {}
    for wants_X in (True, False):
        leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
        inputs = X.clone().requires_grad_(wants_X)
        H, _ = run(kind, True, leaves, inputs, state)
        (H * weights[0]).sum().backward()
        grads[wants_X] = {k: p.grad for k, p in leaves.items()}
        assert (inputs.grad is not None) == wants_X
    assert all(torch.equal(grads[True][k], grads[False][k]) for k in params)
