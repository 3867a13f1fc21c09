# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save gru` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/04_gru/01_gru.ipynb
#   chapters/04_gru/02_gru_gradients.ipynb

"""第 04 章「门控循环单元」（chapters/04_gru/01_gru.ipynb）与「GRU 的梯度」
（chapters/04_gru/02_gru_gradients.ipynb）中推导并实现的代码：两种变体、几种极端情形；PyTorch 变体、手写的反向传播。
"""

import torch
from torch import nn

from wordvec_rnn.gates import GRU_GATES, TORCH_GRU_GATES
from wordvec_rnn.inputs import Bool, Choice, Instance, Int, Optional, Params, Real, Satisfies, Tensor, accepts, returns

# 定义于 chapters/04_gru/01_gru.ipynb 「门控循环单元」§「两种变体：重置门放在矩阵乘法之前还是之后」
VARIANTS = ("cho", "torch")      # 重置门作用在 W_g 之前（原讲义、Cho 等 2014）或之后（torch.nn.GRU）


def _gru_params(b_hg_rule):
    return Params({"W": Tensor("3m", "m", same_dtype="θ"), "V": Tensor("3m", "n", same_dtype="θ"),
                   "b": Tensor("3m", same_dtype="θ"), "b_hg": Tensor("m", same_dtype="θ")},
                  optional={"b_hg": b_hg_rule})


# GRU 的参数字典（式 (eq-gru-stack) 与 (eq-gru-variants)）：V (3m, n)、W (3m, m)、b (3m,) 按 (r, u, g) 堆叠，dtype 相同；
# "torch" 变体还有候选值在重置门之内的偏置 b_hg (m,)，"cho" 变体没有它
GRU_PARAMS = _gru_params(("variant", "torch"))     # b_hg 当且仅当参数 variant 是 "torch"
ANY_GRU_PARAMS = _gru_params(None)                 # 两个变体都收：有 b_hg 就是 "torch" 变体
TORCH_DTYPE = Choice(torch.float32, torch.float64)
GENERATOR = Optional(Instance(torch.Generator, "torch.Generator 或 None"))


@accepts(A=Tensor(..., None, finite=False), gate=Choice(*GRU_GATES), m=Int(1), dim=Int())
def block(A: torch.Tensor, gate: str, m: int, dim: int = 0) -> torch.Tensor:
    """堆叠张量 ``A`` 中属于门 ``gate``（"r"、"u"、"g"）的那一块：沿第 ``dim`` 维（长 3m）取 m 个，返回视图；
    堆叠顺序见式 (eq-gru-stack)。

    ``V``、``W``、``b`` 沿第 0 维堆叠；一批 (B, 3m) 的预激活沿最后一维（``dim=-1``）。顺序 ``GRU_GATES`` 定义在
    ``wordvec_rnn.gates``。
    """
    return GRU_GATES.block(A, gate, m, dim)


@accepts(params=ANY_GRU_PARAMS)
@returns(Choice(*VARIANTS))
def variant_of(params) -> str:
    """参数字典属于式 (eq-gru-variants) 的哪个变体：有 ``b_hg`` 是 ``"torch"``，否则是 ``"cho"``。"""
    return "torch" if "b_hg" in params else "cho"


@accepts(n=Int(1), m=Int(1), variant=Choice(*VARIANTS), generator=GENERATOR, dtype=TORCH_DTYPE, b_u=Real())
@returns(GRU_PARAMS)
def init_gru_params(n: int, m: int, *, variant: str = "cho", generator: torch.Generator | None = None,
                    dtype: torch.dtype = torch.float64, b_u: float = 0.0) -> dict:
    """GRU 的参数：``V`` (3m, n)、``W`` (3m, m)、``b`` (3m,)，按 (r, u, g) 堆叠（式 (eq-gru-stack)）；``variant="torch"``
    时还有 ``b_hg`` (m,)。

    与 ``torch.nn.GRU`` 一样，每个元素取自 U(-1/√m, 1/√m)；再给更新门的偏置 b_u 那一块加上常数 ``b_u``
    （大的 b_u 让 u_t 一开始就接近 1）。``generator`` 是 ``torch.Generator``（None 时用 torch 的全局随机数）。
    """
    shapes = {"V": (3 * m, n), "W": (3 * m, m), "b": (3 * m,)}
    if variant == "torch":
        shapes["b_hg"] = (m,)
    bound = 1.0 / m ** 0.5
    params = {name: (2 * torch.rand(shape, generator=generator, dtype=dtype) - 1) * bound
              for name, shape in shapes.items()}
    block(params["b"], "u", m).add_(b_u)
    return params


# 定义于 chapters/04_gru/01_gru.ipynb 「门控循环单元」§「两种变体：重置门放在矩阵乘法之前还是之后」
def _gates(xv, h, params, variant: str):
    """一步的 (r_t, u_t, g_t)。``xv`` = V x_t + b（已算好，形状 (B, 3m)），``h`` = h_{t-1} (B, m)。"""
    m = h.shape[-1]
    W = params["W"]
    if variant == "cho":                                   # (W_r h, W_u h)：r、u 两块一次算出，W_g 要等 r_t
        hW = h @ W[:2 * m].T
    else:                                                  # (W_r h, W_u h) 与 W_g h：三块一次算出，不必等 r_t
        hW, hW_g = (h @ W.T).split(2 * m, dim=-1)
    r = torch.sigmoid(block(xv, "r", m, dim=-1) + hW[:, :m])   # r_t = σ(V_r x_t + W_r h_{t-1} + b_r)
    u = torch.sigmoid(block(xv, "u", m, dim=-1) + hW[:, m:])   # u_t = σ(V_u x_t + W_u h_{t-1} + b_u)
    if variant == "cho":                                   # g_t = tanh(V_g x_t + W_g (h_{t-1} ⊙ r_t) + b_g)
        W_g = block(W, "g", m)
        g = torch.tanh(block(xv, "g", m, dim=-1) + (h * r) @ W_g.T)
    else:                                                  # g_t = tanh(V_g x_t + b_g + r_t ⊙ (W_g h_{t-1} + b_hg))
        g = torch.tanh(block(xv, "g", m, dim=-1) + r * (hW_g + params["b_hg"]))
    return r, u, g


@accepts(params=GRU_PARAMS, x=Tensor("B", "n", same_dtype="θ"), h=Tensor("B", "m", same_dtype="θ"),
         variant=Choice(*VARIANTS))
@returns(Tensor("B", "m"), Tensor("B", "m"), Tensor("B", "m"))
def gru_gates(x, h, params, variant: str = "cho"):
    """一步的重置门 r_t、更新门 u_t 与候选值 g_t：``x`` (B, n) 是 x_t，``h`` (B, m) 是 h_{t-1}。返回三个 (B, m)。

    实现式 (eq-gru-gates) 与 (eq-gru-candidate)（``variant="torch"`` 时候选值用式 (eq-gru-variants) 的第二行）。
    """
    r, u, g = _gates(x @ params["V"].T + params["b"], h, params, variant)
    return r, u, g


@accepts(params=GRU_PARAMS, x=Tensor("B", "n", same_dtype="θ"), h=Tensor("B", "m", same_dtype="θ"),
         variant=Choice(*VARIANTS))
@returns(Tensor("B", "m"))
def gru_cell(x, h, params, variant: str = "cho"):
    """一步 GRU：h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}，实现式 (eq-gru-update)。``x`` (B, n)，``h`` (B, m) → h_t (B, m)。"""
    _, u, g = gru_gates(x, h, params, variant)
    h_new = (1 - u) * g + u * h
    return h_new


@accepts(params=GRU_PARAMS, X=Tensor("B", "T", "n", same_dtype="θ"), h0=Optional(Tensor("B", "m", same_dtype="θ")),
         variant=Choice(*VARIANTS), return_gates=Bool())
@returns(Tensor("B", "T", "m"), Tensor("B", "m"))
def gru_layer(X, params, h0=None, variant: str = "cho", return_gates: bool = False):
    """整条序列：``X`` (B, T, n)，``h0`` (B, m)（None 时全零）→ ``(H, h_T)``，H (B, T, m) 的 H[:, t-1] 是 h_t；
    逐步实现式 (eq-gru-gates)、(eq-gru-candidate) 与 (eq-gru-update)。

    输入部分 V x_t + b 与 h 无关，在时间循环之前对全部 t 一次算好。``return_gates=True`` 时再返回
    ``(R, U, G)``，各是 (B, T, m)，第 t - 1 列是 r_t、u_t、g_t（``@returns`` 声明的是默认的两个返回值）。
    """
    h = X.new_zeros(X.shape[0], params["W"].shape[1]) if h0 is None else h0
    XV = X @ params["V"].T + params["b"]                   # (B, T, 3m)，移出时间循环
    H, gates = [], []
    for xv in XV.unbind(1):          # t = 1, …, T；unbind 的反向是一次 stack（逐步取 XV[:, t - 1] 的反向每步都要清零整块）
        r, u, g = _gates(xv, h, params, variant)
        h = (1 - u) * g + u * h
        H.append(h)
        gates.append((r, u, g))
    H = torch.stack(H, dim=1)
    if return_gates:
        return H, h, tuple(torch.stack(list(seq), dim=1) for seq in zip(*gates))
    return H, h


# 定义于 chapters/04_gru/01_gru.ipynb 「门控循环单元」§「两种变体：重置门放在矩阵乘法之前还是之后」
@accepts(params=ANY_GRU_PARAMS)
def gru_to_torch(params) -> nn.GRU:
    """本书的参数 → 一个 ``nn.GRU``（单层、batch_first，dtype 与参数相同）。本书的 (r, u, g) 与 torch 的 (r, z, n)
    只在这里、``gru_from_torch`` 与 ``gru_grads_from_torch`` 里换算（式 (eq-gru-variants) 下面的「偏置」一段），
    两种布局见 ``wordvec_rnn.gates``。

    torch 的 z 就是更新门 u，n 就是候选值 g，三块的堆叠顺序相同，所以 ``weight_ih_l0 = V``、``weight_hh_l0 = W``。
    torch 有两组偏置：``bias_ih_l0`` 取 b，``bias_hh_l0`` 的 r、z 两块取 0，n 块取 ``b_hg``（``"cho"`` 变体的参数
    没有 ``b_hg``，取 0）。注意 ``nn.GRU`` 计算的总是 ``"torch"`` 变体：重置门乘在 W_g h_{t-1} + b_hg 之后。
    """
    variant = variant_of(params)
    n, m = params["V"].shape[1], params["W"].shape[1]
    module = nn.GRU(n, m, batch_first=True, dtype=params["W"].dtype)
    b_hh = params["W"].new_zeros(3 * m)                  # 按 torch 的 (r, z, n) 堆叠，只有 n 块可能非零
    if variant == "torch":
        TORCH_GRU_GATES.block(b_hh, "n", m).copy_(params["b_hg"])
    with torch.no_grad():
        for name, key in (("weight_ih_l0", "V"), ("weight_hh_l0", "W"), ("bias_ih_l0", "b")):
            getattr(module, name).copy_(GRU_GATES.reorder(params[key], to=TORCH_GRU_GATES))
        module.bias_hh_l0.copy_(b_hh)
    return module


def _is_plain_gru(module) -> bool:
    """单层、单向、带偏置的 ``nn.GRU``：本书 ``"torch"`` 变体的参数能与它一一对应。"""
    return isinstance(module, nn.GRU) and module.num_layers == 1 and not module.bidirectional and module.bias


@accepts(module=Satisfies(_is_plain_gru, "单层、单向、bias=True 的 torch.nn.GRU"))
@returns(ANY_GRU_PARAMS)
def gru_from_torch(module: nn.GRU) -> dict:
    """一个单层、单向、带偏置的 ``nn.GRU`` → ``"torch"`` 变体（式 (eq-gru-variants)）的参数（新张量，不与模块共享存储）。

    r、z 两块的两个偏置总是相加出现，合成一个：b_r = b_ir + b_hr，b_u = b_iz + b_hz；n 块的 b_in 在重置门之外，
    是 b_g，b_hn 在重置门之内，是 b_hg。
    """
    m = module.hidden_size
    with torch.no_grad():
        b_hh = module.bias_hh_l0.detach().clone()
        b_hg = TORCH_GRU_GATES.block(b_hh, "n", m).clone()
        TORCH_GRU_GATES.block(b_hh, "n", m).zero_()          # r、z 两块与 bias_ih 相加；n 块的 b_hn 单独成为 b_hg
        stacked = {"V": module.weight_ih_l0, "W": module.weight_hh_l0, "b": module.bias_ih_l0 + b_hh}
        params = {key: TORCH_GRU_GATES.reorder(value.detach(), to=GRU_GATES) for key, value in stacked.items()}
        return params | {"b_hg": b_hg}


@accepts(module=Satisfies(lambda g: _is_plain_gru(g) and all(p.grad is not None for p in g.parameters()),
                          "反向传播过（每个参数都有 .grad）的单层、单向、bias=True 的 torch.nn.GRU"))
@returns(ANY_GRU_PARAMS)
def gru_grads_from_torch(module: nn.GRU) -> dict:
    """反向传播之后，``nn.GRU`` 参数的梯度换成本书 ``"torch"`` 变体（式 (eq-gru-variants)）参数的梯度（新张量）。b_r、b_u 是两个偏置的和，
    两者的梯度相同，取 bias_ih 的；b_g 就是 b_in，b_hg 就是 b_hn，所以 ∂L/∂b 是 bias_ih 的梯度，∂L/∂b_hg 是
    bias_hh 梯度的 n 块。"""
    grads = {"V": module.weight_ih_l0.grad, "W": module.weight_hh_l0.grad, "b": module.bias_ih_l0.grad}
    b_hg = TORCH_GRU_GATES.block(module.bias_hh_l0.grad, "n", module.hidden_size).clone()
    return {key: TORCH_GRU_GATES.reorder(grad, to=GRU_GATES) for key, grad in grads.items()} | {"b_hg": b_hg}


# 定义于 chapters/04_gru/01_gru.ipynb 「门控循环单元」§「几种极端情形」
@accepts(params=ANY_GRU_PARAMS, values=Params({gate: Real() for gate in GRU_GATES}, optional=dict.fromkeys(GRU_GATES)))
@returns(ANY_GRU_PARAMS)
def set_gate_bias(params, **values: float) -> dict:
    """参数的副本，其中偏置 b 里给定门的那一块全部设为给定常数，如 ``set_gate_bias(params, r=30.0, u=-30.0)``。

    改的是式 (eq-gru-gates) 中的 b_r、b_u（或式 (eq-gru-candidate) 中的 b_g），按式 (eq-gru-stack) 的顺序找到那一块。
    """
    m = params["W"].shape[1]
    out = {name: value.detach().clone() for name, value in params.items()}
    for gate, value in values.items():
        GRU_GATES.block(out["b"], gate, m).fill_(value)
    return out


# 定义于 chapters/04_gru/02_gru_gradients.ipynb 「GRU 的梯度」§「PyTorch 变体」
@accepts(params=GRU_PARAMS, x=Tensor("n", same_dtype="θ"), h=Tensor("m", same_dtype="θ"), variant=Choice(*VARIANTS))
@returns(Params({"copy": Tensor("m", "m"), "candidate": Tensor("m", "m"), "update": Tensor("m", "m")}))
def gru_jacobian_terms(x, h, params, variant: str = "cho") -> dict:
    """一个样本的 ∂h_t/∂h_{t-1} 的三项：``x`` (n,) 是 x_t，``h`` (m,) 是 h_{t-1}，每项 (m, m)。

    实现式 (eq-grugrad-jacobian) 的三项，其中的导数照式 (eq-grugrad-gates)、(eq-grugrad-candidate-cho)
    （``variant="torch"`` 时照式 (eq-grugrad-candidate-torch)）。

    - ``"copy"``：diag(u_t)，直接复制 h_{t-1} 的那条路；
    - ``"candidate"``：diag(1 − u_t) ∂g_t/∂h_{t-1}，经过候选值的路（两个变体不同）；
    - ``"update"``：diag(h_{t-1} − g_t) ∂u_t/∂h_{t-1}，经过更新门的路，∂u_t/∂h_{t-1} = diag(u_t ⊙ (1 − u_t)) W_u。
    """
    m, W = h.shape[0], params["W"]
    r, u, g = (a[0] for a in gru_gates(x[None], h[None], params, variant))
    W_r, W_u, W_g = (block(W, gate, m) for gate in ("r", "u", "g"))
    dr = (r * (1 - r))[:, None] * W_r                      # ∂r_t/∂h_{t-1} = diag(r_t ⊙ (1 − r_t)) W_r
    du = (u * (1 - u))[:, None] * W_u                      # ∂u_t/∂h_{t-1} = diag(u_t ⊙ (1 − u_t)) W_u
    if variant == "cho":                                   # ∂(W_g (h ⊙ r))/∂h = W_g [diag(r) + diag(h) ∂r/∂h]
        da = W_g @ (torch.diag(r) + h[:, None] * dr)
    else:                                                  # ∂(r ⊙ q)/∂h = diag(r) W_g + diag(q) ∂r/∂h，q = W_g h + b_hg
        q = W_g @ h + params["b_hg"]
        da = r[:, None] * W_g + q[:, None] * dr
    dg = (1 - g ** 2)[:, None] * da                        # ∂g_t/∂h_{t-1} = diag(1 − g_t²) ∂a_t/∂h_{t-1}
    terms = {"copy": torch.diag(u), "candidate": (1 - u)[:, None] * dg, "update": (h - g)[:, None] * du}
    return terms


@accepts(params=GRU_PARAMS, x=Tensor("n", same_dtype="θ"), h=Tensor("m", same_dtype="θ"), variant=Choice(*VARIANTS))
@returns(Tensor("m", "m"))
def gru_jacobian(x, h, params, variant: str = "cho"):
    """一个样本的 ∂h_t/∂h_{t-1} = diag(u_t) + diag(1 − u_t) ∂g_t/∂h_{t-1} + diag(h_{t-1} − g_t) ∂u_t/∂h_{t-1}，(m, m)；
    实现式 (eq-grugrad-jacobian)。"""
    terms = gru_jacobian_terms(x, h, params, variant)
    return terms["copy"] + terms["candidate"] + terms["update"]


# 定义于 chapters/04_gru/02_gru_gradients.ipynb 「GRU 的梯度」§「手写的反向传播」
class _GRULayerFunction(torch.autograd.Function):
    """gru_layer 的前向，反向是式 (eq-grugrad-bwd-gu)–(eq-grugrad-bwd-weights)。内部按时间优先存放 (T, B, ·)。"""

    @staticmethod
    def forward(ctx, X, V, W, b, b_hg, h0, cho: bool):
        B, T, n = X.shape
        m = W.shape[1]
        X_t = X.transpose(0, 1).reshape(T * B, n)                  # 第 t 步是连续的 B 行
        A = torch.addmm(b, X_t, V.T).view(T, B, 3 * m)              # 先存 V x_t + b，逐步换成 (r_t, u_t, g_t)
        H, P = X.new_empty(T + 1, B, m), X.new_empty(T, B, m)       # H[t] = h_t；P[t-1] = p_t（Cho）或 q_t（PyTorch）
        H[0] = h0
        for t in range(1, T + 1):
            a, h = A[t - 1], H[t - 1]
            hW = h @ (W[:2 * m] if cho else W).T                    # W_r h、W_u h（PyTorch 变体还有 W_g h）
            a[:, :2 * m].add_(hW[:, :2 * m]).sigmoid_()             # r_t、u_t
            r, u, g = a.split(m, dim=1)
            if cho:
                torch.mul(h, r, out=P[t - 1])                       # p_t = h_{t-1} ⊙ r_t
                g.addmm_(P[t - 1], W[2 * m:].T)
            else:
                torch.add(hW[:, 2 * m:], b_hg, out=P[t - 1])        # q_t = W_g h_{t-1} + b_hg
                g.addcmul_(r, P[t - 1])
            g.tanh_()                                               # g_t
            torch.lerp(g, h, u, out=H[t])                           # h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}
        ctx.cho = cho
        ctx.save_for_backward(X_t, V, W, A, H, P)
        return H[1:].transpose(0, 1).contiguous(), H[T].clone()

    @staticmethod
    def backward(ctx, dH, dh_T):
        X_t, V, W, A, H, P = ctx.saved_tensors
        T, B, m = H.shape[0] - 1, H.shape[1], H.shape[2]
        W_ru, W_g = W[:2 * m], W[2 * m:]
        dH = dH.transpose(0, 1)
        delta, dQ = torch.empty_like(A), torch.empty_like(P)        # (δ^r, δ^u, δ^g)；q̄_t（PyTorch 变体）
        dh = dh_T
        for t in range(T, 0, -1):
            r, u, g = A[t - 1].split(m, dim=1)
            h = H[t - 1]
            dh = dh + dH[t - 1]                                     # h̄_t
            d_r, d_u, d_g = delta[t - 1].split(m, dim=1)
            torch.mul(dh * (1 - u), 1 - g * g, out=d_g)            # 式 (eq-grugrad-bwd-gu)
            torch.mul(dh * (h - g), u * (1 - u), out=d_u)
            if ctx.cho:                                             # 式 (eq-grugrad-bwd-r)
                dp = d_g @ W_g
                torch.mul(dp * h, r * (1 - r), out=d_r)
                through_g = dp * r
            else:
                torch.mul(d_g * P[t - 1], r * (1 - r), out=d_r)
                through_g = torch.mul(d_g, r, out=dQ[t - 1]) @ W_g
            dh = (dh * u + through_g).addmm_(delta[t - 1][:, :2 * m], W_ru)   # 式 (eq-grugrad-bwd-h)
        Delta, H_prev = delta.view(T * B, 3 * m), H[:-1].reshape(T * B, m)   # 式 (eq-grugrad-bwd-weights)
        dW_g = Delta[:, 2 * m:].T @ P.view(T * B, m) if ctx.cho else dQ.view(T * B, m).T @ H_prev
        dW = torch.cat([Delta[:, :2 * m].T @ H_prev, dW_g])
        db_hg = None if ctx.cho else dQ.sum(dim=(0, 1))
        dX = (Delta @ V).view(T, B, -1).transpose(0, 1) if ctx.needs_input_grad[0] else None   # 不要 X 的梯度时不算
        dV = (X_t.T @ Delta).T                                      # Δ^T X = (X^T Δ)^T：同一个积，这样排乘得更快
        return dX, dV, dW, Delta.sum(0), db_hg, dh, None


@accepts(params=GRU_PARAMS, X=Tensor("B", "T", "n", same_dtype="θ"), h0=Optional(Tensor("B", "m", same_dtype="θ")),
         variant=Choice(*VARIANTS))
@returns(Tensor("B", "T", "m"), Tensor("B", "m"))
def gru_layer_manual(X, params, h0=None, variant: str = "cho"):
    """与 ``gru_layer`` 相同的层与返回值 ``(H, h_T)``，反向传播是手写的：式 (eq-grugrad-bwd-gu)–
    (eq-grugrad-bwd-weights)，见 (sec-grugrad-manual)。

    ``X`` (B, T, n)，``h0`` (B, m)（None 时全零），``variant`` 是 ``"cho"`` 或 ``"torch"``（参数字典要与之相符）。
    """
    h0 = X.new_zeros(X.shape[0], params["W"].shape[1]) if h0 is None else h0
    return _GRULayerFunction.apply(X, params["V"], params["W"], params["b"], params.get("b_hg"), h0, variant == "cho")
