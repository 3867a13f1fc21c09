# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save birnn` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/02_rnn/03_bidirectional.ipynb

"""第 02 章「双向循环神经网络」（chapters/02_rnn/03_bidirectional.ipynb）中推导并实现的代码：反向的链、与
torch.nn.RNN(bidirectional=True) 对照、反向传播、实验。
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from wordvec_rnn.inputs import (
    Bool,
    Choice,
    Instance,
    Int,
    NDArray,
    Optional,
    Params,
    Real,
    Rng,
    Satisfies,
    Str,
    Tensor,
    accepts,
    returns,
)
from wordvec_rnn.progress import progress
from wordvec_rnn.rnn import FLOAT_DTYPES, RNN_PARAMS, cross_entropy, init_rnn_params, rnn_backward, rnn_forward
from wordvec_rnn.skipgram import softmax

# 定义于 chapters/02_rnn/03_bidirectional.ipynb 「双向循环神经网络」§「反向的链：把序列倒过来」
DIRECTIONS = ("fwd", "bwd")  # 正向 →、反向 ←
BIRNN_PARAM_NAMES = ("V_fwd", "W_fwd", "b_h_fwd", "V_bwd", "W_bwd", "b_h_bwd", "U", "b_y")
BIRNN_PARAMS = Params({**{f"{name}_{d}": NDArray(*shape) for d in DIRECTIONS
                          for name, shape in (("V", ("m", "n")), ("W", ("m", "m")), ("b_h", ("m",)))},
                       "U": NDArray("q", "2m"), "b_y": NDArray("q")})   # 两个方向的 n、m 相同，U 是 q×2m


@accepts(n=Int(1), m=Int(1), q=Int(1), rng=Rng(), dtype=Choice(*FLOAT_DTYPES))
@returns(BIRNN_PARAMS)
def init_birnn_params(n: int, m: int, q: int, rng: np.random.Generator, dtype=np.float64) -> dict:
    """双向 RNN 的参数：每个方向一组 V (m×n)、W (m×m)、b_h (m)，键名带 ``_fwd`` 或 ``_bwd``；
    输出层 U (q×2m) 与 b_y (q)。即式 (eq-birnn-fwd)、(eq-birnn-bwd) 与 (eq-birnn-out) 中的参数。

    每个方向就是一个普通 RNN，用 ``init_rnn_params`` 初始化（元素取自 U(-1/√m, 1/√m)）；
    U 的左右两半分别取自两个方向的 U，b_y 取自正向。
    """
    params, halves = {}, []
    for direction in DIRECTIONS:
        one = init_rnn_params(n, m, q, rng, dtype)
        params.update({f"{name}_{direction}": one[name] for name in ("V", "W", "b_h")})
        halves.append(one["U"])
        params.setdefault("b_y", one["b_y"])
    params["U"] = np.concatenate(halves, axis=1)
    return {name: params[name] for name in BIRNN_PARAM_NAMES}


@accepts(params=BIRNN_PARAMS)
def check_birnn_params(params) -> dict[str, int]:
    """检查参数字典的键与形状（见 (sec-birnn-model)）：两个方向的 n、m 相同，U 的形状是 (q, 2m)。

    返回维数 ``{"m": …, "n": …, "q": …}``。
    """
    (m, n), q = params["V_fwd"].shape, params["U"].shape[0]
    return {"m": m, "n": n, "q": q}


@accepts(params=BIRNN_PARAMS, direction=Choice(*DIRECTIONS))
@returns(RNN_PARAMS)
def direction_params(params: dict, direction: str) -> dict:
    """一个方向的普通 RNN 参数 ``{V, W, b_h, U, b_y}``：U 取 2m 列中属于这个方向的一半（正向前 m 列），

    即式 (eq-birnn-split) 中的 →U 或 ←U。
    """
    m = params["W_fwd"].shape[0]
    half = slice(0, m) if direction == "fwd" else slice(m, 2 * m)
    one = {name: params[f"{name}_{direction}"] for name in ("V", "W", "b_h")}
    return {**one, "U": params["U"][:, half], "b_y": params["b_y"]}


@accepts(params=BIRNN_PARAMS, X=NDArray("B", "T", "n"))
@returns(NDArray("B", "T+1", "m"), NDArray("B", "T+1", "m"), NDArray("B", "T", "q", simplex=True))
def birnn_forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """双向 RNN 的前向传播，实现式 (eq-birnn-fwd)、(eq-birnn-bwd)（借式 (eq-birnn-reverse)）与 (eq-birnn-out)。

    ``X`` 的形状 (B, T, n)，两条链的初始状态 →h_0 = ←h_{T+1} = 0。

    返回 ``(H_fwd, H_bwd, Y_hat)``：

    - ``H_fwd`` 形状 (B, T+1, m)，``H_fwd[:, t]`` = →h_t，t = 0, …, T（``H_fwd[:, 0]`` = →h_0 = 0）；
    - ``H_bwd`` 形状 (B, T+1, m)，``H_bwd[:, t - 1]`` = ←h_t，t = 1, …, T+1（``H_bwd[:, T]`` = ←h_{T+1} = 0）；
    - ``Y_hat`` 形状 (B, T, q)，``Y_hat[:, t - 1]`` = ŷ_t = softmax(U [→h_t; ←h_t] + b_y)。
    """
    H_fwd, _ = rnn_forward(direction_params(params, "fwd"), X)            # →h_0, →h_1, …, →h_T
    H_rev, _ = rnn_forward(direction_params(params, "bwd"), X[:, ::-1])   # 倒序的输入：←h_{T+1}, ←h_T, …, ←h_1
    H_bwd = np.ascontiguousarray(H_rev[:, ::-1])                          # 倒回来：←h_1, …, ←h_T, ←h_{T+1}
    H_cat = np.concatenate([H_fwd[:, 1:], H_bwd[:, :-1]], axis=-1)        # [→h_t; ←h_t]，t = 1, …, T
    Y_hat = softmax(H_cat @ params["U"].T + params["b_y"])
    return H_fwd, H_bwd, Y_hat


# 定义于 chapters/02_rnn/03_bidirectional.ipynb 「双向循环神经网络」§「与 `torch.nn.RNN(bidirectional=True)` 对照」
@accepts(params=BIRNN_PARAMS)
def birnn_to_torch(params: dict) -> tuple[nn.RNN, nn.Linear]:
    """把参数复制进 ``nn.RNN(n, m, bidirectional=True, batch_first=True)`` 与 ``nn.Linear(2m, q)``，dtype 与参数相同。

    两者合起来算式 (eq-birnn-fwd)、(eq-birnn-bwd) 与 (eq-birnn-out)（softmax 另加），见 (sec-birnn-torch)。

    ``weight_ih_l0`` = →V，``weight_hh_l0`` = →W，``weight_ih_l0_reverse`` = ←V，``weight_hh_l0_reverse`` = ←W；
    两个偏置之和起 b_h 的作用：``bias_ih_l0*`` 取 b_h，``bias_hh_l0*`` 取 0。``linear.weight`` = U，``linear.bias`` = b_y。
    """
    (m, n), q = params["V_fwd"].shape, params["U"].shape[0]
    dtype = torch.from_numpy(params["U"]).dtype
    rnn = nn.RNN(n, m, batch_first=True, bidirectional=True, dtype=dtype)
    linear = nn.Linear(2 * m, q, dtype=dtype)
    with torch.no_grad():
        for direction, suffix in (("fwd", ""), ("bwd", "_reverse")):
            getattr(rnn, f"weight_ih_l0{suffix}").copy_(torch.from_numpy(params[f"V_{direction}"]))
            getattr(rnn, f"weight_hh_l0{suffix}").copy_(torch.from_numpy(params[f"W_{direction}"]))
            getattr(rnn, f"bias_ih_l0{suffix}").copy_(torch.from_numpy(params[f"b_h_{direction}"]))
            getattr(rnn, f"bias_hh_l0{suffix}").zero_()
        linear.weight.copy_(torch.from_numpy(params["U"]))
        linear.bias.copy_(torch.from_numpy(params["b_y"]))
    return rnn, linear


# 定义于 chapters/02_rnn/03_bidirectional.ipynb 「双向循环神经网络」§「反向传播：两遍 BPTT」
@accepts(params=BIRNN_PARAMS, X=NDArray("B", "T", "n"), H_fwd=NDArray("B", "T+1", "m"), H_bwd=NDArray("B", "T+1", "m"),
         Y_hat=NDArray("B", "T", "q", simplex=True), targets=NDArray("B", "T", dtype="int", below="q"))
@returns(BIRNN_PARAMS)
def birnn_backward(params: dict, X: np.ndarray, H_fwd: np.ndarray, H_bwd: np.ndarray, Y_hat: np.ndarray,
                   targets) -> dict:
    """双向 RNN 的时间反向传播：两遍普通的 BPTT（``rnn_backward``），返回 L = Σ_t L_t 对各参数的梯度。

    实现式 (eq-birnn-output-grads)、(eq-birnn-fwd-delta) 与 (eq-birnn-bwd-delta)。

    正向的链在原序列上、反向的链在倒序的序列上各做一遍；两遍都用双向模型的 ``Y_hat`` 算 ŷ_t − y_t，
    再乘各自的一半 U。``H_fwd``、``H_bwd``、``Y_hat`` 是 ``birnn_forward`` 的结果，``targets`` 形状 (B, T)。
    """
    flip = (slice(None), slice(None, None, -1))                        # 沿时间轴倒序
    g_fwd, _ = rnn_backward(direction_params(params, "fwd"), X, H_fwd, Y_hat, targets)
    g_bwd, _ = rnn_backward(direction_params(params, "bwd"), X[flip], H_bwd[flip], Y_hat[flip], targets[flip])
    grads = {f"{name}_{d}": g[name] for d, g in (("fwd", g_fwd), ("bwd", g_bwd)) for name in ("V", "W", "b_h")}
    grads["U"] = np.concatenate([g_fwd["U"], g_bwd["U"]], axis=1)     # [Σ (ŷ−y) →h^⊤, Σ (ŷ−y) ←h^⊤]
    grads["b_y"] = g_fwd["b_y"]                                        # Σ (ŷ−y)，两遍相同
    return {name: grads[name] for name in BIRNN_PARAM_NAMES}


@accepts(params=BIRNN_PARAMS, X=NDArray("B", "T", "n"), targets=NDArray("B", "T", dtype="int", below="q"))
@returns(Real(), BIRNN_PARAMS)
def birnn_loss_and_gradients(params: dict, X: np.ndarray, targets) -> tuple[float, dict]:
    """一次前向与反向（见 (sec-birnn-backward)）：返回 ``(L, 梯度字典)``，L = −Σ_t log ŷ_t[y_t]（对批量也求和）。"""
    H_fwd, H_bwd, Y_hat = birnn_forward(params, X)
    loss = cross_entropy(Y_hat, targets)
    return loss, birnn_backward(params, X, H_fwd, H_bwd, Y_hat, targets)


# 定义于 chapters/02_rnn/03_bidirectional.ipynb 「双向循环神经网络」§「实验：哪个字是词尾」
class RNNTagger(nn.Module):
    """序列标注：每个时间步输出一个标签的 logits（多对多，输入输出等长），见 (sec-birnn-experiment)。

    编号 → ``nn.Embedding`` 查出 x_t（d 维）→ ``nn.RNN``（tanh；``bidirectional=True`` 时两个方向，
    第 t 步输出 [→h_t; ←h_t]）→ ``nn.Linear`` 得 s_t。``forward(ids)``：``ids`` 形状 (B, T) → logits (B, T, n_tags)。
    """

    @accepts(vocab_size=Int(1), d=Int(1), m=Int(1), n_tags=Int(2), bidirectional=Bool())
    def __init__(self, vocab_size: int, d: int, m: int, n_tags: int, *, bidirectional: bool = False):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(self.vocab_size, d)
        self.rnn = nn.RNN(d, m, batch_first=True, bidirectional=bidirectional)
        self.output = nn.Linear(2 * m if bidirectional else m, n_tags)

    @accepts(self=Instance(nn.Module, "RNNTagger", sizes={"V": "vocab_size"}), ids=Tensor("B", "T", dtype="int", below="V"))
    @returns(Tensor("B", "T", None))
    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        H, _ = self.rnn(self.embedding(ids))
        return self.output(H)


@accepts(model=Instance(nn.Module, "torch.nn.Module"),
         batch_loss=Satisfies(callable, "不带参数、返回标量损失张量的函数"), steps=Int(1), lr=Real(1e-8, 10.0),
         evaluate=Optional(Satisfies(callable, "不带参数、返回一个数的函数")), every=Int(1), desc=Str())
def train_steps(model: nn.Module, batch_loss: Callable[[], torch.Tensor], *, steps: int, lr: float,
                evaluate: Callable[[], float] | None = None, every: int = 1, desc: str = "训练"):
    """用 Adam 训练 ``steps`` 步：每步调用 ``batch_loss()`` 得到一个小批量的损失（标量张量），反向传播，更新参数。

    本章各个实验共用的训练循环，见 (sec-birnn-experiment)。

    给出 ``evaluate`` 时，每 ``every`` 步（以及最后一步）在 ``torch.no_grad()`` 下调用它一次。
    返回 ``(losses, scores)``：每步的损失（形状 (steps,) 的数组）与 ``[(步数, evaluate 的值), …]``。
    """
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, scores = np.zeros(steps), []
    with progress(total=steps, desc=desc) as bar:
        for step in range(1, steps + 1):
            loss = batch_loss()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses[step - 1] = loss.item()
            if evaluate is not None and (step % every == 0 or step == steps):
                with torch.no_grad():
                    scores.append((step, float(evaluate())))
                bar.set_postfix_str(f"评估 {scores[-1][1]:.3f}")
            bar.update(1)
    return losses, scores
