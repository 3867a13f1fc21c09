"""wordvec_rnn.birnn（第 02 章「双向循环神经网络」导出）：前向与 nn.RNN(bidirectional=True) 对照、两遍 BPTT、
序列标注器与训练循环、输入检查。"""

import re

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from wordvec_rnn.birnn import (
    BIRNN_PARAM_NAMES,
    RNNTagger,
    birnn_backward,
    birnn_forward,
    birnn_loss_and_gradients,
    birnn_to_torch,
    check_birnn_params,
    direction_params,
    init_birnn_params,
    train_steps,
)
from wordvec_rnn.gradcheck import gradient_errors, relative_error
from wordvec_rnn.rnn import cross_entropy, rnn_forward


def random_case(rng, dtype=np.float64):
    n, m, q = (int(v) for v in rng.integers(1, 6, size=3))
    B, T = int(rng.integers(1, 4)), int(rng.integers(1, 8))
    params = init_birnn_params(n, m, q, rng, dtype=dtype)
    X = rng.normal(size=(B, T, n)).astype(dtype)
    return params, X


def test_init_shapes_and_dtype():
    params = init_birnn_params(3, 4, 5, np.random.default_rng(0), dtype=np.float32)
    assert tuple(params) == BIRNN_PARAM_NAMES
    shapes = {name: p.shape for name, p in params.items()}
    assert shapes == {"V_fwd": (4, 3), "W_fwd": (4, 4), "b_h_fwd": (4,), "V_bwd": (4, 3), "W_bwd": (4, 4),
                      "b_h_bwd": (4,), "U": (5, 8), "b_y": (5,)}
    assert all(p.dtype == np.float32 for p in params.values())
    assert all(np.abs(p).max() <= 0.5 for p in params.values())  # U(-1/√m, 1/√m)，m = 4
    assert check_birnn_params(params) == {"m": 4, "n": 3, "q": 5}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-10), (np.float32, 1e-6)])
def test_forward_matches_torch_bidirectional_rnn(seed, dtype, tol):
    rng = np.random.default_rng(seed)
    params, X = random_case(rng, dtype)
    m, T = params["W_fwd"].shape[0], X.shape[1]
    H_fwd, H_bwd, Y_hat = birnn_forward(params, X)
    assert H_fwd.shape == H_bwd.shape == (X.shape[0], T + 1, m) and Y_hat.dtype == dtype
    rnn, linear = birnn_to_torch(params)
    with torch.no_grad():
        output, h_n = rnn(torch.from_numpy(X))
        Y_torch = torch.softmax(linear(output), dim=-1).numpy()
    output, h_n = output.numpy(), h_n.numpy()
    assert np.abs(output[..., :m] - H_fwd[:, 1:]).max() < tol
    assert np.abs(output[..., m:] - H_bwd[:, :-1]).max() < tol
    assert np.abs(h_n[0] - H_fwd[:, T]).max() < tol and np.abs(h_n[1] - H_bwd[:, 0]).max() < tol
    assert np.abs(Y_torch - Y_hat).max() < tol


@pytest.mark.parametrize("seed", range(4))
def test_backward_chain_follows_the_formula(seed):
    rng = np.random.default_rng(seed)
    params, X = random_case(rng)
    B, T, _ = X.shape
    H_fwd, H_bwd, _ = birnn_forward(params, X)
    assert np.all(H_fwd[:, 0] == 0) and np.all(H_bwd[:, T] == 0)
    h = np.zeros((B, params["W_bwd"].shape[0]))
    for t in range(T, 0, -1):
        h = np.tanh(X[:, t - 1] @ params["V_bwd"].T + h @ params["W_bwd"].T + params["b_h_bwd"])
        assert np.allclose(H_bwd[:, t - 1], h, rtol=0, atol=1e-14)
    assert np.array_equal(H_fwd, rnn_forward(direction_params(params, "fwd"), X)[0])


def test_output_depends_on_the_right_context():
    rng = np.random.default_rng(1)
    params = init_birnn_params(3, 4, 5, rng)
    X = rng.normal(size=(2, 6, 3))
    moved = X.copy()
    moved[:, -1] += 1.0
    _, _, Y = birnn_forward(params, X)
    _, _, Y_moved = birnn_forward(params, moved)
    assert np.all(np.abs(Y_moved - Y).max(axis=-1) > 1e-8)        # 每一步（包括第 1 步）都变了
    uni = direction_params(params, "fwd")
    _, Y_uni = rnn_forward(uni, X)
    _, Y_uni_moved = rnn_forward(uni, moved)
    assert np.array_equal(Y_uni[:, :-1], Y_uni_moved[:, :-1])     # 单向：前 T-1 步分毫不变


@pytest.mark.parametrize("seed", range(4))
def test_gradients_match_finite_differences_and_autograd(seed):
    rng = np.random.default_rng(seed)
    params, X = random_case(rng)
    q = params["U"].shape[0]
    targets = rng.integers(q, size=X.shape[:2])
    loss, grads = birnn_loss_and_gradients(params, X, targets)
    assert set(grads) == set(BIRNN_PARAM_NAMES)
    errors = gradient_errors(lambda: cross_entropy(birnn_forward(params, X)[2], targets), params, grads)
    assert max(errors.values()) < 1e-6, errors

    rnn, linear = birnn_to_torch(params)
    output, _ = rnn(torch.from_numpy(X))
    loss_torch = F.cross_entropy(linear(output).reshape(-1, q), torch.from_numpy(targets).reshape(-1), reduction="sum")
    loss_torch.backward()
    assert abs(loss_torch.item() - loss) < 1e-10
    torch_grads = {"U": linear.weight.grad, "b_y": linear.bias.grad}
    for direction, suffix in (("fwd", ""), ("bwd", "_reverse")):
        torch_grads[f"V_{direction}"] = getattr(rnn, f"weight_ih_l0{suffix}").grad
        torch_grads[f"W_{direction}"] = getattr(rnn, f"weight_hh_l0{suffix}").grad
        torch_grads[f"b_h_{direction}"] = getattr(rnn, f"bias_ih_l0{suffix}").grad
    for name in BIRNN_PARAM_NAMES:
        assert relative_error(torch_grads[name].numpy(), grads[name]) < 1e-8, name


def test_backward_accepts_the_forward_results_only_with_matching_shapes():
    rng = np.random.default_rng(2)
    params, X = init_birnn_params(3, 4, 5, rng), rng.normal(size=(2, 6, 3))
    H_fwd, H_bwd, Y_hat = birnn_forward(params, X)
    targets = rng.integers(5, size=(2, 6))
    grads = birnn_backward(params, X, H_fwd, H_bwd, Y_hat, targets)
    assert {name: g.shape for name, g in grads.items()} == {name: p.shape for name, p in params.items()}
    for name, call in [
        ("H_fwd", lambda: birnn_backward(params, X, H_fwd[:, 1:], H_bwd, Y_hat, targets)),
        ("H_bwd", lambda: birnn_backward(params, X, H_fwd, H_bwd[..., :2], Y_hat, targets)),
        ("Y_hat", lambda: birnn_backward(params, X, H_fwd, H_bwd, Y_hat[:, :3], targets)),
        ("targets", lambda: birnn_backward(params, X, H_fwd, H_bwd, Y_hat, targets[:1])),
        ("targets", lambda: birnn_backward(params, X, H_fwd, H_bwd, Y_hat, targets + 5)),
        ("targets", lambda: birnn_backward(params, X, H_fwd, H_bwd, Y_hat, targets.astype(float))),
    ]:
        with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
            call()


def test_forward_input_errors():
    rng = np.random.default_rng(3)
    params, X = init_birnn_params(3, 4, 5, rng), rng.normal(size=(2, 6, 3))
    cases = [
        ("X", lambda: birnn_forward(params, X[0])),                                  # 秩不对
        ("X", lambda: birnn_forward(params, X[None])),
        ("X", lambda: birnn_forward(params, X[:, :0])),                              # 空序列
        ("X", lambda: birnn_forward(params, X[:0])),                                 # 空批量
        ("X", lambda: birnn_forward(params, X[..., :2])),                            # n 不一致
        ("X", lambda: birnn_forward(params, X.astype(int))),
        ("X", lambda: birnn_forward(params, X.tolist())),
        ('params["W_bwd"]', lambda: birnn_forward(dict(params, W_bwd=np.zeros((5, 5))), X)),  # 隐藏大小不一致
        ('params["V_bwd"]', lambda: birnn_forward(dict(params, V_bwd=np.zeros((5, 3))), X)),
        ('params["b_h_fwd"]', lambda: birnn_forward(dict(params, b_h_fwd=np.zeros(3)), X)),
        ('params["U"]', lambda: birnn_forward(dict(params, U=params["U"][:, :4]), X)),
        ('params["b_y"]', lambda: birnn_forward(dict(params, b_y=np.zeros(4)), X)),
        ("params", lambda: birnn_forward({k: v for k, v in params.items() if k != "U"}, X)),
        ("params", lambda: birnn_forward([params], X)),
        ("direction", lambda: direction_params(params, "left")),
        ("n", lambda: init_birnn_params(0, 4, 5, rng)),
        ("m", lambda: init_birnn_params(3, 2.0, 5, rng)),
        ("q", lambda: init_birnn_params(3, 4, -1, rng)),
        ("rng", lambda: init_birnn_params(3, 4, 5, 0)),
        ("targets", lambda: birnn_loss_and_gradients(params, X, np.full((2, 6), 5))),
    ]
    for name, call in cases:
        with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
            call()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("bidirectional", [False, True])
def test_tagger_shapes(seed, bidirectional):
    rng = np.random.default_rng(seed)
    vocab_size, d, m, n_tags = (int(v) for v in rng.integers(2, 9, size=4))
    B, T = int(rng.integers(1, 6)), int(rng.integers(1, 10))
    tagger = RNNTagger(vocab_size, d, m, n_tags, bidirectional=bidirectional)
    assert tagger.rnn.bidirectional == bidirectional
    assert tagger.output.in_features == (2 * m if bidirectional else m)
    ids = torch.from_numpy(rng.integers(vocab_size, size=(B, T)))
    assert tagger(ids).shape == (B, T, n_tags)


def test_tagger_input_errors():
    tagger = RNNTagger(5, 3, 4, 2)
    ids = torch.zeros(2, 3, dtype=torch.int64)
    for name, call in [
        ("ids", lambda: tagger(ids[0])),
        ("ids", lambda: tagger(ids + 5)),
        ("ids", lambda: tagger(ids - 1)),
        ("ids", lambda: tagger(ids.float())),
        ("ids", lambda: tagger(ids[:, :0])),
        ("vocab_size", lambda: RNNTagger(0, 3, 4, 2)),
        ("d", lambda: RNNTagger(5, 0, 4, 2)),
        ("m", lambda: RNNTagger(5, 3, 1.5, 2)),
        ("n_tags", lambda: RNNTagger(5, 3, 4, 1)),
        ("bidirectional", lambda: RNNTagger(5, 3, 4, 2, bidirectional=1)),
    ]:
        with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
            call()


def test_train_steps_lowers_the_loss_and_reports_scores():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    tagger = RNNTagger(4, 4, 8, 4)
    ids = torch.from_numpy(rng.integers(4, size=(16, 5)))

    def batch_loss():                                              # 把每个词元标成它自己：一学就会
        return F.cross_entropy(tagger(ids).transpose(1, 2), ids)

    def evaluate():
        return (tagger(ids).argmax(dim=-1) == ids).float().mean().item()

    losses, scores = train_steps(tagger, batch_loss, steps=60, lr=0.05, evaluate=evaluate, every=25)
    assert losses.shape == (60,) and losses[-1] < 0.2 * losses[0]
    assert [step for step, _ in scores] == [25, 50, 60] and scores[-1][1] == 1.0
    losses, scores = train_steps(tagger, batch_loss, steps=2, lr=0.01)
    assert losses.shape == (2,) and scores == []


def test_train_steps_input_errors():
    tagger = RNNTagger(4, 4, 8, 4)

    def batch_loss():
        return tagger(torch.zeros(1, 2, dtype=torch.int64)).sum()

    for name, call in [
        ("model", lambda: train_steps(lambda: 0, batch_loss, steps=1, lr=0.1)),
        ("batch_loss", lambda: train_steps(tagger, 0.5, steps=1, lr=0.1)),
        ("evaluate", lambda: train_steps(tagger, batch_loss, steps=1, lr=0.1, evaluate=3)),
        ("steps", lambda: train_steps(tagger, batch_loss, steps=0, lr=0.1)),
        ("steps", lambda: train_steps(tagger, batch_loss, steps=2.0, lr=0.1)),
        ("lr", lambda: train_steps(tagger, batch_loss, steps=1, lr=0.0)),
        ("lr", lambda: train_steps(tagger, batch_loss, steps=1, lr=float("nan"))),
        ("every", lambda: train_steps(tagger, batch_loss, steps=1, lr=0.1, every=0)),
        ("desc", lambda: train_steps(tagger, batch_loss, steps=1, lr=0.1, desc="")),
    ]:
        with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
            call()
