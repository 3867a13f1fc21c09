# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save rnn` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/02_rnn/01_rnn.ipynb
#   chapters/02_rnn/02_bptt.ipynb

"""第 02 章「循环神经网络」（chapters/02_rnn/01_rnn.ipynb）与「时间反向传播（BPTT）」
（chapters/02_rnn/02_bptt.ipynb）中推导并实现的代码：参数、输入、前向传播、损失；实现。
"""

import numpy as np

from wordvec_rnn.inputs import Choice, Int, NDArray, Optional, Params, Real, Rng, accepts, returns
from wordvec_rnn.skipgram import log_softmax, softmax

# 定义于 chapters/02_rnn/01_rnn.ipynb 「循环神经网络」§「参数」
PARAM_NAMES = ("V", "W", "b_h", "U", "b_y")
RNN_PARAMS = Params({"V": NDArray("m", "n"), "W": NDArray("m", "m"), "b_h": NDArray("m"),
                     "U": NDArray("q", "m"), "b_y": NDArray("q")})   # 式 (eq-rnn-model) 的五个参数
FLOAT_DTYPES = (np.float32, np.float64)


@accepts(n=Int(1), m=Int(1), q=Int(1), rng=Rng(), dtype=Choice(*FLOAT_DTYPES))
@returns(RNN_PARAMS)
def init_rnn_params(n: int, m: int, q: int, rng: np.random.Generator, dtype=np.float64) -> dict:
    """RNN 的参数 V (m×n)、W (m×m)、b_h (m)、U (q×m)、b_y (q)，q 是输出的维数（语言模型中 q = |𝒱|）。

    式 (eq-rnn-model) 的五个参数，共式 (eq-rnn-param-count) 个元素，见 (sec-rnn-params)。与 ``torch.nn.RNN`` 一样，
    每个元素取自均匀分布 U(-1/√m, 1/√m)；``dtype`` 是 ``np.float32`` 或 ``np.float64``。
    """
    shapes = {"V": (m, n), "W": (m, m), "b_h": (m,), "U": (q, m), "b_y": (q,)}
    bound = 1.0 / np.sqrt(m)
    return {name: rng.uniform(-bound, bound, size=shape).astype(dtype) for name, shape in shapes.items()}


@accepts(params=RNN_PARAMS)
def check_rnn_params(params) -> dict[str, int]:
    """检查参数字典的键与形状是否一致（见 (sec-rnn-params)），返回维数 ``{"m": …, "n": …, "q": …}``。"""
    (m, n), q = params["V"].shape, params["U"].shape[0]
    return {"m": m, "n": n, "q": q}


# 定义于 chapters/02_rnn/01_rnn.ipynb 「循环神经网络」§「输入：独热向量」
@accepts(size=Int(1, dim="size"), ids=NDArray(..., dtype="int", below="size", nonempty=False),
         dtype=Choice(*FLOAT_DTYPES))
@returns(NDArray(..., "size"))
def one_hot(ids, size: int, dtype=np.float64) -> np.ndarray:
    """编号数组 → 独热向量（见 (sec-rnn-one-hot)）：形状 ``ids.shape + (size,)``，第 ``ids[...]`` 个位置为 1，其余为 0。"""
    return np.eye(size, dtype=dtype)[ids]


# 定义于 chapters/02_rnn/01_rnn.ipynb 「循环神经网络」§「前向传播」
@accepts(params=RNN_PARAMS, X=NDArray("B", "T", "n"), h0=Optional(NDArray("B", "m")))
@returns(NDArray("B", "T+1", "m"), NDArray("B", "T", "q", simplex=True))
def rnn_forward(params: dict, X: np.ndarray, h0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """前向传播：逐步照公式 h_t = tanh(V x_t + W h_{t-1} + b_h)，ŷ_t = softmax(U h_t + b_y)，批量优先。

    实现式 (eq-rnn-model)，按批量写成式 (eq-rnn-batch)。

    ``X`` 的形状 (B, T, n)，``h0`` 的形状 (B, m)（默认全零）。返回 ``(H, Y_hat)``：``H`` 的形状 (B, T+1, m)，
    ``H[:, t]`` 是 h_t（``H[:, 0]`` 是 h_0）；``Y_hat`` 的形状 (B, T, q)，``Y_hat[:, t-1]`` 是 ŷ_t。
    """
    V, W, b_h, U, b_y = (params[name] for name in PARAM_NAMES)
    (B, T, _), m = X.shape, W.shape[0]
    h0 = np.zeros((B, m), dtype=W.dtype) if h0 is None else h0
    H = np.zeros((B, T + 1, m), dtype=W.dtype)
    H[:, 0] = h0
    for t in range(1, T + 1):
        H[:, t] = np.tanh(X[:, t - 1] @ V.T + H[:, t - 1] @ W.T + b_h)   # h_t = f_h(V x_t + W h_{t-1} + b_h)
    S = H[:, 1:].reshape(B * T, m) @ U.T + b_y                           # s_t = U h_t + b_y：全部 (b, t) 一次矩阵乘法
    Y_hat = softmax(S).reshape(B, T, -1)                                  # ŷ_t = f_y(s_t)，t = 1..T
    return H, Y_hat


# 定义于 chapters/02_rnn/01_rnn.ipynb 「循环神经网络」§「前向传播」
@accepts(params=RNN_PARAMS)
def rnn_to_torch(params: dict):
    """同样的参数放进 ``torch.nn.RNN``（``batch_first=True``）与 ``torch.nn.Linear``，返回 ``(rnn, linear)``。

    两者合起来算的是式 (eq-rnn-model)（softmax 另加）。

    ``weight_ih_l0`` = V，``weight_hh_l0`` = W，``bias_ih_l0`` = b_h，``bias_hh_l0`` = 0（``nn.RNN`` 的两个偏置之和
    起 b_h 的作用）；``linear.weight`` = U，``linear.bias`` = b_y。dtype 与参数 V 相同（如 float32 或 float64）。
    """
    import torch
    from torch import nn

    (m, n), q = params["V"].shape, params["U"].shape[0]
    dtype = torch.from_numpy(params["V"]).dtype
    rnn = nn.RNN(n, m, batch_first=True, dtype=dtype)
    linear = nn.Linear(m, q, dtype=dtype)
    with torch.no_grad():
        for weight, name in [(rnn.weight_ih_l0, "V"), (rnn.weight_hh_l0, "W"), (rnn.bias_ih_l0, "b_h"),
                             (linear.weight, "U"), (linear.bias, "b_y")]:
            weight.copy_(torch.from_numpy(params[name]))
        rnn.bias_hh_l0.zero_()
    return rnn, linear


# 定义于 chapters/02_rnn/01_rnn.ipynb 「循环神经网络」§「损失」
@accepts(Y_hat=NDArray("B", "T", "q", simplex=True), targets=NDArray("B", "T", dtype="int", below="q"))
@returns(Real())
def cross_entropy(Y_hat: np.ndarray, targets) -> float:
    """L = Σ_t L_t = −Σ_t log ŷ_t[y_t]，实现式 (eq-rnn-xent) 与 (eq-rnn-model) 中的求和，对批量中的每个序列也求和。

    ``Y_hat`` 的形状 (B, T, q)，每个 ŷ_t 是词表上的概率分布；``targets`` 的形状 (B, T)，元素是编号。
    某个 ŷ_t[y_t] 下溢成 0 时 L = inf：这时用 ``cross_entropy_from_logits``。
    """
    picked = np.take_along_axis(Y_hat, targets[..., None], axis=-1)   # ŷ_{t, y_t}
    loss = -np.log(picked).sum()
    return float(loss)


@accepts(S=NDArray("B", "T", "q"), targets=NDArray("B", "T", dtype="int", below="q"))
@returns(Real(0.0))
def cross_entropy_from_logits(S: np.ndarray, targets) -> float:
    """同一个 L，由 logits s_t = U h_t + b_y（``S`` 的形状 (B, T, q)）算：log ŷ_t = log_softmax(s_t)，见式 (eq-rnn-xent)。

    不经过概率，ŷ_t[y_t] 小到 float64 表示不了（如 e^{−800}）时 L 仍是有限的数。
    """
    log_probs = np.take_along_axis(log_softmax(S), targets[..., None], axis=-1)   # log ŷ_{t, y_t}
    return float(-log_probs.sum())


# 定义于 chapters/02_rnn/02_bptt.ipynb 「时间反向传播（BPTT）」§「实现」
@accepts(H=NDArray("B", "T+1", "m"), Y_hat=NDArray("B", "T", "q", simplex=True),
         targets=NDArray("B", "T", dtype="int", below="q"))
@returns(NDArray("B", "T", "q"), NDArray("q", "m"), NDArray("q"))
def output_layer_gradients(H: np.ndarray, Y_hat: np.ndarray, targets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """输出层的梯度：返回 ``(dS, ∂L/∂U, ∂L/∂b_y)``，实现式 (eq-bptt-output-error) 与 (eq-bptt-output-grads)。

    ``dS[:, t-1]`` = ∂L/∂s_t = ŷ_t − y_t（softmax 加交叉熵），形状 (B, T, q)；∂L/∂U = Σ_t (ŷ_t − y_t) h_t^⊤，
    把 (B, T) 两维拉平后一次矩阵乘法算出；∂L/∂b_y = Σ_t (ŷ_t − y_t)。``H`` 是 ``rnn_forward`` 的 (B, T+1, m)。
    """
    (B, T), q, m = targets.shape, Y_hat.shape[-1], H.shape[-1]
    dS = Y_hat.copy()                                             # ∂L/∂s_t = ŷ_t − y_t：y_t 是独热向量，
    dS[np.arange(B)[:, None], np.arange(T), targets] -= 1.0       # 只在第 y_t 个元素减 1
    dU = dS.reshape(-1, q).T @ H[:, 1:].reshape(-1, m)
    db_y = dS.sum(axis=(0, 1))
    return dS, dU, db_y


@accepts(params=RNN_PARAMS, X=NDArray("B", "T", "n"), H=NDArray("B", "T+1", "m"),
         Y_hat=NDArray("B", "T", "q", simplex=True), targets=NDArray("B", "T", dtype="int", below="q"))
@returns(RNN_PARAMS, NDArray("B", "m"))
def rnn_backward(params: dict, X: np.ndarray, H: np.ndarray, Y_hat: np.ndarray, targets) -> tuple[dict, np.ndarray]:
    """时间反向传播（BPTT）：由 ``rnn_forward`` 的结果求 L = Σ_t L_t 对各参数的梯度，以及 ∂L/∂h_0。

    实现式 (eq-bptt-dh)、(eq-bptt-delta) 与 (eq-bptt-param-grads)：

    ∂L/∂s_t = ŷ_t − y_t（softmax 加交叉熵）；∂L/∂h_t = U^⊤(ŷ_t − y_t) + W^⊤δ_{t+1}（t = T 时没有第二项）；
    δ_t = ∂L/∂z_t = (1 − h_t ⊙ h_t) ⊙ ∂L/∂h_t；各参数的梯度是各步之和，也对批量中的序列求和。
    """
    V, W, b_h, U, b_y = (params[name] for name in PARAM_NAMES)
    (B, T), (q, m) = targets.shape, U.shape
    grads = {name: np.zeros_like(p) for name, p in params.items()}
    dS, grads["U"], grads["b_y"] = output_layer_gradients(H, Y_hat, targets)   # ∂L/∂s_t = ŷ_t − y_t 与输出层
    dH_out = (dS.reshape(B * T, q) @ U).reshape(B, T, m)         # U^⊤(ŷ_t − y_t)，全部 t 一次矩阵乘法
    dh_next = np.zeros_like(H[:, 0])                              # W^⊤ δ_{t+1}；t = T 时为 0
    for t in range(T, 0, -1):
        dh = dH_out[:, t - 1] + dh_next                           # ∂L/∂h_t = U^⊤(ŷ_t − y_t) + W^⊤ δ_{t+1}
        delta = dh * (1.0 - H[:, t] ** 2)                         # δ_t = (1 − h_t ⊙ h_t) ⊙ ∂L/∂h_t
        grads["V"] += delta.T @ X[:, t - 1]                       # + δ_t x_t^⊤
        grads["W"] += delta.T @ H[:, t - 1]                       # + δ_t h_{t-1}^⊤
        grads["b_h"] += delta.sum(axis=0)                         # + δ_t
        dh_next = delta @ W                                       # W^⊤ δ_t，留给第 t-1 步
    return grads, dh_next                                         # 循环结束时 dh_next = W^⊤ δ_1 = ∂L/∂h_0


@accepts(params=RNN_PARAMS, X=NDArray("B", "T", "n"), targets=NDArray("B", "T", dtype="int", below="q"),
         h0=Optional(NDArray("B", "m")))
@returns(Real(), RNN_PARAMS, NDArray("B", "m"))
def rnn_loss_and_gradients(params: dict, X: np.ndarray, targets, h0: np.ndarray | None = None):
    """一次前向（式 (eq-bptt-forward)）与反向（见 (sec-bptt-impl)）：返回 ``(L, 梯度字典, h_T)``。

    h_T 形状 (B, m)，可作下一段序列的 h_0（截断 BPTT）。
    """
    H, Y_hat = rnn_forward(params, X, h0)
    loss = cross_entropy(Y_hat, targets)
    grads, _ = rnn_backward(params, X, H, Y_hat, targets)
    h_T = H[:, -1]
    return loss, grads, h_T
