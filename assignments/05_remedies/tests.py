"""作业 5 的测试：雅可比矩阵连乘、按范数的梯度裁剪、单单元 RNN 的 BPTT 与悬崖上的梯度下降、截断 BPTT。

带 ``public=True`` 的测试原样放进学生版作为自测，输入由函数内部固定的种子给出；其余只在评分包里，输入取自
``hidden_rng(k)``（每个测试一个 k，具体的数由教师的秘密种子决定，公开仓库里没有），期望值由测试里的参照公式、
``torch.autograd`` 或本书包里的解答算出；先后顺序不影响数字。
"""

import numpy as np
import torch
from wordvec_classroom import Assignment, Question, check, hidden_rng, mismatch
from wordvec_rnn.gradcheck import numerical_gradient, relative_error
from wordvec_rnn.rnn import init_rnn_params, one_hot, rnn_backward, rnn_forward

ASSIGNMENT = Assignment(
    number=5,
    title="梯度裁剪与截断 BPTT",
    chapters=("chapters/03_vanishing_exploding/02_remedies.ipynb",),
    intro=(
        "本作业对应第 03 章第 2 节「缓解梯度消失与梯度爆炸」。梯度从 $L_t$ 传回第 $k$ 步要乘上雅可比矩阵的连乘 "
        "$\\prod_{i=k+1}^{t}\\partial h_i/\\partial h_{i-1}$。你要先把这个乘积沿一条轨迹量出来，再实现对付梯度爆炸的两种办法："
        "**梯度裁剪**（按全部参数的总范数缩短梯度，并在 Pascanu 等人的「悬崖」损失面上用它做梯度下降）和"
        "**截断 BPTT**（每个 $L_t$ 只往回传 $K$ 步）。记号与章节相同：$z_t=Vx_t+Wh_{t-1}+b_h$，$h_t=\\tanh(z_t)$，"
        "$s_t=Uh_t+b_y$，$L=\\sum_t L_t$ 对批量中的序列也求和。"
    ),
    questions=(
        Question("5.1", "沿一条轨迹的雅可比矩阵连乘", ("jacobian_product_norms",),
                 "对 $t=1,\\dots,T$ 依次算 $z_t=Wh_{t-1}+u_t$（$u_t$ 是 `inputs` 的第 $t$ 行）、"
                 "$h_t=(1-\\alpha)h_{t-1}+\\alpha f(z_t)$、$J_t=\\partial h_t/\\partial h_{t-1}=(1-\\alpha)I+\\alpha"
                 "\\operatorname{diag}(f'(z_t))W$，累乘 $P_t=J_tP_{t-1}=\\partial h_t/\\partial h_0$（新的因子乘在**左边**），"
                 "并记下**谱范数** `norms[t-1]` $=\\lVert P_t\\rVert_2$（最大奇异值，`np.linalg.norm(P, 2)`）。"
                 "$f$ 与 $f'$ 是 `activation(act)` 给出的 `f`、`f_prime`，不要写死 $\\tanh$。"),
        Question("5.2", "按范数裁剪梯度", ("clip_by_norm",),
                 "把全部梯度数组看成一个长向量 $g$，$\\lVert g\\rVert_2=\\sqrt{\\sum_i\\lVert g_i\\rVert^2}$（对**全部**数组一起算，"
                 "与 `torch.nn.utils.clip_grad_norm_` 相同），然后 $g\\leftarrow g\\cdot\\min(1,\\gamma/\\lVert g\\rVert)$："
                 "没超过阈值时原样不动，超过时所有数组乘同一个系数，方向不变。你要算出 `total`（裁剪**前**的 "
                 "$\\lVert g\\rVert$，$g=0$ 时系数取 1）和裁剪后的数组列表 `clipped`；不能改动传进来的数组。"),
        Question("5.3", "单单元 RNN 的损失与 BPTT 梯度", ("one_unit_rnn_loss_and_grad",),
                 "$h_t=\\tanh(wh_{t-1}+b)$，$L=(h_T-y)^2$。前向与损失已经写好，你来写反向：$\\partial L/\\partial h_T=2(h_T-y)$，"
                 "$\\delta_t=\\frac{\\partial L}{\\partial h_t}(1-h_t^2)$，$\\frac{\\partial L}{\\partial h_{t-1}}=w\\,\\delta_t$，"
                 "$\\frac{\\partial L}{\\partial w}=\\sum_{t=1}^{T}\\delta_th_{t-1}$，$\\frac{\\partial L}{\\partial b}=\\sum_{t=1}^{T}\\delta_t$。"
                 "`w`、`b` 可以是同形状的数组，全部运算逐元素进行。"),
        Question("5.4", "悬崖上的梯度下降（可选裁剪）", ("gd_trajectory",),
                 "每一步用第 5.3 题的函数求 $g=(\\partial L/\\partial w,\\partial L/\\partial b)$；`max_norm` 不是 None 时用第 5.2 题的 "
                 "`clip_by_norm` 裁剪。`grad_norms[k]` 记**裁剪前**的 $\\lVert g\\rVert$，然后 `path[k+1] = path[k] − lr·g`。"
                 "于是每一步走的长度是 $\\eta\\min(\\lVert g\\rVert,\\gamma)$。（本题用到第 5.2、5.3 题的函数，先把它们做对。）"),
        Question("5.5", "截断 BPTT", ("truncated_bptt_gradients",),
                 "每个 $L_t$ **单独**往回传至多 $K$ 步，只保留 $k=t,t-1,\\dots,\\max(1,t-K+1)$ 这些项：\n\n"
                 "$$\\frac{\\partial L_t}{\\partial W}\\approx\\sum_{k=\\max(1,\\,t-K+1)}^{t}\\frac{\\partial L_t}{\\partial h_t}"
                 "\\Bigl(\\prod_{i=k+1}^{t}\\frac{\\partial h_i}{\\partial h_{i-1}}\\Bigr)\\frac{\\partial^+h_k}{\\partial W}$$\n\n"
                 "对每个 $t$，从 $\\partial L_t/\\partial h_t=$ `dS[:, t-1] @ U` **重新开始**，$\\delta_k=\\partial L_t/\\partial h_k\\odot"
                 "(1-h_k^2)$，累加 $\\delta_kx_k^\\top$、$\\delta_kh_{k-1}^\\top$、$\\delta_k$，再令 $\\partial L_t/\\partial h_{k-1}="
                 "W^\\top\\delta_k$（代码里是 `delta @ W`）。这等价于在 torch 中计算 $L_t$ 时把 $h_{t-K}$ `detach`；"
                 "$K\\ge T$ 时就是完整的 BPTT。输出层 $U$、$b_y$ 的梯度已经算好（不截断）。"),
    ),
)


# ---------------------------------------------------------------- 隐藏测试用的参考计算

def _jacobians(W, inputs, h0, alpha=1.0, act="tanh"):
    """每一步的雅可比矩阵 J_1..J_T（numpy，参考实现）。"""
    f = np.tanh if act == "tanh" else (lambda z: np.maximum(z, 0.0))
    fp = (lambda z: 1 - np.tanh(z) ** 2) if act == "tanh" else (lambda z: (z > 0).astype(float))
    h, Js = h0, []
    for u in inputs:
        z = W @ h + u
        h = (1 - alpha) * h + alpha * f(z)
        Js.append((1 - alpha) * np.eye(len(h)) + alpha * fp(z)[:, None] * W)
    return Js


def _products(Js, reverse=False):
    P, out = np.eye(len(Js[0])), []
    for J in Js:
        P = P @ J if reverse else J @ P
        out.append(P)
    return out


def _torch_jacobian(W, inputs, h0, alpha=1.0, act="tanh"):
    f = torch.tanh if act == "tanh" else torch.relu

    def h_T(h):
        for u in inputs:
            h = (1 - alpha) * h + alpha * f(torch.from_numpy(W) @ h + torch.from_numpy(u))
        return h

    return torch.autograd.functional.jacobian(h_T, torch.from_numpy(h0)).numpy()


def _relu_case(rng):
    """act='relu' 的一条轨迹（取自 ``rng``）：W、inputs、h0。ReLU 的导数可能整步为 0，乘积 ∂h_T/∂h_0 就成了
    零矩阵，全零的答案也能对上；所以重抽到乘积里最大的元素超过 0.05 为止。每次抽中的机会约 70%，
    100 次都抽不中的概率约 0.3¹⁰⁰ < 1e-50。"""
    for _ in range(100):
        W = rng.normal(0, 0.7, size=(4, 4))
        inputs, h0 = rng.normal(0.1, 0.5, size=(6, 4)), np.abs(rng.normal(0, 0.5, size=4))
        if np.abs(_products(_jacobians(W, inputs, h0, act="relu"))[-1]).max() > 0.05:
            return W, inputs, h0
    raise RuntimeError("100 次都没抽到 ∂h_T/∂h_0 不为零的 ReLU 轨迹")


def _one_unit_h_T(w, b, T, h0=0.5):
    h = h0
    for _ in range(T):
        h = np.tanh(w * h + b)
    return h


def _one_unit_case(rng, T):
    """单单元 RNN 的 (w, b, target)，取自 ``rng``：w ∈ [0.5, 1.5]，b ∈ [-0.5, 0.5]；target 与 h_T 相差 0.2 到 0.6，
    所以 ∂L/∂h_T = 2(h_T − target) 离 0 远，梯度不会小到分不出符号（w > 0 时各步的 δ_t 同号，∂L/∂b ≠ 0）。"""
    w, b = 0.5 + rng.random(), rng.uniform(-0.5, 0.5)
    h_T, shift = _one_unit_h_T(w, b, T), rng.uniform(0.2, 0.6)
    target = h_T + shift if h_T + shift <= 0.95 else h_T - shift
    return float(w), float(b), float(target)


def _one_unit_torch(w, b, T, target, h0=0.5):
    w = torch.tensor(float(w), dtype=torch.float64, requires_grad=True)
    b = torch.tensor(float(b), dtype=torch.float64, requires_grad=True)
    h = torch.tensor(h0, dtype=torch.float64)
    for _ in range(T):
        h = torch.tanh(w * h + b)
    loss = (h - target) ** 2
    loss.backward()
    return loss.item(), w.grad.item(), b.grad.item()


def _rnn_case(rng, n=4, m=3, q=4, B=2, T=6):
    """截断 BPTT 的小问题，取自 ``rng``（隐藏测试传入 hidden_rng(k)）。"""
    params = init_rnn_params(n, m, q, rng)
    params["W"] = params["W"] * 3.0                   # 让远处的项不可忽略，截断与否差别明显
    X = one_hot(rng.integers(0, n, size=(B, T)), n)
    targets = rng.integers(0, q, size=(B, T))
    return params, X, targets


def _tbptt_variant(params, X, targets, steps, *, reset=True, segments=False):
    """截断 BPTT 的各种写法（numpy）：每个 L_t 往回传 ``steps`` 项；``reset=False`` 时 dh 带着上一个 L_t 剩下的梯度；
    ``segments=True`` 时按长度 ``steps`` 分段、只传回本段开头。只返回 V、W、b_h 的梯度。"""
    H, Y_hat = rnn_forward(params, X)
    W, U = params["W"], params["U"]
    T, q = X.shape[1], U.shape[0]
    dS = Y_hat - one_hot(targets, q)
    grads = {name: np.zeros_like(params[name]) for name in ("V", "W", "b_h")}
    dh = np.zeros_like(H[:, 0])
    for t in range(1, T + 1):
        dh = dS[:, t - 1] @ U + (0.0 if reset else dh)
        last = ((t - 1) // steps) * steps + 1 if segments else max(1, t - steps + 1)
        for k in range(t, last - 1, -1):
            delta = dh * (1.0 - H[:, k] ** 2)
            grads["V"] += delta.T @ X[:, k - 1]
            grads["W"] += delta.T @ H[:, k - 1]
            grads["b_h"] += delta.sum(axis=0)
            dh = delta @ W
    return grads


def _close(grads, reference):
    return all(np.shape(grads[name]) == np.shape(reference[name])
               and np.allclose(grads[name], reference[name], rtol=1e-8, atol=1e-10) for name in reference)


def _same(a, b):
    return np.shape(a) == np.shape(b) and np.allclose(a, b)


def _gd_case(rng):
    """悬崖边上的起点 (w, b)（在 (1.6, −0.5) 附近）、学习率与阈值 γ，取自 ``rng``。γ 要小于这条路径上某一步
    裁剪前的 ‖g‖（否则裁剪从未发生，记录裁剪前还是裁剪后的范数就分不出来）：用本书的解答走一遍，不满足就重抽
    （起点离悬崖这么近，15 步之内总会撞上悬崖：抽 400 次，最大的 ‖g‖ 最小也有 3.3 > 2γ）。"""
    from wordvec_rnn.remedies import gd_trajectory as reference

    for _ in range(100):
        start = (1.55 + 0.1 * rng.random(), -0.55 + 0.1 * rng.random())
        lr, max_norm = 0.25 + 0.1 * rng.random(), 0.3 + 0.3 * rng.random()
        if reference(start, lr, 15, T=50, target=-0.4, max_norm=max_norm)[2].max() > 2 * max_norm:
            return start, lr, max_norm
    raise RuntimeError("100 次都没抽到会撞上悬崖的起点")


# ---------------------------------------------------------------- 5.1 雅可比矩阵连乘

@check("5.1", 2, public=True)
def test_jacobian_matches_autograd(jacobian_product_norms):
    rng = np.random.default_rng(0)
    W = rng.normal(0, 0.8, size=(4, 4))
    inputs = rng.normal(0, 0.5, size=(6, 4))
    h0 = rng.normal(0, 0.5, size=4)
    H, norms, P = jacobian_product_norms(W, inputs, h0)
    assert np.shape(H) == (7, 4) and np.shape(norms) == (6,) and np.shape(P) == (4, 4), (
        f"H、norms、P 的形状应是 (7, 4)、(6,)、(4, 4)，得到 {np.shape(H)}、{np.shape(norms)}、{np.shape(P)}"
    )
    assert np.allclose(H[-1], np.tanh(W @ H[-2] + inputs[-1])), "H[t] 应是 tanh(W h_{t-1} + u_t)（α = 1 时）"

    def h_T(h):
        for u in inputs:
            h = torch.tanh(torch.from_numpy(W) @ h + torch.from_numpy(u))
        return h

    J_torch = torch.autograd.functional.jacobian(h_T, torch.from_numpy(h0)).numpy()
    assert np.abs(P - J_torch).max() < 1e-10, (
        "P 与 torch.autograd 求出的 ∂h_T/∂h_0 不同：每步 J_t = diag(f'(z_t)) W，累乘 P ← J_t P（新的因子在左边）"
    )
    assert np.isclose(norms[-1], 3.8785734061, atol=1e-9), f"norms[-1] = ‖∂h_6/∂h_0‖₂ 应是 3.8785734061，得到 {norms[-1]}"


@check("5.1", 1)
def test_jacobian_product_order(jacobian_product_norms):
    rng = hidden_rng(11)
    W = rng.normal(0, 1.0, size=(4, 4))
    inputs, h0 = rng.normal(0, 0.3, size=(5, 4)), rng.normal(0, 0.3, size=4)
    _, _, P = jacobian_product_norms(W, inputs, h0)
    Js = _jacobians(W, inputs, h0)
    assert not np.allclose(P, _products(Js, reverse=True)[-1]), (
        "乘的顺序反了：你算的是 J_1 J_2 … J_T。链式法则给出 ∂h_T/∂h_0 = J_T … J_2 J_1，每步应是 P = J_t @ P，不是 P @ J_t"
    )
    expected = _products(Js)[-1]
    assert _same(P, expected), f"P 应是 ∂h_T/∂h_0 = J_T … J_1，J_t = diag(f'(z_t)) W；P {mismatch(P, expected)}"


@check("5.1", 1)
def test_jacobian_spectral_norms(jacobian_product_norms):
    rng = hidden_rng(12)
    W = rng.normal(0, 0.9, size=(5, 5))
    inputs, h0 = rng.normal(0, 0.5, size=(7, 5)), rng.normal(0, 0.5, size=5)
    _, norms, _ = jacobian_product_norms(W, inputs, h0)
    products = _products(_jacobians(W, inputs, h0))
    spectral = np.array([np.linalg.norm(P, 2) for P in products])
    frobenius = np.array([np.linalg.norm(P) for P in products])
    assert not _same(norms, frobenius), (
        "norms 用的是 Frobenius 范数（np.linalg.norm(P)）：要的是谱范数即最大奇异值，np.linalg.norm(P, 2)"
    )
    assert not _same(norms[1:], spectral[:-1]), "norms 错了一位：norms[t-1] 是乘上 J_t 以后的 ‖P_t‖₂，不是乘之前的"
    assert _same(norms, spectral), (
        f"norms[t-1] 应是 ‖∂h_t/∂h_0‖₂（谱范数），对每个 t = 1..T 都要记下；norms {mismatch(norms, spectral)}"
    )


@check("5.1", 1)
def test_jacobian_leaky(jacobian_product_norms):
    rng = hidden_rng(13)
    W = rng.normal(0, 0.8, size=(4, 4))
    inputs, h0 = rng.normal(0, 0.5, size=(6, 4)), rng.normal(0, 0.5, size=4)
    H, _, P = jacobian_product_norms(W, inputs, h0, alpha=0.3)
    expected_H = [h0]
    for u in inputs:
        expected_H.append(0.7 * expected_H[-1] + 0.3 * np.tanh(W @ expected_H[-1] + u))
    assert _same(H, expected_H), (
        f"α = 0.3 时隐状态应是 h_t = (1-α) h_{{t-1}} + α tanh(z_t)；H {mismatch(H, expected_H)}"
    )
    expected = _torch_jacobian(W, inputs, h0, alpha=0.3)
    assert np.shape(P) == expected.shape and np.abs(P - expected).max() < 1e-10, (
        "α < 1 时 P 与 torch.autograd 不同：J_t = (1-α) I + α diag(f'(z_t)) W，别漏了 (1-α) I 这一项，"
        f"f' 要在 z_t 处求值；P {mismatch(P, expected)}"
    )


@check("5.1", 1)
def test_jacobian_relu(jacobian_product_norms):
    W, inputs, h0 = _relu_case(hidden_rng(14))
    _, _, P = jacobian_product_norms(W, inputs, h0, act="relu")
    expected = _torch_jacobian(W, inputs, h0, act="relu")
    assert np.shape(P) == expected.shape and np.abs(P - expected).max() < 1e-10, (
        "act='relu' 时 P 不对：导数要用 activation(act) 给出的 f_prime(z_t)（ReLU 是 1[z_t > 0]），"
        f"不要写死 tanh 的导数 1 − h_t²；P {mismatch(P, expected)}"
    )


# ---------------------------------------------------------------- 5.2 按范数裁剪

@check("5.2", 2, public=True)
def test_clip_matches_torch(clip_by_norm):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 2)), rng.normal(size=(4,)), rng.normal(size=(2, 2))]
    for max_norm in (0.5, 100.0):
        clipped, total = clip_by_norm(grads, max_norm)
        assert np.isclose(total, 3.3778436446, atol=1e-8), f"裁剪前的 ‖g‖ 应是 3.3778436446，得到 {total}"
        tensors = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
        for p, g in zip(tensors, grads):
            p.grad = torch.from_numpy(g.copy())
        torch.nn.utils.clip_grad_norm_(tensors, max_norm)
        for p, c in zip(tensors, clipped):
            assert np.abs(p.grad.numpy() - c).max() < 1e-6, (
                f"max_norm = {max_norm} 时与 torch.nn.utils.clip_grad_norm_ 不同：g ← g · min(1, γ/‖g‖)"
            )


@check("5.2", 1)
def test_clip_global_norm(clip_by_norm):
    rng = hidden_rng(21)
    signs = rng.choice([-1.0, 1.0], size=4)
    grads = [signs[:3] * rng.uniform(0.5, 2.5, size=3), signs[3:] * rng.uniform(3.0, 5.0, size=1)]
    norms = [float(np.linalg.norm(g)) for g in grads]
    max_norm = min(norms) * (0.5 + 0.4 * rng.random())          # 比两个数组各自的范数都小：两种裁剪都会动手
    expected_total = float(np.sqrt(sum(n ** 2 for n in norms)))
    scale = max_norm / expected_total
    per_array = [g * max_norm / n for g, n in zip(grads, norms)]
    expected = [g * scale for g in grads]                         # 先算好：原地修改的实现会改掉 grads
    clipped, total = clip_by_norm(grads, max_norm)
    assert np.isclose(total, expected_total), (
        f"两个数组合起来的 ‖g‖ 应是 {expected_total:.6f}（不是各自的 {norms[0]:.6f} 与 {norms[1]:.6f}），"
        f"得到 {total}"
    )
    assert not (len(clipped) == 2 and all(_same(c, p) for c, p in zip(clipped, per_array))), (
        "每个数组分别裁剪了（各用自己的范数）：范数要对全部数组一起算，‖g‖ = sqrt(Σ_i ‖g_i‖²)，所有数组乘同一个系数"
    )
    assert len(clipped) == 2 and all(_same(c, e) for c, e in zip(clipped, expected)), (
        f"‖g‖ = {expected_total:.6f}、γ = {max_norm:.6f} 时两个数组都应乘同一个系数 γ/‖g‖ = {scale:.6f}，"
        f"得到 {expected}；你的结果是 {clipped}"
    )


@check("5.2", 1)
def test_clip_below_threshold(clip_by_norm):
    rng = hidden_rng(22)
    g = rng.normal(size=(2, 2))
    expected_total = float(np.linalg.norm(g))
    max_norm = expected_total * (1.5 + 3.0 * rng.random())      # 阈值比 ‖g‖ 大不少：不该裁剪
    clipped, total = clip_by_norm(g, max_norm)
    assert np.isclose(total, expected_total), f"‖g‖ 应是 {expected_total:.6f}，得到 {total}"
    assert _same(clipped, g), (
        f"‖g‖ = {expected_total:.6f} 没超过阈值 γ = {max_norm:.6f}，梯度却被改了（{mismatch(clipped, g)}）："
        "系数是 min(1, γ/‖g‖)，只在 ‖g‖ > γ 时缩短，不要总是缩放到长度 γ"
    )


@check("5.2", 1)
def test_clip_direction(clip_by_norm):
    rng = hidden_rng(23)
    # 一个大分量（超过 γ）、两个不为 0 的小分量（小于 γ）：逐元素截断只动大分量，长度与方向都不对
    g = rng.permutation(rng.choice([-1.0, 1.0], size=3) * np.array([2.0 + 2.0 * rng.random(), *rng.uniform(0.05, 0.3, 2)]))
    max_norm = 0.5 + rng.random()
    clipped, _ = clip_by_norm(g, max_norm)
    assert np.shape(clipped) == g.shape and np.isclose(np.linalg.norm(clipped), max_norm), (
        f"‖g‖ > γ 时裁剪后的长度应恰好是 γ = {max_norm:.6f}，得到 {np.linalg.norm(clipped):.6f}"
        + ("：这是逐元素截断 np.clip(g, -γ, γ)，要按范数裁剪：整个 g 乘同一个系数 γ/‖g‖"
           if _same(clipped, np.clip(g, -max_norm, max_norm)) else "")
    )
    cosine = clipped @ g / (np.linalg.norm(clipped) * np.linalg.norm(g))
    assert np.isclose(cosine, 1.0), "裁剪改变了梯度的方向：按范数裁剪只缩短长度，g 乘一个正数，不是 np.clip 逐元素截断"


@check("5.2", 1)
def test_clip_keeps_input(clip_by_norm):
    rng = hidden_rng(24)
    grads = {"W": 3.0 * rng.normal(size=(1, 2)), "b": 10.0 * rng.normal(size=1)}
    before = {name: g.copy() for name, g in grads.items()}
    expected_total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads.values())))
    max_norm = expected_total * (0.05 + 0.4 * rng.random())       # 要裁剪：原地修改会改掉输入
    clipped, total = clip_by_norm(grads, max_norm)
    assert all(np.array_equal(grads[name], before[name]) for name in grads), (
        "clip_by_norm 改动了输入的数组（g *= scale 是原地修改）：要返回新的数组，如 g * scale"
    )
    assert np.isclose(total, expected_total), f"返回的应是裁剪前的 ‖g‖ = {expected_total:.6f}，得到 {total}"
    expected = {name: g * (max_norm / expected_total) for name, g in before.items()}
    assert isinstance(clipped, dict) and set(clipped) == set(expected) and all(
        _same(clipped[name], expected[name]) for name in expected
    ), f"裁剪结果不对：应是 {expected}，得到 {clipped}"
    size, max_norm = int(rng.integers(2, 6)), 0.5 + rng.random()
    zero, total = clip_by_norm(np.zeros(size), max_norm)
    assert total == 0 and np.shape(zero) == (size,) and np.all(np.isfinite(zero)) and np.all(zero == 0), (
        f"g = 0 时不能除以 0：系数取 1，原样返回；应得到 ‖g‖ = 0 与 {np.zeros(size)}，得到 {total} 与 {zero}"
    )


# ---------------------------------------------------------------- 5.3 单单元 RNN

@check("5.3", 2, public=True)
def test_one_unit_gradcheck(one_unit_rnn_loss_and_grad):
    wb = np.array([1.7, -0.6])
    _, dw, db = one_unit_rnn_loss_and_grad(wb[0], wb[1], 20, -0.4)
    numeric = numerical_gradient(lambda: float(one_unit_rnn_loss_and_grad(wb[0], wb[1], 20, -0.4)[0]), wb)
    error = relative_error([float(dw), float(db)], numeric)
    assert error < 1e-6, f"(∂L/∂w, ∂L/∂b) 与有限差分不符（相对误差 {error:.2g}）"
    assert np.isclose(dw, 0.0516418892, atol=1e-9), f"∂L/∂w 应是 0.0516418892，得到 {float(dw)}"


@check("5.3", 1)
def test_one_unit_sign(one_unit_rnn_loss_and_grad):
    rng = hidden_rng(31)
    T = int(rng.integers(3, 9))
    w, b, target = _one_unit_case(rng, T)
    _, dw, db = one_unit_rnn_loss_and_grad(w, b, T, target)
    _, tw, tb = _one_unit_torch(w, b, T, target)
    assert not np.allclose([dw, db], [-tw, -tb]), "梯度的符号反了：∂L/∂h_T = 2(h_T − target)，不是 2(target − h_T)"
    assert np.allclose([dw, db], [tw, tb]), f"(∂L/∂w, ∂L/∂b) 应是 ({tw:.6f}, {tb:.6f})，得到 ({float(dw):.6f}, {float(db):.6f})"


@check("5.3", 1)
def test_one_unit_sums_over_time(one_unit_rnn_loss_and_grad):
    rng = hidden_rng(32)
    w1, b1, target1 = _one_unit_case(rng, 1)
    _, dw1, db1 = one_unit_rnn_loss_and_grad(w1, b1, 1, target1)
    _, tw1, tb1 = _one_unit_torch(w1, b1, 1, target1)
    assert np.allclose([dw1, db1], [tw1, tb1]), (
        "T = 1 时梯度就不对：δ_1 = 2(h_1 − target)(1 − h_1²)，∂L/∂w = δ_1 h_0，∂L/∂b = δ_1；"
        f"(∂L/∂w, ∂L/∂b) 应是 ({tw1:.6f}, {tb1:.6f})，得到 ({float(dw1):.6f}, {float(db1):.6f})"
    )
    w = rng.choice([-1.0, 1.0], size=(2, 2)) * rng.uniform(0.5, 2.5, size=(2, 2))
    b, T, target = rng.uniform(-1.0, 1.0, size=(2, 2)), int(rng.integers(4, 9)), float(rng.uniform(-0.6, 0.6))
    _, dw, db = one_unit_rnn_loss_and_grad(w, b, T, target)
    expected = np.array([[_one_unit_torch(w[i, j], b[i, j], T, target)[1:] for j in range(2)] for i in range(2)])
    assert np.shape(dw) == (2, 2) and np.shape(db) == (2, 2), (
        f"w、b 是 (2, 2) 数组时梯度也应是 (2, 2)，得到 {np.shape(dw)} 与 {np.shape(db)}"
    )
    assert np.allclose(dw, expected[..., 0]) and np.allclose(db, expected[..., 1]), (
        f"T = 1 时对、T = {T} 时不对（∂L/∂w {mismatch(dw, expected[..., 0])}；∂L/∂b {mismatch(db, expected[..., 1])}）："
        "∂L/∂w = Σ_t δ_t h_{t-1} 要对 t = 1..T 累加（+=），并且每步用 ∂L/∂h_{t-1} = w δ_t 往回传"
    )


# ---------------------------------------------------------------- 5.4 梯度下降

@check("5.4", 1, public=True)
def test_gd_clipped_steps(gd_trajectory):
    path, losses, grad_norms = gd_trajectory((1.6, -0.5), 0.3, 20, T=50, target=-0.4, max_norm=1.0)
    assert np.shape(path) == (21, 2) and np.shape(losses) == (21,) and np.shape(grad_norms) == (20,), (
        f"形状应是 (21, 2)、(21,)、(20,)，得到 {np.shape(path)}、{np.shape(losses)}、{np.shape(grad_norms)}"
    )
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    assert steps.max() <= 0.3 * 1.0 + 1e-12, f"裁剪后每一步的长度应 ≤ lr·γ = 0.3，最长的一步是 {steps.max():.4f}"
    assert np.isclose(grad_norms.max(), 7.4763671713, rtol=1e-8), (
        f"裁剪前最大的 ‖g‖ 应是 7.4763671713（撞上悬崖的那一步），得到 {grad_norms.max()}"
    )
    assert np.isclose(losses[-1], 0.0050403228, atol=1e-9), f"20 步后的损失应是 0.0050403228，得到 {losses[-1]}"


@check("5.4", 1)
def test_gd_records_norm_before_clipping(gd_trajectory):
    start, lr, max_norm = _gd_case(hidden_rng(41))
    path, _, grad_norms = gd_trajectory(start, lr, 15, T=50, target=-0.4, max_norm=max_norm)
    assert np.shape(path) == (16, 2) and np.shape(grad_norms) == (15,), (
        f"path、grad_norms 的形状应是 (16, 2)、(15,)，得到 {np.shape(path)}、{np.shape(grad_norms)}"
    )
    assert np.allclose(path[0], start), f"path[0] 应是起点 {start}，得到 {path[0]}"
    # 悬崖附近梯度对 (w, b) 极敏感，所以不与一条参照路径逐点比，而是在你自己的 path[k] 处求梯度，逐步核对
    g = np.array([_one_unit_torch(w, b, 50, -0.4)[1:] for w, b in path[:-1]])
    true_norms = np.linalg.norm(g, axis=1)
    assert not (np.all(grad_norms <= max_norm + 1e-12) and true_norms.max() > max_norm), (
        "grad_norms 记的是裁剪后的范数（都不超过 γ）：要记裁剪前的 ‖g‖，即 clip_by_norm 返回的第二个值"
    )
    assert np.allclose(grad_norms, true_norms, rtol=1e-8), (
        f"grad_norms[k] 应是在 path[k] 处裁剪前的 ‖(∂L/∂w, ∂L/∂b)‖：grad_norms {mismatch(grad_norms, true_norms)}"
    )
    steps = -lr * g * np.minimum(1.0, max_norm / true_norms)[:, None]
    assert np.allclose(np.diff(path, axis=0), steps, rtol=1e-8, atol=1e-12), (
        f"每一步应是 path[k+1] − path[k] = −lr · g · min(1, γ/‖g‖)：{mismatch(np.diff(path, axis=0), steps)}"
    )


@check("5.4", 1)
def test_gd_descends(gd_trajectory):
    rng = hidden_rng(42)
    start = (0.3 + 0.4 * rng.random(), 0.1 + 0.2 * rng.random())   # 离悬崖远、损失面平缓的一处
    target = float(rng.uniform(-0.1, 0.1))
    path, losses, _ = gd_trajectory(start, 0.1, 5, T=10, target=target)
    _, gw, gb = _one_unit_torch(*start, 10, target)
    assert np.shape(path) == (6, 2) and np.allclose(path[0], start), (
        f"path 的形状应是 (6, 2)、path[0] 应是起点 {start}，得到形状 {np.shape(path)}"
    )
    assert not np.allclose(path[1], path[0] + 0.1 * np.array([gw, gb])), (
        "沿着梯度的方向走了（梯度上升，损失变大）：应是 path[k+1] = path[k] − lr·g"
    )
    expected = np.asarray(start) - 0.1 * np.array([gw, gb])
    assert np.allclose(path[1], expected), f"不裁剪时第一步应是 path[1] = path[0] − lr·g = {expected}，得到 {path[1]}"
    assert np.all(np.diff(losses) < 0), f"这么小的学习率、不裁剪，损失应每步都下降，得到 {losses}"


# ---------------------------------------------------------------- 5.5 截断 BPTT

@check("5.5", 1, public=True)
def test_tbptt_full_when_K_at_least_T(truncated_bptt_gradients):
    rng = np.random.default_rng(0)
    params = init_rnn_params(4, 3, 4, rng)
    X, targets = one_hot(rng.integers(0, 4, size=(2, 5)), 4), rng.integers(0, 4, size=(2, 5))
    H, Y_hat = rnn_forward(params, X)
    full, _ = rnn_backward(params, X, H, Y_hat, targets)
    for K in (5, 8):
        grads = truncated_bptt_gradients(params, X, targets, K)
        for name in ("V", "W", "b_h"):
            assert relative_error(grads[name], full[name]) < 1e-10, (
                f"K = {K} ≥ T = 5 时 ∂L/∂{name} 应等于完整 BPTT（rnn_backward）的结果，相对误差 "
                f"{relative_error(grads[name], full[name]):.2g}"
            )


@check("5.5", 2, public=True)
def test_tbptt_matches_detached_torch(truncated_bptt_gradients):
    rng = np.random.default_rng(1)
    params = init_rnn_params(4, 3, 4, rng)
    params["W"] = params["W"] * 3.0
    T, K = 6, 2
    X, targets = one_hot(rng.integers(0, 4, size=(2, T)), 4), rng.integers(0, 4, size=(2, T))
    H, _ = rnn_forward(params, X)
    P = {name: torch.tensor(value, requires_grad=True) for name, value in params.items()}
    Xt, H_const = torch.from_numpy(X), torch.from_numpy(H)
    for t in range(1, T + 1):
        h = H_const[:, max(0, t - K)]                  # 从 detach 过的 h_{t-K} 开始（常数：梯度到此为止）
        for k in range(max(0, t - K) + 1, t + 1):
            h = torch.tanh(Xt[:, k - 1] @ P["V"].T + h @ P["W"].T + P["b_h"])
        scores = h @ P["U"].T + P["b_y"]
        torch.nn.functional.cross_entropy(scores, torch.from_numpy(targets[:, t - 1]), reduction="sum").backward()
    grads = truncated_bptt_gradients(params, X, targets, K)
    for name in ("V", "W", "b_h"):
        error = relative_error(grads[name], P[name].grad.numpy())
        assert error < 1e-10, (
            f"K = {K} 时 ∂L/∂{name} 与 torch（计算 L_t 时 detach h_(t-K)）不同，相对误差 {error:.2g}："
            "每个 L_t 从 ∂L_t/∂h_t 重新开始，往回传 k = t, …, max(1, t−K+1)"
        )
    assert np.isclose(grads["W"][0, 0], 0.9718010643, atol=1e-9), f"∂L/∂W[0, 0] 应是 0.9718010643，得到 {grads['W'][0, 0]}"


@check("5.5", 1)
def test_tbptt_one_step(truncated_bptt_gradients):
    params, X, targets = _rnn_case(hidden_rng(51))
    grads = truncated_bptt_gradients(params, X, targets, 1)
    assert np.abs(grads["b_h"]).max() > 0, (
        "K = 1 时 V、W、b_h 的梯度全是 0：少传了一步，每个 L_t 至少要有 k = t 这一项"
    )
    expected = _tbptt_variant(params, X, targets, 1)
    assert _close(grads, expected), (
        "K = 1 时每个 L_t 只保留 k = t 这一项：δ_t = (U^T(ŷ_t − y_t)) ⊙ (1 − h_t²)，不经过任何 W 往回传；"
        + "；".join(f"∂L/∂{name} {mismatch(grads[name], expected[name])}" for name in expected)
    )


@check("5.5", 1)
def test_tbptt_number_of_steps(truncated_bptt_gradients):
    params, X, targets = _rnn_case(hidden_rng(52))
    grads = truncated_bptt_gradients(params, X, targets, 2)
    assert not _close(grads, _tbptt_variant(params, X, targets, 3)), (
        "多传了一步：K = 2 时你的结果等于往回传 3 项。k 只取 t, t−1, …, max(1, t−K+1)，一共至多 K 项（range 的终点差一？）"
    )
    assert not _close(grads, _tbptt_variant(params, X, targets, 1)), (
        "少传了一步：K = 2 时你的结果等于只传 1 项。k 要取到 max(1, t−K+1)（含），一共至多 K 项（range 的终点差一？）"
    )
    expected = _tbptt_variant(params, X, targets, 2)
    assert _close(grads, expected), (
        "K = 2 时的梯度不对：对照题目里的公式检查每个 L_t 保留的项；"
        + "；".join(f"∂L/∂{name} {mismatch(grads[name], expected[name])}" for name in expected)
    )


@check("5.5", 1)
def test_tbptt_each_loss_restarts(truncated_bptt_gradients):
    params, X, targets = _rnn_case(hidden_rng(53), T=7)
    grads = truncated_bptt_gradients(params, X, targets, 3)
    assert not _close(grads, _tbptt_variant(params, X, targets, 3, reset=False)), (
        "每个 L_t 开始往回传时没有重新设置 dh：它带着上一个 L_t 传到截断处剩下的梯度。"
        "应是 dh = dS[:, t-1] @ U（= ∂L_t/∂h_t），不是 dh += …"
    )
    assert not _close(grads, _tbptt_variant(params, X, targets, 3, segments=True)), (
        "你实现的是分段截断（每段长 K，只传回本段开头）：本题要求每个 L_t 各自往回传 K 步，k = t, …, max(1, t−K+1)"
    )
    expected = _tbptt_variant(params, X, targets, 3)
    assert _close(grads, expected), (
        "K = 3 时的梯度不对：每个 L_t 单独往回传至多 K 步；"
        + "；".join(f"∂L/∂{name} {mismatch(grads[name], expected[name])}" for name in expected)
    )
