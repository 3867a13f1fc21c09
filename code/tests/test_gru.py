"""wordvec_rnn.gru：与 torch.nn.GRU 一致、两种变体、换算、雅可比矩阵、输入检查。"""

import pytest
import torch
from torch import nn

from wordvec_rnn.gates import GRU_GATES
from wordvec_rnn.gru import (
    block,
    gru_cell,
    gru_from_torch,
    gru_gates,
    gru_jacobian,
    gru_jacobian_terms,
    gru_layer,
    gru_to_torch,
    init_gru_params,
    set_gate_bias,
)

F64 = torch.float64


def _data(seed, n=3, m=4, B=2, T=6):
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(B, T, n, generator=gen, dtype=F64)
    h0 = torch.rand(B, m, generator=gen, dtype=F64) - 0.5
    return gen, X, h0


@pytest.mark.parametrize("variant", ["cho", "torch"])
def test_init_shapes_and_b_u(variant):
    p0 = init_gru_params(3, 4, variant=variant, generator=torch.Generator().manual_seed(0))
    p1 = init_gru_params(3, 4, variant=variant, generator=torch.Generator().manual_seed(0), b_u=2.5)
    assert p0["V"].shape == (12, 3) and p0["W"].shape == (12, 4) and p0["b"].shape == (12,)
    assert ("b_hg" in p0) == (variant == "torch")
    assert all(p.dtype == F64 and p.abs().max() <= 0.5 for p in p0.values())    # U(-1/√m, 1/√m)，m = 4
    assert torch.allclose(block(p1["b"], "u", 4) - block(p0["b"], "u", 4), torch.full((4,), 2.5, dtype=F64))
    assert torch.equal(block(p1["b"], "r", 4), block(p0["b"], "r", 4)) and torch.equal(p1["W"], p0["W"])


@pytest.mark.parametrize("seed", range(4))
def test_torch_variant_matches_nn_gru(seed):
    gen, X, h0 = _data(seed)
    params = init_gru_params(3, 4, variant="torch", generator=gen)
    H, h_T = gru_layer(X, params, h0, variant="torch")
    with torch.no_grad():
        H_nn, h_nn = gru_to_torch(params)(X, h0[None])
    assert H.shape == (2, 6, 4) and torch.equal(H[:, -1], h_T)
    assert (H - H_nn).abs().max() < 1e-12 and (h_T - h_nn[0]).abs().max() < 1e-12
    assert torch.allclose(gru_cell(X[:, 0], h0, params, "torch"), H[:, 0], atol=1e-14, rtol=0)


def test_cho_variant_differs_and_matches_by_hand():
    gen, X, h0 = _data(1)
    params = init_gru_params(3, 4, generator=gen)
    H, _ = gru_layer(X, params, h0)
    with torch.no_grad():
        H_nn, _ = gru_to_torch(params)(X, h0[None])
    assert (H - H_nn).abs().max() > 1e-4
    V, W, b = params["V"], params["W"], params["b"]
    x, h = X[0, 0], h0[0]                                      # 按公式逐块算一步（列向量写法）
    r = torch.sigmoid(block(V, "r", 4) @ x + block(W, "r", 4) @ h + block(b, "r", 4))
    u = torch.sigmoid(block(V, "u", 4) @ x + block(W, "u", 4) @ h + block(b, "u", 4))
    g = torch.tanh(block(V, "g", 4) @ x + block(W, "g", 4) @ (h * r) + block(b, "g", 4))
    assert torch.allclose(H[0, 0], (1 - u) * g + u * h, atol=1e-14, rtol=0)
    assert torch.allclose(torch.stack(gru_gates(X[:1, 0], h0[:1], params)).squeeze(1), torch.stack([r, u, g]))


def test_from_torch_default_module_and_round_trip():
    torch.manual_seed(0)
    module = nn.GRU(3, 4, batch_first=True, dtype=F64)
    params = gru_from_torch(module)
    _, X, _ = _data(2)
    with torch.no_grad():
        assert (gru_layer(X, params, variant="torch")[0] - module(X)[0]).abs().max() < 1e-12
    again = gru_from_torch(gru_to_torch(params))
    assert all(torch.equal(again[k], params[k]) for k in params)
    params["V"].zero_()                                        # 不与模块共享存储
    assert module.weight_ih_l0.abs().sum() > 0


def test_return_gates_and_zero_h0():
    gen, X, _ = _data(3)
    params = init_gru_params(3, 4, generator=gen)
    H, h_T, (R, U, G) = gru_layer(X, params, return_gates=True)
    assert R.shape == U.shape == G.shape == H.shape
    assert (R > 0).all() and (R < 1).all() and (U > 0).all() and (U < 1).all() and (G.abs() < 1).all()
    assert torch.equal(H, gru_layer(X, params, torch.zeros(2, 4, dtype=F64))[0])


def test_set_gate_bias_extremes():
    gen, X, h0 = _data(4)
    params = init_gru_params(3, 4, generator=gen)
    copy = set_gate_bias(params, u=30.0)
    assert block(params["b"], "u", 4).abs().max() < 1                 # 原参数不变
    assert (gru_layer(X, copy, h0)[0] - h0[:, None]).abs().max() < 1e-9
    J = gru_jacobian(X[0, 0], h0[0], copy)
    assert (J - torch.eye(4, dtype=F64)).abs().max() < 1e-9
    rnn_like = set_gate_bias(params, r=30.0, u=-30.0)
    x, h = X[0, 0], h0[0]
    g = torch.tanh(block(params["V"], "g", 4) @ x + block(params["W"], "g", 4) @ h + block(params["b"], "g", 4))
    J_rnn = (1 - g ** 2)[:, None] * block(params["W"], "g", 4)
    assert (gru_jacobian(x, h, rnn_like) - J_rnn).abs().max() < 1e-9
    with pytest.raises(ValueError, match="参数 `values`：期望键取自 r, u, g 的字典"):
        set_gate_bias(params, z=1.0)


@pytest.mark.parametrize("variant", ["cho", "torch"])
@pytest.mark.parametrize("seed", range(3))
def test_jacobian_matches_autograd(variant, seed):
    gen = torch.Generator().manual_seed(seed)
    params = init_gru_params(3, 5, variant=variant, generator=gen)
    x = torch.randn(3, generator=gen, dtype=F64)
    h = 2 * torch.rand(5, generator=gen, dtype=F64) - 1
    J_auto = torch.autograd.functional.jacobian(lambda hh: gru_cell(x[None], hh[None], params, variant)[0], h)
    terms = gru_jacobian_terms(x, h, params, variant)
    assert set(terms) == {"copy", "candidate", "update"}
    J = gru_jacobian(x, h, params, variant)
    assert J.shape == (5, 5) and (J - J_auto).abs().max() < 1e-12
    assert ((J - terms["update"]) - J_auto).abs().max() > 1e-4      # 原讲义漏掉的一项不可忽略


def test_bad_inputs():
    params = init_gru_params(3, 4, generator=torch.Generator().manual_seed(0))
    torch_params = init_gru_params(3, 4, variant="torch", generator=torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="`n`"):
        init_gru_params(0, 4)
    with pytest.raises(ValueError, match="`dtype`"):
        init_gru_params(3, 4, dtype=torch.int64)
    with pytest.raises(ValueError, match="`generator`"):
        init_gru_params(3, 4, generator=0)
    with pytest.raises(ValueError, match="`variant`"):
        gru_layer(torch.zeros(1, 2, 3, dtype=F64), params, variant="keras")
    with pytest.raises(ValueError, match="`params`"):
        gru_layer(torch.zeros(1, 2, 3, dtype=F64), torch_params, variant="cho")   # cho 变体没有 b_hg
    with pytest.raises(ValueError, match="`params`"):
        gru_layer(torch.zeros(1, 2, 3, dtype=F64), params, variant="torch")       # torch 变体缺 b_hg
    X = torch.zeros(1, 2, 3, dtype=F64)
    with pytest.raises(ValueError, match=r'params\["V"\]'):
        gru_layer(X, {**params, "V": torch.zeros(11, 3, dtype=F64)})
    with pytest.raises(ValueError, match=r'params\["b"\]`：期望 dtype 为 torch.float64'):
        gru_layer(X, {**params, "b": params["b"].float()})
    with pytest.raises(ValueError, match=r'参数 `X`：期望 dtype 为 torch.float64 的数组（与参数 `params\["W"\]` 相同'):
        gru_layer(X.float(), params)
    with pytest.raises(ValueError, match="`X`"):
        gru_layer(torch.zeros(1, 2, 5, dtype=F64), params)
    with pytest.raises(ValueError, match="`h0`"):
        gru_layer(torch.zeros(2, 2, 3, dtype=F64), params, torch.zeros(1, 4, dtype=F64))
    with pytest.raises(ValueError, match="`h`"):
        gru_cell(torch.zeros(2, 3, dtype=F64), torch.zeros(2, 5, dtype=F64), params)
    with pytest.raises(ValueError, match="`x`"):
        gru_jacobian(torch.zeros(2, 3, dtype=F64), torch.zeros(4, dtype=F64), params)
    with pytest.raises(ValueError, match="`module`"):
        gru_from_torch(nn.GRU(3, 4, num_layers=2))
    with pytest.raises(ValueError, match="`module`"):
        gru_from_torch(nn.LSTM(3, 4))
    with pytest.raises(ValueError, match="`gate`"):
        block(params["b"], "z", 4)
    assert GRU_GATES == ("r", "u", "g")
