"""wordvec_rnn.rnn（第 02 章「循环神经网络」「时间反向传播」导出）：前向传播、BPTT、独热向量与输入检查。"""

import re

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from wordvec_rnn.gradcheck import gradient_errors, numerical_gradient, relative_error
from wordvec_rnn.rnn import (PARAM_NAMES, rnn_to_torch, check_rnn_params, cross_entropy, init_rnn_params, one_hot, rnn_backward,
                             rnn_forward, rnn_loss_and_gradients, softmax)



def random_problem(rng, T, dtype=np.float64):
    """随机的批量大小 B ∈ 1..3 与维数 n, m ∈ 1..6、q ∈ 2..6，长为 T 的输入、非零的 h0 与标签。"""
    B, n, m, q = (int(v) for v in rng.integers([1, 1, 1, 2], [3, 6, 6, 6], endpoint=True))
    params = init_rnn_params(n, m, q, rng, dtype=dtype)
    X = rng.normal(size=(B, T, n)).astype(dtype)
    h0 = (rng.normal(size=(B, m)) * 0.5).astype(dtype)
    targets = rng.integers(0, q, size=(B, T))
    return params, X, h0, targets



@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("T", [1, 2, 7, 50])
def test_forward_matches_nn_rnn(T, dtype):
    rng = np.random.default_rng(T)
    params, X, h0, _ = random_problem(rng, T, dtype)
    H, Y_hat = rnn_forward(params, X, h0)
    B, _, m = H.shape
    assert H.shape == (B, T + 1, m) and Y_hat.shape == (B, T, len(params["b_y"]))
    assert H.dtype == Y_hat.dtype == dtype
    assert np.array_equal(H[:, 0], h0)
    rnn, linear = rnn_to_torch(params)
    with torch.no_grad():
        outputs, h_last = rnn(torch.from_numpy(X), torch.from_numpy(h0)[None])
        Y_torch = torch.softmax(linear(outputs), dim=-1)
    assert np.abs(H[:, 1:] - outputs.numpy()).max() < 1e-6
    assert np.abs(H[:, -1] - h_last[0].numpy()).max() < 1e-6
    assert np.abs(Y_hat - Y_torch.numpy()).max() < 1e-6
    assert np.allclose(Y_hat.sum(axis=-1), 1.0, atol=1e-6)


def test_forward_default_h0_is_zero():
    rng = np.random.default_rng(0)
    params, X, h0, _ = random_problem(rng, 5)
    H, Y_hat = rnn_forward(params, X)
    H0, Y0 = rnn_forward(params, X, np.zeros_like(h0))
    assert np.all(H[:, 0] == 0) and np.array_equal(H, H0) and np.array_equal(Y_hat, Y0)


@pytest.mark.parametrize("T", [1, 2, 3, 5, 10, 25, 50])
@pytest.mark.parametrize("seed", [0, 1])
def test_bptt_matches_autograd(T, seed):
    rng = np.random.default_rng(100 * T + seed)
    params, X, h0, targets = random_problem(rng, T)
    H, Y_hat = rnn_forward(params, X, h0)
    loss = cross_entropy(Y_hat, targets)
    grads, grad_h0 = rnn_backward(params, X, H, Y_hat, targets)
    assert set(grads) == set(PARAM_NAMES)
    assert all(grads[name].shape == params[name].shape for name in PARAM_NAMES)
    assert grad_h0.shape == h0.shape

    rnn, linear = rnn_to_torch(params)
    h0_t = torch.tensor(h0, requires_grad=True)
    outputs, _ = rnn(torch.from_numpy(X), h0_t[None])
    torch_loss = F.cross_entropy(linear(outputs).flatten(0, 1), torch.from_numpy(targets).flatten(), reduction="sum")
    torch_loss.backward()
    torch_grads = {"V": rnn.weight_ih_l0.grad, "W": rnn.weight_hh_l0.grad, "b_h": rnn.bias_ih_l0.grad,
                   "U": linear.weight.grad, "b_y": linear.bias.grad}
    assert abs(loss - torch_loss.item()) <= 1e-10 * max(1.0, abs(loss))
    for name in PARAM_NAMES:
        assert relative_error(grads[name], torch_grads[name].numpy()) < 1e-8, name
    assert relative_error(grads["b_h"], rnn.bias_hh_l0.grad.numpy()) < 1e-8
    assert relative_error(grad_h0, h0_t.grad.numpy()) < 1e-8


@pytest.mark.parametrize("T", [1, 3])
def test_bptt_matches_finite_differences(T):
    rng = np.random.default_rng(7 + T)
    params, X, h0, targets = random_problem(rng, T)
    H, Y_hat = rnn_forward(params, X, h0)
    grads, grad_h0 = rnn_backward(params, X, H, Y_hat, targets)

    def f():
        return cross_entropy(rnn_forward(params, X, h0)[1], targets)

    errors = gradient_errors(f, params, grads)
    errors["h0"] = relative_error(grad_h0, numerical_gradient(f, h0))
    assert max(errors.values()) < 1e-6, errors


def test_loss_and_gradients_is_forward_plus_backward_and_chains_segments():
    rng = np.random.default_rng(3)
    params, X, h0, targets = random_problem(rng, 12)
    loss, grads, h_T = rnn_loss_and_gradients(params, X, targets, h0)
    H, Y_hat = rnn_forward(params, X, h0)
    assert loss == cross_entropy(Y_hat, targets) and np.array_equal(h_T, H[:, -1])
    expected, _ = rnn_backward(params, X, H, Y_hat, targets)
    assert all(np.array_equal(grads[name], expected[name]) for name in PARAM_NAMES)
    # 两段首尾相接：第二段的 h0 取第一段的 h_T，损失之和等于整段的损失
    loss_a, _, h_mid = rnn_loss_and_gradients(params, X[:, :5], targets[:, :5], h0)
    loss_b, _, h_end = rnn_loss_and_gradients(params, X[:, 5:], targets[:, 5:], h_mid)
    assert np.isclose(loss_a + loss_b, loss) and np.allclose(h_end, h_T)


def test_cross_entropy_matches_torch():
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(3, 6, 5)) * 3
    targets = rng.integers(0, 5, size=(3, 6))
    loss = cross_entropy(softmax(logits), targets)
    expected = F.cross_entropy(torch.from_numpy(logits).flatten(0, 1), torch.from_numpy(targets).flatten(),
                               reduction="sum")
    assert np.isclose(loss, expected.item())


def test_softmax_is_a_stable_distribution():
    rng = np.random.default_rng(5)
    Z = rng.normal(size=(4, 3, 7)) * 10
    P = softmax(Z)
    assert P.shape == Z.shape and np.all(P > 0) and np.allclose(P.sum(axis=-1), 1.0)
    assert np.allclose(softmax(Z + 1000.0), P)                    # 平移不变，且不上溢
    assert np.allclose(P, torch.softmax(torch.from_numpy(Z), dim=-1).numpy())


@pytest.mark.parametrize("shape", [(), (5,), (2, 3), (2, 3, 4)])
def test_one_hot(shape):
    rng = np.random.default_rng(6)
    ids = rng.integers(0, 7, size=shape)
    Y = one_hot(ids, 7)
    assert Y.shape == tuple(shape) + (7,) and Y.dtype == np.float64
    assert np.all(Y.sum(axis=-1) == 1) and np.array_equal(Y.argmax(axis=-1), ids)
    assert np.array_equal(Y, F.one_hot(torch.from_numpy(np.asarray(ids)), 7).numpy())
    assert one_hot(ids, 7, dtype=np.float32).dtype == np.float32
    assert one_hot(np.array([[1, 2]]), 3).tolist() == [[[0, 1, 0], [0, 0, 1]]]
    assert one_hot(np.array([[1, 2]], dtype=np.int32), 3).tolist() == [[[0, 1, 0], [0, 0, 1]]]


def test_init_rnn_params():
    params = init_rnn_params(3, 4, 5, np.random.default_rng(0))
    assert list(params) == list(PARAM_NAMES)
    assert check_rnn_params(params) == {"m": 4, "n": 3, "q": 5}
    assert {name: p.shape for name, p in params.items()} == {"V": (4, 3), "W": (4, 4), "b_h": (4,), "U": (5, 4),
                                                             "b_y": (5,)}
    assert all(p.dtype == np.float64 and np.abs(p).max() <= 0.5 for p in params.values())
    again = init_rnn_params(3, 4, 5, np.random.default_rng(0))
    assert all(np.array_equal(params[name], again[name]) for name in PARAM_NAMES)
    assert all(p.dtype == np.float32 for p in init_rnn_params(3, 4, 5, np.random.default_rng(0), np.float32).values())


def _bad_calls():
    rng = np.random.default_rng(0)
    params = init_rnn_params(3, 4, 5, rng)
    X = rng.normal(size=(2, 6, 3))
    targets = rng.integers(0, 5, size=(2, 6))
    H, Y_hat = rnn_forward(params, X)
    return [
        ("X", "X 少了批量这一维", lambda: rnn_forward(params, X[0])),
        ("X", "X 多了一维", lambda: rnn_forward(params, X[None])),
        ("X", "空序列 T = 0", lambda: rnn_forward(params, X[:, :0])),
        ("X", "空批量 B = 0", lambda: rnn_forward(params, X[:0])),
        ("X", "n 与 V 不符", lambda: rnn_forward(params, X[..., :2])),
        ("X", "整数输入", lambda: rnn_forward(params, X.astype(int))),
        ("h0", "h0 的维数不是 m", lambda: rnn_forward(params, X, np.zeros((2, 5)))),
        ("h0", "h0 的批量大小不符", lambda: rnn_forward(params, X, np.zeros((3, 4)))),
        ('params["W"]', "W 不是 m×m", lambda: rnn_forward({**params, "W": np.zeros((4, 5))}, X)),
        ('params["W"]', "W 的隐藏大小与 V 不符", lambda: rnn_forward({**params, "W": np.zeros((3, 3))}, X)),
        ('params["U"]', "U 的列数不是 m", lambda: rnn_forward({**params, "U": np.zeros((5, 3))}, X)),
        ('params["b_h"]', "b_h 的长度不是 m", lambda: rnn_forward({**params, "b_h": np.zeros(5)}, X)),
        ('params["b_y"]', "b_y 的长度与 U 的行数 q 不符", lambda: rnn_forward({**params, "b_y": np.zeros(4)}, X)),
        ("params", "缺了参数", lambda: rnn_forward({"V": params["V"]}, X)),
        ("params", "多了参数", lambda: rnn_forward({**params, "b_x": np.zeros(4)}, X)),
        ("params", "不是字典", lambda: rnn_forward(list(params.values()), X)),
        ("targets", "编号越界", lambda: cross_entropy(Y_hat, np.full((2, 6), 5))),
        ("targets", "负的编号", lambda: cross_entropy(Y_hat, np.full((2, 6), -1))),
        ("targets", "浮点标签", lambda: cross_entropy(Y_hat, targets.astype(float))),
        ("targets", "标签的形状不符", lambda: cross_entropy(Y_hat, targets[:, :3])),
        ("Y_hat", "Y_hat 不是三维", lambda: cross_entropy(Y_hat[0], targets)),
        ("targets", "rnn_backward：编号越界", lambda: rnn_backward(params, X, H, Y_hat, targets + 5)),
        ("targets", "rnn_backward：负的编号", lambda: rnn_backward(params, X, H, Y_hat, targets - 5)),
        ("Y_hat", "rnn_backward：Y_hat 的 q 与 U 不符", lambda: rnn_backward(params, X, H, Y_hat[..., :4], targets)),
        ("H", "rnn_backward：H 少了 h_0", lambda: rnn_backward(params, X, H[:, 1:], Y_hat, targets)),
        ("X", "rnn_backward：空序列", lambda: rnn_backward(params, X[:, :0], H[:, :1], Y_hat[:, :0], targets[:, :0])),
        ("targets", "rnn_loss_and_gradients：编号越界", lambda: rnn_loss_and_gradients(params, X, targets + 5)),
        ("X", "rnn_loss_and_gradients：空序列", lambda: rnn_loss_and_gradients(params, X[:, :0], targets[:, :0])),
        ('params["U"]', "rnn_loss_and_gradients：隐藏大小不符",
         lambda: rnn_loss_and_gradients({**params, "U": np.zeros((5, 2))}, X, targets)),
        ("ids", "one_hot：编号越界", lambda: one_hot(np.array([0, 5]), 5)),
        ("ids", "one_hot：负的编号", lambda: one_hot(np.array([0, -1]), 5)),
        ("ids", "one_hot：浮点编号", lambda: one_hot(np.array([0.0, 1.0]), 5)),
        ("size", "one_hot：size = 0", lambda: one_hot(np.array([0]), 0)),
        ("n", "init：n = 0", lambda: init_rnn_params(0, 4, 5, rng)),
        ("m", "init：m 不是整数", lambda: init_rnn_params(3, 4.0, 5, rng)),
        ("q", "init：q 为负", lambda: init_rnn_params(3, 4, -1, rng)),
        ("rng", "init：rng 不是 Generator", lambda: init_rnn_params(3, 4, 5, 0)),
    ]


BAD_CALLS = _bad_calls()


@pytest.mark.parametrize("name, call", [(name, call) for name, _, call in BAD_CALLS],
                         ids=[why for _, why, _ in BAD_CALLS])
def test_bad_inputs_raise_value_error_naming_the_argument(name, call):
    with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
        call()
