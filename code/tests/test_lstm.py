"""wordvec_rnn.lstm：参数、一步与一层的前向、与 nn.LSTM 的转换、一步的雅可比矩阵。"""

import pytest
import torch
from torch import nn

from wordvec_rnn.gates import LSTM_GATES, TORCH_LSTM_GATES
from wordvec_rnn.lstm import (gate_slices, init_lstm_params, lstm_cell,
                              lstm_from_torch, lstm_jacobian, lstm_jacobians, lstm_layer, lstm_to_torch, saturate_gates)

F64 = torch.float64


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(0)


@pytest.fixture
def params(gen):
    p = init_lstm_params(3, 4, generator=gen)
    p["b"] = torch.randn(16, dtype=F64, generator=gen)
    return p


def test_init_shapes_range_and_forget_bias(gen):
    p = init_lstm_params(3, 4, generator=gen, b_f=2.0)
    assert {k: tuple(v.shape) for k, v in p.items()} == {"V": (16, 3), "W": (16, 4), "b": (16,)}
    assert all(v.dtype == F64 for v in p.values())
    assert p["W"].abs().max() <= 0.5 and p["V"].abs().max() <= 0.5
    f = gate_slices(4)["f"]
    assert (p["b"][f] >= 1.5).all() and (p["b"][:12].abs() <= 0.5).all()
    assert init_lstm_params(2, 3, dtype=torch.float32)["W"].dtype == torch.float32
    assert torch.equal(init_lstm_params(2, 3, generator=torch.Generator().manual_seed(5))["W"],
                       init_lstm_params(2, 3, generator=torch.Generator().manual_seed(5))["W"])


def test_gate_order_and_slices():
    assert LSTM_GATES == ("g", "i", "o", "f") and TORCH_LSTM_GATES == ("i", "f", "g", "o")
    assert gate_slices(3) == {"g": slice(0, 3), "i": slice(3, 6), "o": slice(6, 9), "f": slice(9, 12)}


@pytest.mark.parametrize("kwargs, name", [(dict(n=0, m=2), "n"), (dict(n=2, m=1.5), "m"),
                                          (dict(n=2, m=2, dtype=torch.int64), "dtype"),
                                          (dict(n=2, m=2, generator=0), "generator"),
                                          (dict(n=2, m=2, b_f=float("nan")), "b_f")])
def test_init_rejects_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        init_lstm_params(**kwargs)


def test_params_are_declared(params):
    assert isinstance(lstm_to_torch(params), torch.nn.LSTM)
    with pytest.raises(ValueError, match="参数 `params`：期望键为 W, V, b 的字典"):
        lstm_to_torch({"V": params["V"], "W": params["W"]})
    with pytest.raises(ValueError, match=r'参数 `params\["W"\]`：期望形状 \(4m, m\)'):
        lstm_to_torch({**params, "W": params["W"][:, :3]})
    with pytest.raises(ValueError, match=r'params\["b"\]'):
        lstm_to_torch({**params, "b": params["b"][:8]})
    with pytest.raises(ValueError, match=r'params\["V"\]`：期望 torch 张量'):
        lstm_to_torch({**params, "V": params["V"].numpy()})
    with pytest.raises(ValueError, match=r'params\["b"\]`：期望 dtype 为 torch.float64'):
        lstm_to_torch({**params, "b": params["b"].float()})
    x, h = torch.zeros(2, 3, dtype=F64), torch.zeros(2, 4, dtype=F64)
    with pytest.raises(ValueError, match=r'参数 `c`：期望 dtype 为 torch.float64 的数组（与参数 `params\["W"\]` 相同'):
        lstm_cell(x, h, h.float(), params)


def test_cell_and_layer_match_torch(params, gen):
    X = torch.randn(2, 5, 3, dtype=F64, generator=gen)
    h0, c0 = torch.randn(2, 4, dtype=F64, generator=gen), torch.randn(2, 4, dtype=F64, generator=gen)
    H_ref, (h_ref, c_ref) = lstm_to_torch(params)(X, (h0[None], c0[None]))
    H, (h_T, c_T) = lstm_layer(X, params, (h0, c0))
    assert H.shape == (2, 5, 4)
    assert (H - H_ref).abs().max() < 1e-12 and (c_T - c_ref[0]).abs().max() < 1e-12
    h, c = h0, c0
    for t in range(5):
        h, c, gates = lstm_cell(X[:, t], h, c, params)
    assert (h - h_ref[0]).abs().max() < 1e-12 and (c - c_ref[0]).abs().max() < 1e-12
    assert list(gates) == list(LSTM_GATES)
    assert all(((v > 0) & (v < 1)).all() for k, v in gates.items() if k != "g")
    zeros = torch.zeros(2, 4, dtype=F64)
    assert torch.equal(lstm_layer(X, params)[0], lstm_layer(X, params, (zeros, zeros))[0])


def test_layer_and_cell_reject_bad_inputs(params):
    X = torch.zeros(2, 5, 3, dtype=F64)
    with pytest.raises(ValueError, match="`X`"):
        lstm_layer(torch.zeros(2, 5, 2, dtype=F64), params)
    with pytest.raises(ValueError, match="`X`"):
        lstm_layer(X.numpy(), params)
    with pytest.raises(ValueError, match="`X`"):
        lstm_layer(X.float(), params)
    with pytest.raises(ValueError, match="`state`"):
        lstm_layer(X, params, torch.zeros(2, 4, dtype=F64))
    with pytest.raises(ValueError, match=r"`state\[1\]`"):
        lstm_layer(X, params, (torch.zeros(2, 4, dtype=F64), torch.zeros(3, 4, dtype=F64)))
    with pytest.raises(ValueError, match="`h`"):
        lstm_cell(X[:, 0], torch.zeros(2, 5, dtype=F64), torch.zeros(2, 4, dtype=F64), params)
    with pytest.raises(ValueError, match="`x`"):
        lstm_cell(X[0, 0], torch.zeros(2, 4, dtype=F64), torch.zeros(2, 4, dtype=F64), params)


def test_torch_conversion_round_trip_and_order(params):
    lstm = lstm_to_torch(params)
    m = 4
    perm = torch.cat([torch.arange(m, 2 * m), torch.arange(3 * m, 4 * m), torch.arange(0, m), torch.arange(2 * m, 3 * m)])
    assert torch.equal(lstm.weight_ih_l0, params["V"][perm]) and torch.equal(lstm.weight_hh_l0, params["W"][perm])
    assert torch.equal(lstm.bias_ih_l0, params["b"][perm]) and not lstm.bias_hh_l0.any()
    back = lstm_from_torch(lstm)
    assert all(torch.equal(back[k], params[k]) and not back[k].requires_grad for k in params)
    with torch.no_grad():
        lstm.bias_hh_l0.fill_(0.5)
    assert torch.allclose(lstm_from_torch(lstm)["b"], params["b"] + 0.5)


def test_from_torch_rejects_other_modules():
    with pytest.raises(ValueError, match="`module`"):
        lstm_from_torch(nn.GRU(3, 4))
    with pytest.raises(ValueError, match="`module`"):
        lstm_from_torch(nn.LSTM(3, 4, num_layers=2))
    with pytest.raises(ValueError, match="`module`"):
        lstm_from_torch(nn.LSTM(3, 4, bidirectional=True))


def test_jacobian_matches_autograd(params, gen):
    x = torch.randn(3, dtype=F64, generator=gen)
    h, c = torch.randn(4, dtype=F64, generator=gen), torch.randn(4, dtype=F64, generator=gen)

    def step(state):
        h_t, c_t, _ = lstm_cell(x[None], state[None, 4:], state[None, :4], params)
        return torch.cat([c_t[0], h_t[0]])

    J = torch.autograd.functional.jacobian(step, torch.cat([c, h]))
    assert J.shape == (8, 8) and (lstm_jacobian(x, h, c, params) - J).abs().max() < 1e-12
    with pytest.raises(ValueError, match="`x`"):
        lstm_jacobian(x[None], h, c, params)


def test_jacobians_along_a_sequence(params, gen):
    X = torch.randn(6, 3, dtype=F64, generator=gen)
    J, F = lstm_jacobians(X, params)
    assert J.shape == (6, 8, 8) and F.shape == (6, 4)
    h = c = torch.zeros(1, 4, dtype=F64)
    for t in range(6):
        assert torch.allclose(J[t], lstm_jacobian(X[t], h[0], c[0], params))
        h, c, gates = lstm_cell(X[t][None], h, c, params)
        assert torch.allclose(F[t], gates["f"][0])
        assert torch.allclose(torch.diagonal(J[t][:4, :4]), F[t])     # ∂c_t/∂c_{t-1} = diag(f_t)
    with pytest.raises(ValueError, match="`X`"):
        lstm_jacobians(X[None], params)


def test_saturate_gates(params):
    closed = saturate_gates(params, f=-50.0, i=50.0, o=50.0)
    rows = gate_slices(4)
    assert torch.equal(closed["W"][rows["g"]], params["W"][rows["g"]])
    assert not closed["W"][rows["f"]].any() and (closed["b"][rows["i"]] == 50.0).all()
    _, _, gates = lstm_cell(torch.ones(2, 3, dtype=F64), torch.ones(2, 4, dtype=F64), torch.ones(2, 4, dtype=F64), closed)
    assert (gates["i"] == 1.0).all() and (gates["o"] == 1.0).all() and (gates["f"] < 1e-20).all()
    with pytest.raises(ValueError, match="参数 `biases`：期望键取自 i, o, f 的字典"):
        saturate_gates(params, g=1.0)
