# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save lstm` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/05_lstm/01_lstm.ipynb
#   chapters/05_lstm/02_lstm_gradients.ipynb

"""第 05 章「长短期记忆（LSTM）」（chapters/05_lstm/01_lstm.ipynb）与「LSTM 的梯度」
（chapters/05_lstm/02_lstm_gradients.ipynb）中推导并实现的代码：从零实现、与 torch.nn.LSTM 对照、门的开与关；
完整的雅可比矩阵、手写的反向传播。
"""

import math

import torch
from torch import nn

from wordvec_rnn.gates import LSTM_GATES, TORCH_LSTM_GATES
from wordvec_rnn.gru import GENERATOR, TORCH_DTYPE
from wordvec_rnn.inputs import Int, Optional, Params, Real, Satisfies, Tensor, TupleOf, accepts, returns

# 定义于 chapters/05_lstm/01_lstm.ipynb 「长短期记忆（LSTM）」§「从零实现」
# 参数字典（式 (eq-lstm-stack)）：V (4m, n)、W (4m, m)、b (4m,)，四个门按 (g, i, o, f) 堆叠，dtype 相同
LSTM_PARAMS = Params({"W": Tensor("4m", "m", same_dtype="θ"), "V": Tensor("4m", "n", same_dtype="θ"),
                      "b": Tensor("4m", same_dtype="θ")})


@accepts(m=Int(1))
def gate_slices(m: int) -> dict[str, slice]:
    """各门在堆叠的 4m 行中的位置：``{"g": 0:m, "i": m:2m, "o": 2m:3m, "f": 3m:4m}``，即式 (eq-lstm-stack) 的分段。"""
    return LSTM_GATES.slices(m)


@accepts(n=Int(1), m=Int(1), generator=GENERATOR, dtype=TORCH_DTYPE, b_f=Real())
@returns(LSTM_PARAMS)
def init_lstm_params(n: int, m: int, *, generator: torch.Generator | None = None, dtype=torch.float64,
                     b_f: float = 0.0) -> dict[str, torch.Tensor]:
    """LSTM 的参数 ``{"V": (4m, n), "W": (4m, m), "b": (4m,)}``，四个门按 (g, i, o, f) 堆叠，即式 (eq-lstm-stack)。

    与 ``nn.LSTM`` 一样，元素取自 U(−1/√m, 1/√m)；遗忘门那一段偏置 b_f 再加上 ``b_f``（取正数时，训练开始时
    f_t 接近 1，记忆元保留得更久）。``generator`` 是 ``torch.Generator``，None 时用 torch 的全局随机数。
    """
    bound = 1.0 / math.sqrt(m)

    def uniform(*shape):
        return torch.empty(shape, dtype=dtype).uniform_(-bound, bound, generator=generator)

    params = {"V": uniform(4 * m, n), "W": uniform(4 * m, m), "b": uniform(4 * m)}
    LSTM_GATES.block(params["b"], "f", m).add_(b_f)
    return params


# 定义于 chapters/05_lstm/01_lstm.ipynb 「长短期记忆（LSTM）」§「从零实现」
@accepts(z=Tensor(..., "4m", same_dtype="θ"), c=Tensor(..., "m", same_dtype="θ"), m=Int("m", "m"))
@returns(Tensor(..., "m"), Tensor(..., "m"), Tensor(..., "m"), Tensor(..., "m"), Tensor(..., "m"), Tensor(..., "m"))
def lstm_update(z: torch.Tensor, c: torch.Tensor, m: int):
    """实现式 (eq-lstm-stacked) 与 (eq-lstm-state)：由预激活 z_t = V x_t + W h_{t-1} + b 与 c_{t-1} 算一步，
    返回 (h_t, c_t, g_t, i_t, o_t, f_t)。

    ``z`` 的最后一维长 4m、按 (g, i, o, f) 堆叠，``c`` 与它的前几维相同（(B, 4m) 与 (B, m)，或一个样本 (4m,) 与
    (m,)）。这是最内层的循环体：lstm_layer 的时间循环调用不检查输入的 ``lstm_update.__wrapped__``。
    """
    z_g, z_ifo = z.split([m, 3 * m], dim=-1)
    g = torch.tanh(z_g)                                 # g_t = tanh(V_g x_t + W_g h_{t-1} + b_g)
    i, o, f = torch.sigmoid(z_ifo).chunk(3, dim=-1)     # 三个门都用 σ，连在一起一次算完
    c = f * c + i * g                                   # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
    h = o * torch.tanh(c)                               # h_t = o_t ⊙ tanh(c_t)
    return h, c, g, i, o, f


@accepts(params=LSTM_PARAMS, x=Tensor("B", "n", same_dtype="θ"), h=Tensor("B", "m", same_dtype="θ"),
         c=Tensor("B", "m", same_dtype="θ"))
@returns(Tensor("B", "m"), Tensor("B", "m"), Params({gate: Tensor("B", "m") for gate in LSTM_GATES}))
def lstm_cell(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, params: dict):
    """一步 LSTM（批量优先），实现式 (eq-lstm-stacked) 与 (eq-lstm-state)：``x`` (B, n)，``h`` = h_{t-1}、
    ``c`` = c_{t-1} (B, m)。

    返回 ``(h_t, c_t, gates)``，``gates`` 是字典 ``{"g": g_t, "i": i_t, "o": o_t, "f": f_t}``，每个 (B, m)。
    """
    z = x @ params["V"].T + h @ params["W"].T + params["b"]      # (B, 4m)：四个门的预激活，按 (g, i, o, f) 堆叠
    h, c, *gates = lstm_update(z, c, c.shape[-1])
    return h, c, dict(zip(LSTM_GATES, gates))


# 定义于 chapters/05_lstm/01_lstm.ipynb 「长短期记忆（LSTM）」§「从零实现」
@accepts(params=LSTM_PARAMS, X=Tensor("B", "T", "n", same_dtype="θ"),
         state=Optional(TupleOf(Tensor("B", "m", same_dtype="θ"), Tensor("B", "m", same_dtype="θ"))))
@returns(Tensor("B", "T", "m"), TupleOf(Tensor("B", "m"), Tensor("B", "m")))
def lstm_layer(X: torch.Tensor, params: dict, state=None):
    """LSTM 层（批量优先），对 t = 1..T 逐步实现式 (eq-lstm-stacked) 与 (eq-lstm-state)：``X`` (B, T, n) →
    ``(H, (h_T, c_T))``，H (B, T, m)，``H[:, t-1]`` 是 h_t。

    ``state`` 是初始状态 ``(h_0, c_0)``，各 (B, m)，默认全零。为了快，写法与 lstm_cell 有三处不同，结果相同：
    与 h 无关的 V x_t + b 对全部 t 用一次矩阵乘法算好；每步四个门只做一次 ``h_{t-1} @ W.T``（W 堆叠了四个门，
    ``torch.addmm`` 顺便加上 V x_t + b），再按段切开；各步的 h_t 存进列表，最后一次 ``stack``。
    """
    B, T, n = X.shape
    m = params["W"].shape[1]
    h, c = (X.new_zeros(B, m), X.new_zeros(B, m)) if state is None else state
    Z_x = torch.addmm(params["b"], X.reshape(B * T, n), params["V"].T).view(B, T, 4 * m)   # V x_t + b，全部 t
    W_T = params["W"].T
    update = lstm_update.__wrapped__   # 入口已检查过全部输入，时间循环里不再逐步检查
    H = []
    for z_x in Z_x.unbind(1):          # t = 1, …, T；unbind 的反向是一次 stack（逐步取 Z_x[:, t] 的反向每步都要清零整块）
        h, c, *_ = update(torch.addmm(z_x, h, W_T), c, m)   # z_t = (V x_t + b) + h_{t-1} Wᵀ
        H.append(h)
    return torch.stack(H, dim=1), (h, c)


# 定义于 chapters/05_lstm/01_lstm.ipynb 「长短期记忆（LSTM）」§「与 `torch.nn.LSTM` 对照」
@accepts(params=LSTM_PARAMS)
def lstm_to_torch(params: dict) -> nn.LSTM:
    """同样的参数放进 ``nn.LSTM(n, m, batch_first=True)``（dtype 与参数相同），实现式 (eq-lstm-torch-bias)。
    全书只在这里、``lstm_from_torch`` 与 ``lstm_grads_from_torch`` 中换门的顺序::

        本书（原讲义）的 4 个 m 行块：   [ g | i | o | f ]
        nn.LSTM 的 4 个 m 行块：         [ i | f | g | o ]   （torch 文档写作 W_ii | W_if | W_ig | W_io）

    即 torch 的第 0、1、2、3 块依次取本书的第 1、3、0、2 块；V、W、b 都这样重排（``LSTM_GATES.reorder``，
    两种布局见 ``wordvec_rnn.gates``）。``nn.LSTM`` 有两个偏置
    ``bias_ih_l0`` 与 ``bias_hh_l0``，只有它们的和起作用：这里前者取 b（重排后），后者取 0。
    """
    lstm = nn.LSTM(params["V"].shape[1], params["W"].shape[1], batch_first=True, dtype=params["W"].dtype)
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(LSTM_GATES.reorder(params["V"], to=TORCH_LSTM_GATES))
        lstm.weight_hh_l0.copy_(LSTM_GATES.reorder(params["W"], to=TORCH_LSTM_GATES))
        lstm.bias_ih_l0.copy_(LSTM_GATES.reorder(params["b"], to=TORCH_LSTM_GATES))
        lstm.bias_hh_l0.zero_()
    return lstm


def _is_plain_lstm(module) -> bool:
    """单层、单向、带偏置、无投影的 ``nn.LSTM``：本书的参数 (V, W, b) 能与它一一对应。"""
    return (isinstance(module, nn.LSTM) and module.num_layers == 1 and not module.bidirectional and module.bias
            and module.proj_size == 0)


@accepts(module=Satisfies(_is_plain_lstm, "单层、单向、带偏置、无投影的 torch.nn.LSTM"))
@returns(LSTM_PARAMS)
def lstm_from_torch(module: nn.LSTM) -> dict[str, torch.Tensor]:
    """``lstm_to_torch`` 的逆：从单层、单向、带偏置的 ``nn.LSTM`` 取出参数（复制，不带梯度），按 (i, f, g, o) →
    (g, i, o, f) 重排；两个偏置合成一个，b = bias_ih + bias_hh（式 (eq-lstm-torch-bias)）。"""
    with torch.no_grad():
        tensors = {"V": module.weight_ih_l0, "W": module.weight_hh_l0, "b": module.bias_ih_l0 + module.bias_hh_l0}
        return {name: TORCH_LSTM_GATES.reorder(value.detach(), to=LSTM_GATES) for name, value in tensors.items()}


@accepts(module=Satisfies(lambda lstm: _is_plain_lstm(lstm) and all(p.grad is not None for p in lstm.parameters()),
                          "反向传播过（每个参数都有 .grad）的单层、单向、带偏置、无投影的 torch.nn.LSTM"))
@returns(LSTM_PARAMS)
def lstm_grads_from_torch(module: nn.LSTM) -> dict[str, torch.Tensor]:
    """反向传播之后，``nn.LSTM`` 参数的梯度换成本书参数 V、W、b 的梯度（新张量）。b = bias_ih + bias_hh
    （式 (eq-lstm-torch-bias)），两个偏置的梯度都等于 ∂L/∂b，取前者；门的顺序像 ``lstm_from_torch`` 一样换回。"""
    grads = {"V": module.weight_ih_l0.grad, "W": module.weight_hh_l0.grad, "b": module.bias_ih_l0.grad}
    return {name: TORCH_LSTM_GATES.reorder(grad, to=LSTM_GATES) for name, grad in grads.items()}


# 定义于 chapters/05_lstm/01_lstm.ipynb 「长短期记忆（LSTM）」§「门的开与关」
@accepts(params=LSTM_PARAMS, biases=Params({gate: Real() for gate in "iof"}, optional=dict.fromkeys("iof")))
@returns(LSTM_PARAMS)
def saturate_gates(params: dict, **biases: float) -> dict[str, torch.Tensor]:
    """复制参数，把给定的门（关键字 ``i``、``o``、``f``）那几行的 V、W 置零、偏置设为给定值，这个门就恒为
    σ(偏置)，用于 (sec-lstm-extremes) 的两个极端情形（如式 (eq-lstm-degenerate)）：``saturate_gates(params, f=-50.0, i=50.0, o=50.0)`` 关闭遗忘门、打开输入门与输出门（float64 中
    σ(50) 恰好是 1，σ(−50) ≈ 2·10⁻²²）。"""
    rows = LSTM_GATES.slices(params["W"].shape[1])
    out = {name: value.detach().clone() for name, value in params.items()}
    for gate, bias in biases.items():
        out["V"][rows[gate]] = 0.0
        out["W"][rows[gate]] = 0.0
        out["b"][rows[gate]] = bias
    return out


# 定义于 chapters/05_lstm/02_lstm_gradients.ipynb 「LSTM 的梯度」§「完整的雅可比矩阵」
@accepts(params=LSTM_PARAMS, x=Tensor("n", same_dtype="θ"), h=Tensor("m", same_dtype="θ"), c=Tensor("m", same_dtype="θ"))
@returns(Tensor("2m", "2m"), Tensor("m"), Tensor("m"), Tensor("m"))
def lstm_jacobian_step(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, params: dict):
    """一个样本的一步 LSTM 及其雅可比矩阵：返回 (J_t, h_t, c_t, f_t)。实现式 (eq-lstmgrad-joint)，
    四块依次是式 (eq-lstmgrad-dc-block)、(eq-lstmgrad-dc-dh)、(eq-lstmgrad-dh-dc)、(eq-lstmgrad-dh-dh)。

    ``x`` (n,)，``h`` = h_{t-1}、``c`` = c_{t-1} (m,)。J_t = ∂(c_t, h_t)/∂(c_{t-1}, h_{t-1})，形状 (2m, 2m)::

        [ ∂c_t/∂c_{t-1}   ∂c_t/∂h_{t-1} ]
        [ ∂h_t/∂c_{t-1}   ∂h_t/∂h_{t-1} ]

    lstm_jacobian 与 lstm_jacobians 调用它。
    """
    m = h.shape[0]
    z = params["V"] @ x + params["W"] @ h + params["b"]        # 一个样本：列向量的写法 V x_t + W h_{t-1} + b
    h_t, c_t, g, i, o, f = lstm_update(z, c, m)
    W = LSTM_GATES.split(params["W"])                        # W_g、W_i、W_o、W_f，各 (m, m)
    dc_dc = torch.diag(f)                                                    # ∂c_t/∂c_{t-1}
    dc_dh = ((c * f * (1 - f))[:, None] * W["f"] + (g * i * (1 - i))[:, None] * W["i"]
             + (i * (1 - g ** 2))[:, None] * W["g"])                          # ∂c_t/∂h_{t-1}
    tanh_c = torch.tanh(c_t)
    through_c = o * (1 - tanh_c ** 2)                                        # ∂h_t/∂c_t 的对角元
    dh_dc = torch.diag(through_c * f)                                        # ∂h_t/∂c_{t-1}
    dh_dh = (tanh_c * o * (1 - o))[:, None] * W["o"] + through_c[:, None] * dc_dh   # ∂h_t/∂h_{t-1}
    J = torch.cat([torch.cat([dc_dc, dc_dh], dim=1), torch.cat([dh_dc, dh_dh], dim=1)])
    return J, h_t, c_t, f


@accepts(params=LSTM_PARAMS, x=Tensor("n", same_dtype="θ"), h=Tensor("m", same_dtype="θ"), c=Tensor("m", same_dtype="θ"))
@returns(Tensor("2m", "2m"))
def lstm_jacobian(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, params: dict) -> torch.Tensor:
    """一个样本的一步 LSTM 的雅可比矩阵 J_t = ∂(c_t, h_t)/∂(c_{t-1}, h_{t-1})，实现式 (eq-lstmgrad-joint)，形状 (2m, 2m)::

        [ ∂c_t/∂c_{t-1}   ∂c_t/∂h_{t-1} ]
        [ ∂h_t/∂c_{t-1}   ∂h_t/∂h_{t-1} ]

    ``x`` (n,)，``h`` = h_{t-1}、``c`` = c_{t-1} (m,)。σ' = σ(1 − σ)，tanh' = 1 − tanh²。
    """
    return lstm_jacobian_step(x, h, c, params)[0]


@accepts(params=LSTM_PARAMS, X=Tensor("T", "n", same_dtype="θ"),
         state=Optional(TupleOf(Tensor("m", same_dtype="θ"), Tensor("m", same_dtype="θ"))))
@returns(Tensor("T", "2m", "2m"), Tensor("T", "m"))
def lstm_jacobians(X: torch.Tensor, params: dict, state=None) -> tuple[torch.Tensor, torch.Tensor]:
    """沿一条序列（``X`` (T, n)，不带批量维）逐步算 J_t = ∂(c_t, h_t)/∂(c_{t-1}, h_{t-1})，t = 1..T：式 (eq-lstmgrad-span)
    连乘的各个因子（式 (eq-lstmgrad-joint)）。

    ``state`` 是 ``(h_0, c_0)``，各 (m,)，默认全零。返回 ``(J, F)``：J (T, 2m, 2m)，F (T, m) 的第 t 行是遗忘门 f_t。
    """
    zeros = params["W"].new_zeros(params["W"].shape[1])
    h, c = (zeros, zeros) if state is None else state
    J, F = [], []
    with torch.no_grad():
        for x in X:
            J_t, h, c, f = lstm_jacobian_step(x, h, c, params)
            J.append(J_t)
            F.append(f)
    return torch.stack(J), torch.stack(F)


# 定义于 chapters/05_lstm/02_lstm_gradients.ipynb 「LSTM 的梯度」§「手写的反向传播」
class _LSTMLayerFunction(torch.autograd.Function):
    """lstm_layer 的前向，反向是式 (eq-lstmgrad-bwd-h)–(eq-lstmgrad-bwd-weights)。内部按时间优先存放 (T, B, ·)。"""

    @staticmethod
    def forward(ctx, X, V, W, b, h0, c0):
        B, T, n = X.shape
        m = W.shape[1]
        X_t = X.transpose(0, 1).reshape(T * B, n)                   # 第 t 步是连续的 B 行
        A = torch.addmm(b, X_t, V.T).view(T, B, 4 * m)               # 先存 V x_t + b，逐步换成门的值 (g, i, o, f)
        H, C = X.new_empty(T + 1, B, m), X.new_empty(T + 1, B, m)    # H[t] = h_t，C[t] = c_t，t = 0..T
        H[0], C[0] = h0, c0
        for t in range(1, T + 1):
            a = A[t - 1].addmm_(H[t - 1], W.T)                       # z_t = V x_t + b + W h_{t-1}
            a[:, :m].tanh_()                                         # g_t
            a[:, m:].sigmoid_()                                      # i_t, o_t, f_t
            g, i, o, f = a.split(m, dim=1)
            torch.addcmul(f * C[t - 1], i, g, out=C[t])              # c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
            torch.mul(o, torch.tanh(C[t]), out=H[t])                 # h_t = o_t ⊙ tanh(c_t)
        ctx.save_for_backward(X_t, V, W, A, H, C)
        return H[1:].transpose(0, 1).contiguous(), H[T].clone(), C[T].clone()

    @staticmethod
    def backward(ctx, dH, dh_T, dc_T):
        X_t, V, W, A, H, C = ctx.saved_tensors
        T, B, m = H.shape[0] - 1, H.shape[1], H.shape[2]
        dH = dH.transpose(0, 1)                                      # (T, B, m)：∂ℓ/∂h_t
        delta = torch.empty_like(A)                                  # δ_t，按 (g, i, o, f) 堆叠
        slopes = torch.empty_like(A[0])                              # 这一步四个激活函数的导数
        ones = torch.ones_like(C[0])
        dh, dc = dh_T, dc_T                                          # 来自 h_T、c_T 本身的梯度
        for t in range(T, 0, -1):
            a, d = A[t - 1], delta[t - 1]
            g, i, o, f = a.split(m, dim=1)
            tanh_c = torch.tanh(C[t])
            dh = dh + dH[t - 1]                                      # 式 (eq-lstmgrad-bwd-h)
            dc = torch.addcmul(dc, dh * o, torch.addcmul(ones, tanh_c, tanh_c, value=-1))   # 式 (eq-lstmgrad-bwd-c)
            d_g, d_i, d_o, d_f = d.split(m, dim=1)                   # 式 (eq-lstmgrad-bwd-gates)：先写各门前面的因子
            torch.mul(dc, i, out=d_g)                                # c̄ ⊙ i、c̄ ⊙ g、h̄ ⊙ tanh c、c̄ ⊙ c_{t-1}，
            torch.mul(dc, g, out=d_i)
            torch.mul(dh, tanh_c, out=d_o)
            torch.mul(dc, C[t - 1], out=d_f)
            torch.addcmul(a, a, a, value=-1, out=slopes)             # 再乘激活函数的导数：σ' = σ(1 − σ)（i、o、f），
            torch.addcmul(ones, g, g, value=-1, out=slopes[:, :m])   # tanh' = 1 − g²（g）
            d.mul_(slopes)
            dc = dc * f                                              # f_t ⊙ c̄_t：留给第 t-1 步
            dh = d @ W                                               # W^T δ_t：留给第 t-1 步
        Delta = delta.view(T * B, 4 * m)                             # 式 (eq-lstmgrad-bwd-weights)：循环之后各一次乘法
        dX = (Delta @ V).view(T, B, -1).transpose(0, 1) if ctx.needs_input_grad[0] else None   # 不要 X 的梯度时不算
        dW = (H[:-1].reshape(T * B, m).T @ Delta).T                  # Δ^T H_前 = (H_前^T Δ)^T：同一个积，这样排乘得更快
        dV = (X_t.T @ Delta).T                                       # Δ^T X，同上
        return dX, dV, dW, Delta.sum(0), dh, dc


@accepts(params=LSTM_PARAMS, X=Tensor("B", "T", "n", same_dtype="θ"),
         state=Optional(TupleOf(Tensor("B", "m", same_dtype="θ"), Tensor("B", "m", same_dtype="θ"))))
@returns(Tensor("B", "T", "m"), TupleOf(Tensor("B", "m"), Tensor("B", "m")))
def lstm_layer_manual(X: torch.Tensor, params: dict, state=None):
    """与 ``lstm_layer`` 相同的层与返回值 ``(H, (h_T, c_T))``，反向传播是手写的：式 (eq-lstmgrad-bwd-h)–
    (eq-lstmgrad-bwd-weights)，见 (sec-lstmgrad-manual)。

    ``X`` (B, T, n)；``state`` 是 ``(h_0, c_0)``，各 (B, m)，默认全零。对 ``X``、三个参数与 ``state`` 都能求梯度。
    """
    B, m = X.shape[0], params["W"].shape[1]
    h0, c0 = (X.new_zeros(B, m), X.new_zeros(B, m)) if state is None else state
    H, h, c = _LSTMLayerFunction.apply(X, params["V"], params["W"], params["b"], h0, c0)
    return H, (h, c)
