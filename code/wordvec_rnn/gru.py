# 本模块由 `python -m wordvec_rnn.export` 从章节笔记本中标记 `#@save gru` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/04_gru/01_gru.ipynb
#   chapters/04_gru/02_gru_gradients.ipynb

"""第 04 章「门控循环单元」（chapters/04_gru/01_gru.ipynb）与「GRU 的梯度」
（chapters/04_gru/02_gru_gradients.ipynb）中推导并实现的代码：两种变体、几种极端情形；PyTorch 变体。
"""

import torch
from torch import nn

from wordvec_rnn.checks import check_array, check_choice, check_float, check_int, fail
from wordvec_rnn.gates import GRU_GATES, TORCH_GRU_GATES

# 定义于 chapters/04_gru/01_gru.ipynb 「门控循环单元」§「两种变体：重置门放在矩阵乘法之前还是之后」
VARIANTS = ("cho", "torch")      # 重置门作用在 W_g 之前（原讲义、Cho 等 2014）或之后（torch.nn.GRU）


def block(A: torch.Tensor, gate: str, m: int, dim: int = 0) -> torch.Tensor:
    """堆叠张量 ``A`` 中属于门 ``gate``（"r"、"u"、"g"）的那一块：沿第 ``dim`` 维（长 3m）取 m 个，返回视图；
    堆叠顺序见式 (eq-gru-stack)。

    ``V``、``W``、``b`` 沿第 0 维堆叠；一批 (B, 3m) 的预激活沿最后一维（``dim=-1``）。顺序 ``GRU_GATES`` 定义在
    ``wordvec_rnn.gates``。
    """
    return GRU_GATES.block(A, gate, m, dim)


def check_gru_params(params, variant: str) -> dict[str, int]:
    """检查 GRU 参数字典，返回维数 ``{"n": …, "m": …}``；形状见式 (eq-gru-stack) 与 (eq-gru-variants)。

    两个变体都有 ``V`` (3m, n)、``W`` (3m, m)、``b`` (3m,)，按 (r, u, g) 堆叠；``"torch"`` 变体还有候选值在
    重置门之内的偏置 ``b_hg`` (m,)，``"cho"`` 变体没有它。所有参数的 dtype 相同。
    """
    check_choice(variant, "variant", VARIANTS)
    names = {"V", "W", "b"} | ({"b_hg"} if variant == "torch" else set())
    if not isinstance(params, dict) or set(params) != names:
        fail("params", f"{variant} 变体的参数字典，键为 {', '.join(sorted(names))}", params)
    W = check_array(params["W"], "params['W']", ndim=2, dtype="float")
    dims = {"m": W.shape[1]}
    shapes = {"V": (3 * dims["m"], "n"), "W": (3 * dims["m"], "m"), "b": (3 * dims["m"],), "b_hg": ("m",)}
    for name in sorted(names):
        value = check_array(params[name], f"params['{name}']", shape=shapes[name], dtype="float", dims=dims)
        if not isinstance(value, torch.Tensor) or value.dtype != W.dtype:
            fail(f"params['{name}']", f"dtype 为 {W.dtype} 的 torch 张量（与 W 相同）", value)
    return dims


def variant_of(params) -> str:
    """参数字典属于式 (eq-gru-variants) 的哪个变体：有 ``b_hg`` 是 ``"torch"``，否则是 ``"cho"``（再由 ``check_gru_params`` 细查）。"""
    return "torch" if isinstance(params, dict) and "b_hg" in params else "cho"


def init_gru_params(n: int, m: int, *, variant: str = "cho", generator: torch.Generator | None = None,
                    dtype: torch.dtype = torch.float64, b_u: float = 0.0) -> dict:
    """GRU 的参数：``V`` (3m, n)、``W`` (3m, m)、``b`` (3m,)，按 (r, u, g) 堆叠（式 (eq-gru-stack)）；``variant="torch"``
    时还有 ``b_hg`` (m,)。

    与 ``torch.nn.GRU`` 一样，每个元素取自 U(-1/√m, 1/√m)；再给更新门的偏置 b_u 那一块加上常数 ``b_u``
    （大的 b_u 让 u_t 一开始就接近 1）。``generator`` 是 ``torch.Generator``（None 时用 torch 的全局随机数）。
    """
    n, m = check_int(n, "n", low=1), check_int(m, "m", low=1)
    check_choice(variant, "variant", VARIANTS)
    if generator is not None and not isinstance(generator, torch.Generator):
        fail("generator", "torch.Generator 或 None", generator)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        fail("dtype", "torch 的浮点类型，如 torch.float64", dtype)
    b_u = check_float(b_u, "b_u")
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
    hW = h @ W[:2 * m].T                                   # (W_r h, W_u h)：r、u 两块一次算出
    r = torch.sigmoid(block(xv, "r", m, dim=-1) + hW[:, :m])   # r_t = σ(V_r x_t + W_r h_{t-1} + b_r)
    u = torch.sigmoid(block(xv, "u", m, dim=-1) + hW[:, m:])   # u_t = σ(V_u x_t + W_u h_{t-1} + b_u)
    W_g = block(W, "g", m)
    if variant == "cho":                                   # g_t = tanh(V_g x_t + W_g (h_{t-1} ⊙ r_t) + b_g)
        g = torch.tanh(block(xv, "g", m, dim=-1) + (h * r) @ W_g.T)
    else:                                                  # g_t = tanh(V_g x_t + b_g + r_t ⊙ (W_g h_{t-1} + b_hg))
        g = torch.tanh(block(xv, "g", m, dim=-1) + r * (h @ W_g.T + params["b_hg"]))
    return r, u, g


def gru_gates(x, h, params, variant: str = "cho"):
    """一步的重置门 r_t、更新门 u_t 与候选值 g_t：``x`` (B, n) 是 x_t，``h`` (B, m) 是 h_{t-1}。返回三个 (B, m)。

    实现式 (eq-gru-gates) 与 (eq-gru-candidate)（``variant="torch"`` 时候选值用式 (eq-gru-variants) 的第二行）。
    """
    dims = check_gru_params(params, variant)
    check_array(x, "x", shape=("B", "n"), dtype="float", dims=dims)
    check_array(h, "h", shape=("B", "m"), dtype="float", dims=dims)
    r, u, g = _gates(x @ params["V"].T + params["b"], h, params, variant)
    return r, u, g


def gru_cell(x, h, params, variant: str = "cho"):
    """一步 GRU：h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}，实现式 (eq-gru-update)。``x`` (B, n)，``h`` (B, m) → h_t (B, m)。"""
    _, u, g = gru_gates(x, h, params, variant)
    h_new = (1 - u) * g + u * h
    return h_new


def gru_layer(X, params, h0=None, variant: str = "cho", return_gates: bool = False):
    """整条序列：``X`` (B, T, n)，``h0`` (B, m)（None 时全零）→ ``(H, h_T)``，H (B, T, m) 的 H[:, t-1] 是 h_t；
    逐步实现式 (eq-gru-gates)、(eq-gru-candidate) 与 (eq-gru-update)。

    输入部分 V x_t + b 与 h 无关，在时间循环之前对全部 t 一次算好。``return_gates=True`` 时再返回
    ``(R, U, G)``，各是 (B, T, m)，第 t - 1 列是 r_t、u_t、g_t。
    """
    dims = check_gru_params(params, variant)
    check_array(X, "X", shape=("B", "T", "n"), dtype="float", dims=dims)
    if h0 is None:
        h0 = X.new_zeros(dims["B"], dims["m"])
    h = check_array(h0, "h0", shape=("B", "m"), dtype="float", dims=dims)
    XV = X @ params["V"].T + params["b"]                   # (B, T, 3m)，移出时间循环
    H, gates = [], []
    for t in range(1, dims["T"] + 1):
        r, u, g = _gates(XV[:, t - 1], h, params, variant)
        h = (1 - u) * g + u * h
        H.append(h)
        gates.append((r, u, g))
    H = torch.stack(H, dim=1)
    if return_gates:
        return H, h, tuple(torch.stack(list(seq), dim=1) for seq in zip(*gates))
    return H, h


# 定义于 chapters/04_gru/01_gru.ipynb 「门控循环单元」§「两种变体：重置门放在矩阵乘法之前还是之后」
def gru_to_torch(params) -> nn.GRU:
    """本书的参数 → 一个 ``nn.GRU``（单层、batch_first，dtype 与参数相同）。本书的 (r, u, g) 与 torch 的 (r, z, n)
    只在这里和 ``gru_from_torch`` 里换算（式 (eq-gru-variants) 下面的「偏置」一段），两种布局见 ``wordvec_rnn.gates``。

    torch 的 z 就是更新门 u，n 就是候选值 g，三块的堆叠顺序相同，所以 ``weight_ih_l0 = V``、``weight_hh_l0 = W``。
    torch 有两组偏置：``bias_ih_l0`` 取 b，``bias_hh_l0`` 的 r、z 两块取 0，n 块取 ``b_hg``（``"cho"`` 变体的参数
    没有 ``b_hg``，取 0）。注意 ``nn.GRU`` 计算的总是 ``"torch"`` 变体：重置门乘在 W_g h_{t-1} + b_hg 之后。
    """
    variant = variant_of(params)
    dims = check_gru_params(params, variant)
    n, m = dims["n"], dims["m"]
    module = nn.GRU(n, m, batch_first=True, dtype=params["W"].dtype)
    b_hh = params["W"].new_zeros(3 * m)                  # 按 torch 的 (r, z, n) 堆叠，只有 n 块可能非零
    if variant == "torch":
        TORCH_GRU_GATES.block(b_hh, "n", m).copy_(params["b_hg"])
    with torch.no_grad():
        for name, key in (("weight_ih_l0", "V"), ("weight_hh_l0", "W"), ("bias_ih_l0", "b")):
            getattr(module, name).copy_(GRU_GATES.reorder(params[key], to=TORCH_GRU_GATES))
        module.bias_hh_l0.copy_(b_hh)
    return module


def gru_from_torch(module: nn.GRU) -> dict:
    """一个单层、单向、带偏置的 ``nn.GRU`` → ``"torch"`` 变体（式 (eq-gru-variants)）的参数（新张量，不与模块共享存储）。

    r、z 两块的两个偏置总是相加出现，合成一个：b_r = b_ir + b_hr，b_u = b_iz + b_hz；n 块的 b_in 在重置门之外，
    是 b_g，b_hn 在重置门之内，是 b_hg。
    """
    if not isinstance(module, nn.GRU) or module.num_layers != 1 or module.bidirectional or not module.bias:
        fail("module", "单层、单向、bias=True 的 torch.nn.GRU", module)
    m = module.hidden_size
    with torch.no_grad():
        b_hh = module.bias_hh_l0.detach().clone()
        b_hg = TORCH_GRU_GATES.block(b_hh, "n", m).clone()
        TORCH_GRU_GATES.block(b_hh, "n", m).zero_()          # r、z 两块与 bias_ih 相加；n 块的 b_hn 单独成为 b_hg
        stacked = {"V": module.weight_ih_l0, "W": module.weight_hh_l0, "b": module.bias_ih_l0 + b_hh}
        params = {key: TORCH_GRU_GATES.reorder(value.detach(), to=GRU_GATES) for key, value in stacked.items()}
        return params | {"b_hg": b_hg}


# 定义于 chapters/04_gru/01_gru.ipynb 「门控循环单元」§「几种极端情形」
def set_gate_bias(params, **values: float) -> dict:
    """参数的副本，其中偏置 b 里给定门的那一块全部设为给定常数，如 ``set_gate_bias(params, r=30.0, u=-30.0)``。

    改的是式 (eq-gru-gates) 中的 b_r、b_u（或式 (eq-gru-candidate) 中的 b_g），按式 (eq-gru-stack) 的顺序找到那一块。
    """
    dims = check_gru_params(params, variant_of(params))
    out = {name: value.detach().clone() for name, value in params.items()}
    for gate, value in values.items():
        check_choice(gate, "门的名字", GRU_GATES)
        block(out["b"], gate, dims["m"]).fill_(check_float(value, gate))
    return out


# 定义于 chapters/04_gru/02_gru_gradients.ipynb 「GRU 的梯度」§「PyTorch 变体」
def gru_jacobian_terms(x, h, params, variant: str = "cho") -> dict:
    """一个样本的 ∂h_t/∂h_{t-1} 的三项：``x`` (n,) 是 x_t，``h`` (m,) 是 h_{t-1}，每项 (m, m)。

    实现式 (eq-grugrad-jacobian) 的三项，其中的导数照式 (eq-grugrad-gates)、(eq-grugrad-candidate-cho)
    （``variant="torch"`` 时照式 (eq-grugrad-candidate-torch)）。

    - ``"copy"``：diag(u_t)，直接复制 h_{t-1} 的那条路；
    - ``"candidate"``：diag(1 − u_t) ∂g_t/∂h_{t-1}，经过候选值的路（两个变体不同）；
    - ``"update"``：diag(h_{t-1} − g_t) ∂u_t/∂h_{t-1}，经过更新门的路，∂u_t/∂h_{t-1} = diag(u_t ⊙ (1 − u_t)) W_u。
    """
    dims = check_gru_params(params, variant)
    check_array(x, "x", shape=("n",), dtype="float", dims=dims)
    check_array(h, "h", shape=("m",), dtype="float", dims=dims)
    m, W = dims["m"], params["W"]
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


def gru_jacobian(x, h, params, variant: str = "cho"):
    """一个样本的 ∂h_t/∂h_{t-1} = diag(u_t) + diag(1 − u_t) ∂g_t/∂h_{t-1} + diag(h_{t-1} − g_t) ∂u_t/∂h_{t-1}，(m, m)；
    实现式 (eq-grugrad-jacobian)。"""
    terms = gru_jacobian_terms(x, h, params, variant)
    return terms["copy"] + terms["candidate"] + terms["update"]
