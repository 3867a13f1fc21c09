"""作业 4 的测试：循环神经网络的前向传播、输出层的梯度与时间反向传播（BPTT），批量优先的 NumPy 实现。

带 ``public=True`` 的测试原样放进学生版作为自测，输入由函数内部固定的种子给出；其余只在评分包里，输入取自
``hidden_rng(k)``（每个测试一个 k，具体的数由教师的秘密种子决定，公开仓库里没有），先后顺序不影响数字。
公开测试用学生自己的前向传播做有限差分；隐藏测试用 ``torch.nn.RNN``（拷进同样的权重）与 ``torch.autograd``
或测试里的参照公式算出期望值，并与几种常见错误的结果对照，给出具体的评语。
"""

import numpy as np
import torch
from wordvec_classroom import (
    Assignment,
    Question,
    check,
    hidden_rng,
    mismatch,
    with_globals,
)
from wordvec_rnn.gradcheck import numerical_gradient, relative_error
from wordvec_rnn.rnn import init_rnn_params, one_hot, rnn_to_torch, softmax

ASSIGNMENT = Assignment(
    number=4,
    title="循环神经网络的时间反向传播（BPTT）",
    chapters=("chapters/02_rnn/01_rnn.ipynb", "chapters/02_rnn/02_bptt.ipynb"),
    intro=(
        "本作业对应第 02 章第 1 节「循环神经网络」与第 2 节「时间反向传播」。你要实现循环神经网络的前向传播 "
        "$h_t=\\tanh(Vx_t+Wh_{t-1}+b_h)$、$\\hat y_t=\\operatorname{softmax}(Uh_t+b_y)$，损失 "
        "$L=\\sum_{t=1}^{T}L_t=-\\sum_t\\log\\hat y_{t,y_t}$ 与输出层的梯度，再用时间反向传播（BPTT）求 "
        "$V$、$W$、$b_h$ 与 $h_0$ 的梯度，最后把它们连成截断 BPTT 的一段。\n\n"
        "代码是**批量优先**的：`X` 的形状是 $(B,T,n)$，`H` 的形状是 $(B,T+1,m)$，`H[:, t]` 是 $h_t$（`H[:, 0]` 是 "
        "$h_0$），`X[:, t-1]` 是 $x_t$，`Y_hat[:, t-1]` 是 $\\hat y_t$。公式中的列向量在代码中是行，所以 $Wh_{t-1}$ "
        "写作 `H[:, t-1] @ W.T`，$W^\\top\\delta_t$ 写作 `delta @ W`。批量中各序列的损失与梯度都是**相加**，不取平均。"
        "参数字典 `params` 的键是 `V`、`W`、`b_h`、`U`、`b_y`（形状 $m\\times n$、$m\\times m$、$m$、$q\\times m$、$q$），"
        "由章节中的 `init_rnn_params` 生成。\n\n"
        "后面的题会调用前面的函数（例如 4.3 的自测用你的 `rnn_forward` 做有限差分）：按顺序做，前一题的自测通过了再做下一题。"
        "评分时，隐藏测试会把前几题的函数换成参照实现，所以一处错误不会在后面各题的隐藏测试里重复扣分。"
    ),
    questions=(
        Question("4.1", "前向传播", ("rnn_forward",),
                 "对 $t=1,\\dots,T$ 依次算 $h_t=\\tanh(Vx_t+Wh_{t-1}+b_h)$，再算 $\\hat y_t=\\operatorname{softmax}(Uh_t+b_y)$"
                 "（`softmax` 已给出，沿最后一维）。返回 `(H, Y_hat)`，`H[:, 0]` 是传入的 $h_0$。"),
        Question("4.2", "损失与输出层的梯度", ("cross_entropy", "output_layer_gradients"),
                 "`cross_entropy` 返回 $L=-\\sum_{b}\\sum_{t}\\log\\hat y_{t,y_t}$（对批量与时间步都求和）。"
                 "`output_layer_gradients` 返回 `(dS, dU, db_y)`：$\\partial L/\\partial s_t=\\hat y_t-y_t$（$s_t=Uh_t+b_y$），"
                 "$\\partial L/\\partial U=\\sum_t(\\hat y_t-y_t)h_t^\\top$，$\\partial L/\\partial b_y=\\sum_t(\\hat y_t-y_t)$。"),
        Question("4.3", "时间反向传播（BPTT）", ("rnn_backward",),
                 "从 $t=T$ 倒推到 $t=1$：$\\partial L/\\partial h_t=U^\\top(\\hat y_t-y_t)+W^\\top\\delta_{t+1}$（$t=T$ 时没有第二项），"
                 "$\\delta_t=(1-h_t\\odot h_t)\\odot\\partial L/\\partial h_t$；"
                 "$\\partial L/\\partial V=\\sum_t\\delta_tx_t^\\top$，$\\partial L/\\partial W=\\sum_t\\delta_th_{t-1}^\\top$，"
                 "$\\partial L/\\partial b_h=\\sum_t\\delta_t$，并返回 $\\partial L/\\partial h_0=W^\\top\\delta_1$。"
                 "输出层的梯度由 4.2 的 `output_layer_gradients` 给出，已写在函数里。"),
        Question("4.4", "一次前向与反向（截断 BPTT 的一段）", ("rnn_loss_and_gradients",),
                 "把前三题连起来：返回 `(L, grads, h_T)`。截断 BPTT 把长序列切成几段，上一段的 $h_T$ 作为下一段的 $h_0$ "
                 "传进来，所以一定要把 `h0` 交给 `rnn_forward`。"),
    ),
)


# ---------------------------------------------------------------- 隐藏测试用的参照实现

def _problem(rng, B=2, T=4, n=3, m=4, q=5, scale=1.0):
    """一个小问题，全部取自 ``rng``（隐藏测试传入 hidden_rng(k)）：参数（float64）、输入、非零的 h0 与目标。
    scale 放大参数，让 tanh 的非线性更明显。"""
    params = {k: v * scale for k, v in init_rnn_params(n, m, q, rng).items()}
    X = rng.normal(size=(B, T, n))
    h0 = 0.5 * rng.normal(size=(B, m))
    targets = rng.integers(0, q, size=(B, T))
    return params, X, h0, targets


def _forward(params, X, h0=None, transpose_w=False):
    if h0 is None:
        h0 = np.zeros((X.shape[0], len(params["W"])))
    W = params["W"] if transpose_w else params["W"].T
    H = np.zeros((X.shape[0], X.shape[1] + 1, len(params["W"])))
    H[:, 0] = h0
    for t in range(1, X.shape[1] + 1):
        H[:, t] = np.tanh(X[:, t - 1] @ params["V"].T + H[:, t - 1] @ W + params["b_h"])
    return H, softmax(H[:, 1:] @ params["U"].T + params["b_y"])


def _loss(Y_hat, targets):
    return float(-np.log(np.take_along_axis(Y_hat, targets[..., None], axis=-1)).sum())


def _bptt(params, X, H, Y_hat, targets, mistake=None):
    """参照的 BPTT；``mistake`` 给出时按那种常见错误算（用来认出学生犯的是哪一种）。另返回每一步的 δ_t。"""
    W, U = params["W"], params["U"]
    dS = Y_hat - one_hot(targets, U.shape[0])
    grads = {name: np.zeros_like(params[name]) for name in ("V", "W", "b_h")}
    dh_next, deltas = np.zeros_like(H[:, 0]), {}
    for t in range(X.shape[1], 0, -1):
        dh = dS[:, t - 1] @ U + (0.0 if mistake == "truncated" else dh_next)
        delta = dh if mistake == "no_tanh" else dh * (1.0 - H[:, t] ** 2)
        deltas[t] = delta
        grads["V"] += delta.T @ X[:, t - 1]
        grads["W"] += delta.T @ (H[:, t] if mistake == "h_t" else H[:, t - 1])
        grads["b_h"] += delta.sum(axis=0)
        dh_next = delta @ (W.T if mistake == "transposed" else W)
    return grads, dh_next, deltas


def _output_layer(H, Y_hat, targets):
    dS = Y_hat - one_hot(targets, Y_hat.shape[-1])
    return dS, np.einsum("btq,btm->qm", dS, H[:, 1:]), dS.sum(axis=(0, 1))


def _backward(params, X, H, Y_hat, targets):
    grads, dh0, _ = _bptt(params, X, H, Y_hat, targets)
    _, grads["U"], grads["b_y"] = _output_layer(H, Y_hat, targets)
    return grads, dh0


def _torch_reference(params, X, h0, targets):
    """用 torch.nn.RNN（拷进同样的权重）与 autograd 求损失、全部参数的梯度与 ∂L/∂h_0。"""
    rnn, linear = rnn_to_torch(params)
    h0_t = torch.tensor(h0, requires_grad=True)
    out, _ = rnn(torch.from_numpy(X), h0_t[None])
    logits = linear(out)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                             torch.from_numpy(targets).reshape(-1), reduction="sum")
    loss.backward()
    grads = {"V": rnn.weight_ih_l0.grad, "W": rnn.weight_hh_l0.grad, "b_h": rnn.bias_ih_l0.grad,
             "U": linear.weight.grad, "b_y": linear.bias.grad}
    return (loss.item(), {k: v.numpy() for k, v in grads.items()}, h0_t.grad.numpy(),
            out.detach().numpy(), torch.softmax(logits, dim=-1).detach().numpy())


def _student_loss_and_gradients(rnn_loss_and_gradients):
    return with_globals(rnn_loss_and_gradients, rnn_forward=_forward, cross_entropy=_loss, rnn_backward=_backward)


def _close(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-7, atol=1e-9)


def _student_backward(rnn_backward, params, X, h0, targets):
    H, Y_hat = _forward(params, X, h0)
    grads, dh0 = with_globals(rnn_backward, output_layer_gradients=_output_layer)(params, X, H, Y_hat, targets)
    return H, Y_hat, grads, dh0


# ---------------------------------------------------------------- 4.1 前向传播

@check("4.1", 2, public=True)
def test_rnn_forward_values(rnn_forward):
    rng = np.random.default_rng(0)
    params = init_rnn_params(3, 4, 5, rng)
    X, h_0 = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4))
    H, Y_hat = rnn_forward(params, X, h_0)
    assert np.shape(H) == (2, 5, 4) and np.shape(Y_hat) == (2, 4, 5), (
        f"H 的形状应是 (B, T+1, m) = (2, 5, 4)，Y_hat 的应是 (B, T, q) = (2, 4, 5)，得到 {np.shape(H)} 与 {np.shape(Y_hat)}"
    )
    assert np.allclose(H[:, 0], h_0), "H[:, 0] 应是传入的 h0（不要换成全零）"
    assert np.allclose(Y_hat.sum(axis=-1), 1.0), "Y_hat 的每个 ŷ_t 之和应为 1：对 U h_t + b_y 沿最后一维做 softmax"
    assert np.isclose(H[1, 4, 2], 0.3923556996, atol=1e-8), f"H[1, 4, 2]（h_4）应是 0.3923556996，得到 {H[1, 4, 2]}"
    assert np.isclose(Y_hat[0, 2, 3], 0.1712674708, atol=1e-8), f"Y_hat[0, 2, 3]（ŷ_3）应是 0.1712674708，得到 {Y_hat[0, 2, 3]}"


@check("4.1", 2)
def test_rnn_forward_hidden_states_match_torch(rnn_forward):
    params, X, h0, targets = _problem(hidden_rng(10), B=3, T=5, scale=2.0)
    *_, out, _ = _torch_reference(params, X, h0, targets)
    H, _ = rnn_forward(params, X, h0)
    assert np.shape(H) == (3, 6, 4), f"H 的形状应是 (B, T+1, m) = (3, 6, 4)，得到 {np.shape(H)}"
    if not _close(H[:, 1:], out):
        assert not _close(H[:, 1:], _forward(params, X, h0, transpose_w=True)[0][:, 1:]), (
            "W 用反了（转置）：h_{t-1} 在代码里是行向量，W h_{t-1} 要写成 H[:, t-1] @ W.T，不是 H[:, t-1] @ W"
        )
        assert _close(H[:, 1], out[:, 0]), (
            "第一步的 h_1 就与 torch.nn.RNN（同样的权重）不符：h_1 = tanh(V x_1 + W h_0 + b_h)，x_1 是 X[:, 0]；"
            f"H[:, 1] {mismatch(H[:, 1], out[:, 0])}"
        )
        raise AssertionError("h_1 对了，后面的 h_t 与 torch.nn.RNN 不符：第 t 步要用上一步算出的 h_{t-1}（H[:, t-1]）；"
                             f"H[:, 1:] {mismatch(H[:, 1:], out)}")


@check("4.1", 1)
def test_rnn_forward_output_uses_h_t(rnn_forward):
    params, X, h0, targets = _problem(hidden_rng(11), B=3, T=5, scale=2.0)
    *_, probs = _torch_reference(params, X, h0, targets)
    H, Y_hat = rnn_forward(params, X, h0)
    expected_H = _forward(params, X, h0)[0]
    assert np.shape(H) == expected_H.shape and np.allclose(H[:, 1:], expected_H[:, 1:]), (
        f"隐状态 H 就不对（H {mismatch(H, expected_H)}），先让上一个测试通过"
    )
    shifted = softmax(H[:, :-1] @ params["U"].T + params["b_y"])
    assert not _close(Y_hat, shifted), (
        "ŷ_t 用的是 h_{t-1}：输出应由同一步的 h_t 算出，用 H[:, 1:]（不含 h_0），不是 H[:, :-1]"
    )
    assert _close(Y_hat, probs), (
        "Y_hat 与 softmax(nn.Linear(h_t)) 不符：ŷ_t = softmax(U h_t + b_y)，即 H[:, 1:] @ U.T + b_y；"
        f"Y_hat {mismatch(Y_hat, probs)}"
    )


# ---------------------------------------------------------------- 4.2 损失与输出层的梯度

@check("4.2", 1, public=True)
def test_cross_entropy_value(cross_entropy):
    uniform = np.full((2, 3, 4), 0.25)
    targets = np.array([[0, 1, 2], [3, 3, 0]])
    loss = cross_entropy(uniform, targets)
    assert np.isclose(loss, 6 * np.log(4)), (
        f"2 个序列 × 3 步、每步 ŷ 均匀分布在 4 个词上，L 应是 6 log 4 = {6 * np.log(4):.6f}，得到 {loss}"
    )
    rng = np.random.default_rng(1)
    Y_hat = rng.dirichlet(np.ones(5), size=(2, 4))
    loss = cross_entropy(Y_hat, rng.integers(0, 5, size=(2, 4)))
    assert np.isclose(loss, 22.1681696333, atol=1e-8), f"L 应是 22.1681696333，得到 {loss}"


@check("4.2", 2, public=True)
def test_output_layer_gradcheck(rnn_forward, cross_entropy, output_layer_gradients):
    rng = np.random.default_rng(2)
    params = init_rnn_params(3, 4, 5, rng)
    X, h_0, targets = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4)), rng.integers(0, 5, size=(2, 4))
    H, Y_hat = rnn_forward(params, X, h_0)
    dS, dU, db_y = output_layer_gradients(H, Y_hat, targets)
    assert np.shape(dS) == (2, 4, 5) and np.shape(dU) == (5, 4) and np.shape(db_y) == (5,), (
        f"dS、dU、db_y 的形状应是 (2, 4, 5)、(5, 4)、(5,)，得到 {np.shape(dS)}、{np.shape(dU)}、{np.shape(db_y)}"
    )

    def loss():
        return cross_entropy(rnn_forward(params, X, h_0)[1], targets)

    for name, grad in (("U", dU), ("b_y", db_y)):
        error = relative_error(grad, numerical_gradient(loss, params[name]))
        assert error < 1e-6, (
            f"∂L/∂{name} 与有限差分不符（相对误差 {error:.2g}）。先确认 4.1 与 cross_entropy 的自测通过；"
            "∂L/∂U = Σ_t (ŷ_t − y_t) h_t^T，∂L/∂b_y = Σ_t (ŷ_t − y_t)"
        )
    assert np.isclose(dU[1, 2], 0.5349205378, atol=1e-8), f"dU[1, 2] 应是 0.5349205378，得到 {dU[1, 2]}（梯度与有限差分一致而数值不对：先让 4.1 的自测通过）"


@check("4.2", 1)
def test_cross_entropy_sums(cross_entropy):
    params, X, h0, targets = _problem(hidden_rng(20), B=3, T=5)
    _, Y_hat = _forward(params, X, h0)
    loss, expected = cross_entropy(Y_hat, targets), _loss(Y_hat, targets)
    assert not np.isclose(loss, expected / 15) and not np.isclose(loss, expected / 5) and not np.isclose(loss, expected / 3), (
        "损失取了平均：本书的 L = Σ_t L_t，对时间步和批量中的序列都求和（梯度公式也是按求和推的），不要除以 B 或 T"
    )
    assert not np.isclose(loss, -expected), "损失的符号反了：L = −Σ log ŷ_t[y_t] ≥ 0"
    assert np.isclose(loss, expected), f"L 应是 {expected:.6f}，得到 {loss}：取出正确词的概率 ŷ_t[y_t]，对 −log 求和"


@check("4.2", 2)
def test_output_layer_gradients_hidden(output_layer_gradients):
    params, X, h0, targets = _problem(hidden_rng(21), B=3, T=5)
    _, grads, _, _, _ = _torch_reference(params, X, h0, targets)
    H, Y_hat = _forward(params, X, h0)
    dS, dU, db_y = output_layer_gradients(H, Y_hat, targets)
    expected_dS = Y_hat - one_hot(targets, 5)
    assert not _close(dS, -expected_dS), "dS 的符号反了：∂L/∂s_t = ŷ_t − y_t，不是 y_t − ŷ_t"
    assert _close(dS, expected_dS), (
        f"dS 应是 ŷ_t − y_t（softmax 加交叉熵），y_t 是 one_hot(targets, q)；dS {mismatch(dS, expected_dS)}"
    )
    assert not _close(dU, np.einsum("btq,btm->qm", expected_dS, H[:, :-1])), (
        "dU 里 ŷ_t − y_t 配的是 h_{t-1}：应配同一步的 h_t，即 H[:, 1:]（时间上差了一步）"
    )
    last = expected_dS[:, -1].T @ H[:, -1]
    assert not _close(dU, last), "dU 只有最后一个时间步的贡献：U 每一步都用到，∂L/∂U = Σ_t (ŷ_t − y_t) h_t^T"
    assert _close(dU, grads["U"]), (
        f"dU 与 torch.autograd 不符：∂L/∂U = Σ_t (ŷ_t − y_t) h_t^T，对批量也求和；dU {mismatch(dU, grads['U'])}"
    )
    assert _close(db_y, grads["b_y"]), (
        f"db_y 与 torch.autograd 不符：∂L/∂b_y = Σ_t (ŷ_t − y_t)，对时间步和批量都求和；db_y {mismatch(db_y, grads['b_y'])}"
    )


# ---------------------------------------------------------------- 4.3 时间反向传播

@check("4.3", 3, public=True)
def test_rnn_backward_gradcheck(rnn_forward, cross_entropy, rnn_backward):
    rng = np.random.default_rng(3)
    params = {name: 2 * p for name, p in init_rnn_params(3, 4, 5, rng).items()}
    X, h_0, targets = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4)), rng.integers(0, 5, size=(2, 4))
    H, Y_hat = rnn_forward(params, X, h_0)
    grads, dh0 = rnn_backward(params, X, H, Y_hat, targets)

    def loss():
        return cross_entropy(rnn_forward(params, X, h_0)[1], targets)

    for name in ("V", "W", "b_h"):
        assert np.shape(grads[name]) == params[name].shape, (
            f"grads['{name}'] 的形状应与参数相同 {params[name].shape}，得到 {np.shape(grads[name])}"
        )
        error = relative_error(grads[name], numerical_gradient(loss, params[name]))
        assert error < 1e-6, (
            f"∂L/∂{name} 与有限差分不符（相对误差 {error:.2g}）。先确认 4.1、4.2 的自测通过；再检查：各步的贡献要累加，"
            "∂L/∂h_t 要加上 W^T δ_{t+1}，δ_t 要乘 tanh 的导数 1 − h_t²"
        )
    error = relative_error(dh0, numerical_gradient(loss, h_0))
    assert error < 1e-6, f"∂L/∂h_0 与有限差分不符（相对误差 {error:.2g}）：循环结束时 dh_next 应是 W^T δ_1"
    assert np.isclose(grads["W"][0, 1], 0.3355765171, atol=1e-8), f"grads['W'][0, 1] 应是 0.3355765171，得到 {grads['W'][0, 1]}（先让 4.1、4.2 的自测通过）"


@check("4.3", 2)
def test_rnn_backward_one_step(rnn_backward):
    params, X, h0, targets = _problem(hidden_rng(30), B=3, T=1, scale=2.0)
    H, Y_hat, grads, dh0 = _student_backward(rnn_backward, params, X, h0, targets)
    ref, ref_dh0, _ = _bptt(params, X, H, Y_hat, targets)
    for name in ("V", "W", "b_h"):
        assert not _close(grads[name], -ref[name]), (
            f"∂L/∂{name} 的符号反了：梯度是 +δ_t x_t^T、+δ_t h_{{t-1}}^T、+δ_t 的和（用 +=，更新参数时才减）"
        )
    assert not _close(grads["b_h"], _bptt(params, X, H, Y_hat, targets, "no_tanh")[0]["b_h"]), (
        "忘了 tanh 的导数：δ_t = ∂L/∂z_t = (1 − h_t ⊙ h_t) ⊙ ∂L/∂h_t，要乘 1 − H[:, t]**2"
    )
    assert not _close(grads["W"], _bptt(params, X, H, Y_hat, targets, "h_t")[0]["W"]), (
        "∂L/∂W 用的是 h_t：z_t = V x_t + W h_{t-1} + b_h，所以是 δ_t h_{t-1}^T，即 delta.T @ H[:, t-1]（时间上差了一步）"
    )
    for name in ("V", "W", "b_h"):
        assert _close(grads[name], ref[name]), (
            f"只有一个时间步（T = 1）时 ∂L/∂{name} 就不对：δ_1 = (1 − h_1²) ⊙ U^T(ŷ_1 − y_1)，"
            f"∂L/∂V = δ_1 x_1^T，∂L/∂W = δ_1 h_0^T，∂L/∂b_h = δ_1（对批量求和）；grads['{name}'] {mismatch(grads[name], ref[name])}"
        )
    assert _close(dh0, ref_dh0), f"T = 1 时 ∂L/∂h_0 应是 W^T δ_1，行向量写法是 delta @ W；dh0 {mismatch(dh0, ref_dh0)}"


@check("4.3", 1)
def test_rnn_backward_sums_over_time(rnn_backward):
    params, X, h0, targets = _problem(hidden_rng(31), B=2, T=5, scale=2.0)
    H, Y_hat, grads, _ = _student_backward(rnn_backward, params, X, h0, targets)
    ref, _, deltas = _bptt(params, X, H, Y_hat, targets)
    single = [t for t, delta in deltas.items() if _close(grads["b_h"], delta.sum(axis=0))]
    assert not single, (
        f"∂L/∂b_h 只剩第 {single[0]} 步的贡献：同一组参数每一步都用到，梯度是各步之和，"
        "循环里要用 += 累加（不是 =），V 和 W 也一样"
    )
    assert _close(grads["b_h"], ref["b_h"]), (
        f"∂L/∂b_h 应是各步 δ_t 之和（对批量也求和），grads['b_h'] {mismatch(grads['b_h'], ref['b_h'])}；"
        "若 T = 1 的测试也没通过，先改那里"
    )


@check("4.3", 2)
def test_rnn_backward_through_time(rnn_backward):
    params, X, h0, targets = _problem(hidden_rng(32), B=2, T=5, scale=2.0)
    H, Y_hat, grads, dh0 = _student_backward(rnn_backward, params, X, h0, targets)
    ref, ref_dh0, _ = _bptt(params, X, H, Y_hat, targets)
    assert not _close(grads["V"], _bptt(params, X, H, Y_hat, targets, "truncated")[0]["V"]), (
        "梯度没有沿时间往回传：h_t 还影响后面的 h_{t+1}，∂L/∂h_t = U^T(ŷ_t − y_t) + W^T δ_{t+1}，"
        "要加上上一轮循环留下的 dh_next"
    )
    for name in ("V", "W", "b_h"):
        assert _close(grads[name], ref[name]), (
            f"T = 5 时 ∂L/∂{name} 不对（{mismatch(grads[name], ref[name])}）：检查 ∂L/∂h_t 的递推；"
            "若 T = 1 的测试也没通过，先改那里"
        )
    assert _close(dh0, ref_dh0), (
        f"∂L/∂h_0 不对（{mismatch(dh0, ref_dh0)}）：循环结束时 dh_next = W^T δ_1，就是要返回的 ∂L/∂h_0"
    )


@check("4.3", 1)
def test_rnn_backward_recurrent_transpose(rnn_backward):
    params, X, h0, targets = _problem(hidden_rng(33), B=2, T=4, scale=2.0)
    H, Y_hat, grads, dh0 = _student_backward(rnn_backward, params, X, h0, targets)
    wrong, wrong_dh0, _ = _bptt(params, X, H, Y_hat, targets, "transposed")
    assert not (_close(grads["V"], wrong["V"]) or _close(dh0, wrong_dh0)), (
        "往回传时 W 的方向反了：∂L/∂h_{t-1} 含 W^T δ_t，行向量写法是 delta @ W（不是 delta @ W.T）"
    )
    ref, ref_dh0, _ = _bptt(params, X, H, Y_hat, targets)
    wrong = [f"{label} {mismatch(got, expected)}" for label, got, expected in
             (("grads['V']", grads["V"], ref["V"]), ("dh0", dh0, ref_dh0)) if not _close(got, expected)]
    assert not wrong, (
        f"∂L/∂V 或 ∂L/∂h_0 不对（{'；'.join(wrong)}）：检查 W^T δ_t 的写法；若 T = 1 的测试也没通过，先改那里"
    )


@check("4.3", 1)
def test_rnn_backward_matches_autograd(rnn_backward):
    params, X, h0, targets = _problem(hidden_rng(34), B=3, T=6, n=2, m=3, q=4, scale=2.0)
    _, expected, expected_dh0, _, _ = _torch_reference(params, X, h0, targets)
    _, _, grads, dh0 = _student_backward(rnn_backward, params, X, h0, targets)
    wrong = [name for name in ("V", "W", "b_h", "U", "b_y") if not _close(grads[name], expected[name])]
    assert not wrong, (
        f"与 torch.nn.RNN + autograd（同样的权重）相比，{', '.join(wrong)} 的梯度不对："
        + "；".join(f"grads['{name}'] {mismatch(grads[name], expected[name])}" for name in wrong)
    )
    assert _close(dh0, expected_dh0), f"∂L/∂h_0 与 torch.autograd 不符：dh0 {mismatch(dh0, expected_dh0)}"


# ---------------------------------------------------------------- 4.4 截断 BPTT 的一段

@check("4.4", 1, public=True)
def test_loss_and_gradients_with_h0(rnn_forward, cross_entropy, rnn_loss_and_gradients):
    rng = np.random.default_rng(4)
    params = init_rnn_params(3, 4, 5, rng)
    X, h_0, targets = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4)), rng.integers(0, 5, size=(2, 4))
    loss, grads, h_T = rnn_loss_and_gradients(params, X, targets, h_0)
    H, Y_hat = rnn_forward(params, X, h_0)
    assert np.isclose(loss, cross_entropy(Y_hat, targets)), "L 应等于 cross_entropy(rnn_forward(params, X, h0) 的 Y_hat)：h0 传进去了吗？"
    assert set(grads) == {"V", "W", "b_h", "U", "b_y"}, f"grads 的键应是 V、W、b_h、U、b_y，得到 {sorted(grads)}"
    assert np.shape(h_T) == (2, 4) and np.allclose(h_T, H[:, -1]), "h_T 应是最后一步的隐状态 H[:, -1]，形状 (B, m)"
    assert np.isclose(loss, 13.4010162383, atol=1e-8), f"L 应是 13.4010162383，得到 {loss}（先让 4.1、4.2 的自测通过）"


@check("4.4", 1)
def test_loss_and_gradients_uses_h0(rnn_loss_and_gradients):
    params, X, h0, targets = _problem(hidden_rng(40), scale=2.0)
    loss, grads, h_T = _student_loss_and_gradients(rnn_loss_and_gradients)(params, X, targets, h0)
    H, Y_hat = _forward(params, X, h0)
    assert not np.isclose(loss, _loss(_forward(params, X, np.zeros_like(h0))[1], targets)), (
        "传进来的 h0 没有用上（结果与 h0 = 0 时一样）：调用 rnn_forward(params, X, h0)，截断 BPTT 靠它接上前一段"
    )
    expected = _loss(Y_hat, targets)
    assert np.isclose(loss, expected), f"L 不对：应是 cross_entropy(Y_hat, targets) = {expected:.10g}，得到 {loss}"
    assert not _close(h_T, H[:, -2]) and not _close(h_T, H[:, 0]), (
        f"h_T 应是最后一步的隐状态 H[:, -1]，你返回的是 H[:, {-2 if _close(h_T, H[:, -2]) else 0}]"
    )
    assert _close(h_T, H[:, -1]), f"h_T 应是最后一步的隐状态 H[:, -1]：h_T {mismatch(h_T, H[:, -1])}"
    ref, _ = _backward(params, X, H, Y_hat, targets)
    keys_differ = set(grads) != set(ref)
    wrong = [] if keys_differ else [name for name in ref if not _close(grads[name], ref[name])]
    assert not keys_differ and not wrong, (
        "返回的梯度不对：应原样返回 rnn_backward(params, X, H, Y_hat, targets) 的梯度字典（第一个返回值）；"
        + (f"键应是 {sorted(ref)}，得到 {sorted(grads)}" if keys_differ else
           "；".join(f"grads['{name}'] {mismatch(grads[name], ref[name])}" for name in wrong))
    )


@check("4.4", 1)
def test_truncated_bptt_chunks(rnn_loss_and_gradients):
    params, X, h0, targets = _problem(hidden_rng(41), B=2, T=6, scale=2.0)
    step = _student_loss_and_gradients(rnn_loss_and_gradients)
    whole, _, h_whole = step(params, X, targets, h0)
    first, _, h_mid = step(params, X[:, :3], targets[:, :3], h0)
    second, _, h_end = step(params, X[:, 3:], targets[:, 3:], h_mid)
    assert np.isclose(first + second, whole) and _close(h_end, h_whole), (
        "把序列切成两段、前一段的 h_T 作为后一段的 h0 时，两段的损失之和与最后的状态应与整段一次算的相同："
        "检查 h0 是否传给了 rnn_forward、返回的 h_T 是否是 H[:, -1]"
    )
    H, Y_hat = _forward(params, X, h0)                # 上面的比较只看自洽：全零的 L 与 h_T 也满足，所以还要对数值
    expected = _loss(Y_hat, targets)
    assert np.isclose(whole, expected) and _close(h_whole, H[:, -1]), (
        f"整段一次算的 L 应是 {expected:.10g}，得到 {whole}；h_T {mismatch(h_whole, H[:, -1])}："
        "L 是 cross_entropy(rnn_forward(params, X, h0) 的 Y_hat, targets)，h_T 是 H[:, -1]"
    )
