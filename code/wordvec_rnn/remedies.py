# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save remedies` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/03_vanishing_exploding/02_remedies.ipynb

"""第 03 章「缓解梯度消失与梯度爆炸」（chapters/03_vanishing_exploding/02_remedies.ipynb）中推导并实现的代码：量什么、
梯度裁剪、截断 BPTT。
"""

import numpy as np

from wordvec_rnn.inputs import (
    Choice,
    Elementwise,
    Int,
    NDArray,
    Optional,
    Params,
    Real,
    Satisfies,
    TupleOf,
    accepts,
    returns,
)
from wordvec_rnn.jacobian import ACTIVATIONS, activation
from wordvec_rnn.rnn import output_layer_gradients, rnn_forward


# 定义于 chapters/03_vanishing_exploding/02_remedies.ipynb 「缓解梯度消失与梯度爆炸」§「量什么：沿一条轨迹的雅可比矩阵连乘」
@accepts(W=NDArray("m", "m"), inputs=NDArray("T", "m"), h0=Optional(NDArray("m")), alpha=Real(1e-6, 1.0),
         act=Choice(*ACTIVATIONS))
@returns(NDArray(None, "m"), NDArray("T"), NDArray("m", "m"))
def jacobian_product_norms(W, inputs, h0=None, *, alpha=1.0, act="tanh"):
    """沿一条轨迹逐步乘雅可比矩阵，返回 (H, norms, P)；实现式 (eq-remedy-leaky)。

    隐状态 h_t = (1-α) h_{t-1} + α f(z_t)，z_t = W h_{t-1} + u_t（u_t = V x_t + b_h 是 ``inputs`` 的第 t 行，
    形状 (T, m)）；α = 1 就是普通 RNN。每步的雅可比矩阵 ∂h_t/∂h_{t-1} = (1-α) I + α diag(f'(z_t)) W。
    ``H`` 形状 (T+1, m)；``norms[t-1]`` = ‖∂h_t/∂h_0‖₂ = ‖∏_{i=1}^{t} ∂h_i/∂h_{i-1}‖₂；``P`` 是 t = T 的乘积。
    """
    f, f_prime = activation(act)
    T, m = inputs.shape
    H = np.zeros((T + 1, m))
    H[0] = 0.0 if h0 is None else h0
    P = np.eye(m)
    norms = np.zeros(T)
    for t in range(1, T + 1):
        z = W @ H[t - 1] + inputs[t - 1]                                  # z_t = W h_{t-1} + V x_t + b_h
        H[t] = (1 - alpha) * H[t - 1] + alpha * f(z)
        J = (1 - alpha) * np.eye(m) + alpha * f_prime(z)[:, None] * W     # (1-α) I + α diag(f'(z_t)) W
        P = J @ P                                                          # ∂h_t/∂h_0 = J_t ∂h_{t-1}/∂h_0
        norms[t - 1] = np.linalg.norm(P, 2)
    return H, norms, P


# 定义于 chapters/03_vanishing_exploding/02_remedies.ipynb 「缓解梯度消失与梯度爆炸」§「梯度裁剪：悬崖上的一步」
def _finite_float_arrays(grads) -> bool:
    arrays = list(grads.values()) if isinstance(grads, dict) else list(grads) if isinstance(grads, (list, tuple)) \
        else [grads]
    return bool(arrays) and all(isinstance(g, np.ndarray) and g.dtype.kind == "f" and np.isfinite(g).all() for g in arrays)


@accepts(grads=Satisfies(_finite_float_arrays, "不含 NaN 与 ±inf 的浮点 numpy 数组，或这样的数组的非空列表 / 字典"),
         max_norm=Real(positive=True))
def clip_by_norm(grads, max_norm):
    """梯度裁剪：把全部梯度看成一个长向量 g，g ← g · min(1, γ/‖g‖)，γ = ``max_norm``；实现式 (eq-remedy-clip)。

    ``grads`` 是一个数组，或数组的列表 / 字典（与 ``torch.nn.utils.clip_grad_norm_`` 一样，范数对全部参数一起算）。
    返回 ``(裁剪后的梯度, 裁剪前的 ‖g‖)``，结构与输入相同，不改动输入。
    """
    if isinstance(grads, dict):
        keys, arrays = list(grads), list(grads.values())
    else:
        keys, arrays = None, list(grads) if isinstance(grads, (list, tuple)) else [grads]
    total = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in arrays)))
    scale = min(1.0, max_norm / total) if total > 0 else 1.0             # min(1, γ/‖g‖)
    clipped = [g * scale for g in arrays]
    if keys is not None:
        return dict(zip(keys, clipped)), total
    if isinstance(grads, (list, tuple)):
        return type(grads)(clipped), total
    return clipped[0], total


@accepts(w=Elementwise(same_shape="S"), b=Elementwise(same_shape="S"), T=Int(1), target=Real(-1.0, 1.0), h0=Real(-1.0, 1.0))
@returns(Elementwise(), Elementwise(), Elementwise())
def one_unit_rnn_loss_and_grad(w, b, T, target, h0=0.5):
    """单个隐单元的 RNN h_t = tanh(w h_{t-1} + b)，t = 1..T，损失 L = (h_T − target)²；实现式 (eq-remedy-one-unit)
    与 (eq-remedy-one-unit-grad)。

    ``w``、``b`` 是同形状的数组（或标量），逐元素计算，可以一次算出整张 (w, b) 网格上的损失面。
    返回 ``(L, ∂L/∂w, ∂L/∂b)``，形状都与 ``w`` 相同；梯度用 BPTT 从 t = T 倒推回 t = 1。
    """
    w, b = np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)
    H = np.empty((T + 1,) + w.shape)
    H[0] = h0
    for t in range(1, T + 1):
        H[t] = np.tanh(w * H[t - 1] + b)                      # h_t = tanh(w h_{t-1} + b)
    loss = (H[T] - target) ** 2
    dh = 2 * (H[T] - target)                                  # ∂L/∂h_T
    dw, db = np.zeros_like(w), np.zeros_like(b)
    for t in range(T, 0, -1):
        delta = dh * (1 - H[t] ** 2)                          # δ_t = ∂L/∂z_t
        dw += delta * H[t - 1]
        db += delta
        dh = delta * w                                        # ∂L/∂h_{t-1} = w δ_t
    return loss, dw, db


@accepts(start=TupleOf(Real(), Real()), lr=Real(positive=True), steps=Int(1), T=Int(1), target=Real(-1.0, 1.0),
         h0=Real(-1.0, 1.0), max_norm=Optional(Real(positive=True)))
@returns(NDArray(None, 2), NDArray(None), NDArray(None))
def gd_trajectory(start, lr, steps, *, T=50, target=0.0, h0=0.5, max_norm=None):
    """在单单元 RNN 的损失面上做梯度下降，可选梯度裁剪（``max_norm`` = γ，None 表示不裁剪）；实现式 (eq-remedy-clip)。

    返回 ``(path, losses, grad_norms)``：``path`` 形状 (steps+1, 2)，每行是 (w, b)；``losses`` 形状 (steps+1,)；
    ``grad_norms`` 形状 (steps,)，是裁剪前的 ‖g‖。第 k 步走的长度是 ‖path[k+1] − path[k]‖ = lr·min(‖g‖, γ)。
    """
    path = np.zeros((steps + 1, 2))
    losses = np.zeros(steps + 1)
    grad_norms = np.zeros(steps)
    path[0] = start
    for k in range(steps + 1):
        loss, dw, db = one_unit_rnn_loss_and_grad(path[k, 0], path[k, 1], T, target, h0)
        losses[k] = loss
        if k == steps:
            break
        g = np.array([dw, db])
        if max_norm is not None:
            g, grad_norms[k] = clip_by_norm(g, max_norm)
        else:
            grad_norms[k] = np.linalg.norm(g)
        path[k + 1] = path[k] - lr * g
    return path, losses, grad_norms


# 定义于 chapters/03_vanishing_exploding/02_remedies.ipynb 「缓解梯度消失与梯度爆炸」§「截断 BPTT：只往回传 $K$ 步」
@accepts(params=Params({"V": NDArray("m", "n"), "W": NDArray("m", "m"), "b_h": NDArray("m"), "U": NDArray("q", "m"),
                        "b_y": NDArray("q")}),
         X=NDArray("B", "T", "n"), targets=NDArray("B", "T", dtype="int", below="q"), K=Int(1))
@returns(Params({"V": NDArray("m", "n"), "W": NDArray("m", "m"), "b_h": NDArray("m"), "U": NDArray("q", "m"),
                 "b_y": NDArray("q")}))
def truncated_bptt_gradients(params, X, targets, K):
    """截断 BPTT（每个 L_t 只往回传 K 步），实现式 (eq-remedy-tbptt)：∂L_t 只保留 k ≥ t−K+1 的项，即
    Σ_t Σ_{k=max(1,t−K+1)}^{t} (∂L_t/∂h_t)(∏_{i=k+1}^{t} ∂h_i/∂h_{i-1}) ∂⁺h_k/∂θ。

    ``X`` (B, T, n)、``targets`` (B, T) 与 ``rnn_backward`` 相同；K ≥ T 时就是完整的 BPTT。返回梯度字典。
    """
    H, Y_hat = rnn_forward(params, X)
    W, U, T = params["W"], params["U"], X.shape[1]
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    dS, grads["U"], grads["b_y"] = output_layer_gradients(H, Y_hat, targets)  # 输出层不截断：与完整 BPTT 相同
    for t in range(1, T + 1):                                              # 每个 L_t 单独往回传
        dh = dS[:, t - 1] @ U                                              # ∂L_t/∂h_t
        for k in range(t, max(1, t - K + 1) - 1, -1):                      # k = t, t−1, …, max(1, t−K+1)
            delta = dh * (1.0 - H[:, k] ** 2)                              # ∂L_t/∂z_k
            grads["V"] += delta.T @ X[:, k - 1]
            grads["W"] += delta.T @ H[:, k - 1]
            grads["b_h"] += delta.sum(axis=0)
            dh = delta @ W                                                 # ∂L_t/∂h_{k-1}
    return grads
