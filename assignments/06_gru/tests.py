"""作业 6 的测试：GRU 的两个门、候选值（原讲义的 Cho 变体与 PyTorch 变体）、一步与整条序列，以及一步的雅可比矩阵。

带 ``public=True`` 的测试原样放进学生版作为自测（固定的种子与数字）；其余只在评分包里。隐藏测试的具体输入取自
``hidden_torch_generator(k)``（每个测试一个 k，评分时由教师的秘密种子决定），先后顺序不影响数字；期望值由本文件里的
``_reference_*`` 辅助函数（直接照公式写、导数交给 autograd）或 ``nn.GRU`` 算出，不依赖学生的其他函数。
第 6.1 题的隐藏测试两个函数都查：学生的 ``gru_gates``，与直接调用学生的 ``_gates``。
"""

import torch
from wordvec_classroom import (
    Assignment,
    Question,
    check,
    hidden_torch_generator,
    with_globals,
)
from wordvec_rnn.gates import GRU_GATES
from wordvec_rnn.gru import gru_to_torch, init_gru_params, set_gate_bias

ASSIGNMENT = Assignment(
    number=6,
    title="GRU：门、单元与雅可比矩阵",
    chapters=("chapters/04_gru/01_gru.ipynb", "chapters/04_gru/02_gru_gradients.ipynb"),
    intro=(
        "本作业对应第 04 章「门控循环单元」的两节。你要实现门控循环单元（GRU）的重置门、更新门与候选值"
        "（两种变体），一步与整条序列的状态更新，以及一步的雅可比矩阵 $\\partial h_t/\\partial h_{t-1}$。"
        "记号与章节相同：参数字典的 `V` $(3m,n)$、`W` $(3m,m)$、`b` $(3m,)$ 按 $(r,u,g)$ 的顺序上下堆叠，"
        "`block(A, gate, m)` 取出属于某个门的一块（一批预激活沿最后一维时用 `dim=-1`）；`variant=\"torch\"` "
        "的参数字典另有 `b_hg` $(m,)$。张量都是 float64 的 torch 张量，`x` 是 $(B,n)$ 的一批 $x_t$，"
        "`h` 是 $(B,m)$ 的一批 $h_{t-1}$。前向传播之外的梯度交给 autograd，只有第 6.3 题手推雅可比矩阵，"
        "并与 autograd 核对。后面的题会调用前面题里你写的函数，请按顺序做：自测用的就是你自己的函数；"
        "隐藏测试检查 6.2、6.3 时把你的 `gru_gates`、`_gates` 换成参照实现，前一题的错误不会连累后面的隐藏测试。"
    ),
    questions=(
        Question("6.1", "重置门、更新门与候选值", ("_gates", "gru_gates"),
                 "两个门都是仿射变换接 sigmoid：$r_t=\\sigma(V_rx_t+W_rh_{t-1}+b_r)$，"
                 "$u_t=\\sigma(V_ux_t+W_uh_{t-1}+b_u)$。候选值用 $\\tanh$，两种变体只在重置门的位置上不同：\n\n"
                 "- `\"cho\"`（原讲义、Cho 等 2014）：$g_t=\\tanh\\bigl(V_gx_t+W_g(h_{t-1}\\odot r_t)+b_g\\bigr)$，"
                 "重置门乘在 $h_{t-1}$ 上，**再**乘 $W_g$；\n"
                 "- `\"torch\"`（`torch.nn.GRU`）：$g_t=\\tanh\\bigl(V_gx_t+b_g+r_t\\odot(W_gh_{t-1}+b_{hg})\\bigr)$，"
                 "重置门乘在矩阵乘积**之后**，$b_{hg}$ 在重置门之内。\n\n"
                 "`_gates(xv, h, params, variant)` 拿到已算好的输入部分 `xv` $=Vx_t+b$（形状 $(B,3m)$），"
                 "返回 $(r_t,u_t,g_t)$；`gru_gates` 先算出 `xv` 再交给 `_gates`。堆叠顺序是 $(r,u,g)$："
                 "第 1 块（前 $m$ 行）属于重置门，第 2 块属于更新门，第 3 块属于候选值，恰好与 torch 的 $(r,z,n)$ 相同。"),
        Question("6.2", "一步与整条序列", ("gru_cell", "gru_layer"),
                 "新状态是旧状态与候选值的逐元素凸组合（本书的约定，注意哪一边乘 $u_t$）：\n\n"
                 "$$h_t=(1-u_t)\\odot g_t+u_t\\odot h_{t-1}.$$\n\n"
                 "$u_{t,j}\\approx1$ 时第 $j$ 个分量被原样保留，$u_{t,j}\\approx0$ 时被候选值改写。"
                 "`gru_cell` 算一步；`gru_layer` 处理整条序列 `X` $(B,T,n)$：$Vx_t+b$ 对全部 $t$ 在时间循环之前"
                 "一次算好，循环里调用 `_gates`，`H[:, t-1]` 是第 $t$ 步**之后**的 $h_t$。"
                 "`variant=\"torch\"` 的结果要与拷入同样权重的 `nn.GRU`（`gru_to_torch(params)`）一致。"),
        Question("6.3", "一步的雅可比矩阵", ("gru_jacobian_terms",),
                 "一个样本（`x` $(n,)$、`h` $(m,)$，不带批维）的 $\\partial h_t/\\partial h_{t-1}$ 有三项，"
                 "按键 `\"copy\"`、`\"candidate\"`、`\"update\"` 放进字典返回，每项 $(m,m)$：\n\n"
                 "$$\\frac{\\partial h_t}{\\partial h_{t-1}}=\\underbrace{\\operatorname{diag}(u_t)}_{\\text{copy}}"
                 "+\\underbrace{\\operatorname{diag}(1-u_t)\\frac{\\partial g_t}{\\partial h_{t-1}}}_{\\text{candidate}}"
                 "+\\underbrace{\\operatorname{diag}(h_{t-1}-g_t)\\frac{\\partial u_t}{\\partial h_{t-1}}}_{\\text{update}},$$\n\n"
                 "其中 $\\frac{\\partial u_t}{\\partial h_{t-1}}=\\operatorname{diag}(u_t\\odot(1-u_t))W_u$，"
                 "$\\frac{\\partial r_t}{\\partial h_{t-1}}=\\operatorname{diag}(r_t\\odot(1-r_t))W_r$；"
                 "Cho 变体 $\\frac{\\partial g_t}{\\partial h_{t-1}}=\\operatorname{diag}(1-g_t^2)W_g\\bigl[\\operatorname{diag}(r_t)"
                 "+\\operatorname{diag}(h_{t-1})\\frac{\\partial r_t}{\\partial h_{t-1}}\\bigr]$，PyTorch 变体 "
                 "$\\operatorname{diag}(1-g_t^2)\\bigl[\\operatorname{diag}(r_t)W_g+\\operatorname{diag}(q_t)"
                 "\\frac{\\partial r_t}{\\partial h_{t-1}}\\bigr]$，$q_t=W_gh_{t-1}+b_{hg}$。"
                 "$u_t$ 与 $r_t$ 都依赖 $h_{t-1}$：经过更新门与经过重置门的路都不能漏（原讲义漏了经过更新门的一项）。"
                 "$\\operatorname{diag}(a)M$ 写成 `a[:, None] * M`。门的值用你在 6.1 写的 `gru_gates` 算。"),
    ),
)

# ---------------------------------------------------------------- 隐藏测试的参照（照公式直接写，导数交给 autograd）

def _setup(gen, variant="cho", n=3, m=4, B=2):
    """隐藏测试的随机输入（``gen`` 来自 hidden_torch_generator）：参数取自 init_gru_params，元素在 (-1/√m, 1/√m) 内；
    x、h 的分量都在 (-1, 1) 内。于是 m = 4、n = 3 时，门的预激活中偏置之外的部分 |V x + W h| ≤ 3/2 + 2 = 7/2，
    候选值的 |V_g x + r ⊙ (W_g h + b_hg)| ≤ 3/2 + 5/2 = 4：把偏置设成大数的测试因此对任何秘密种子都成立。"""
    params = init_gru_params(n, m, variant=variant, generator=gen)
    x = 2 * torch.rand(B, n, generator=gen, dtype=torch.float64) - 1
    h = 2 * torch.rand(B, m, generator=gen, dtype=torch.float64) - 1
    return params, x, h


def _uniform(gen, low, high):
    """[low, high) 里的一个随机数（Python float，可传给 set_gate_bias）。"""
    return low + (high - low) * torch.rand((), generator=gen, dtype=torch.float64).item()


def _gate_routes(gru_gates, _gates):
    """第 6.1 题的两个函数：学生的 ``_gates``（xv = V x_t + b 由测试算好）与学生的 ``gru_gates``，接口都是 (x, h, params, variant)。"""

    def via_gates(x, h, params, variant):
        return _gates(x @ params["V"].T + params["b"], h, params, variant)

    return (("_gates", via_gates), ("gru_gates", gru_gates))


def _reference_gates(x, h, params, form, detach_r=False):
    """(r, u, g)：``form`` 是候选值的写法，"cho"、"torch"、"torch_no_bhg"（丢掉 b_hg）或 "torch_bhg_outside"。"""
    m = h.shape[-1]
    V, W, b = (GRU_GATES.split(params[key]) for key in ("V", "W", "b"))   # 按 (r, u, g) 切成三块
    pre = {gate: x @ V[gate].T + b[gate] for gate in GRU_GATES}
    W_g = W["g"]
    r = torch.sigmoid(pre["r"] + h @ W["r"].T)
    u = torch.sigmoid(pre["u"] + h @ W["u"].T)
    r_used = r.detach() if detach_r else r
    b_hg = params.get("b_hg", torch.zeros(m, dtype=h.dtype))
    if form == "cho":
        a = pre["g"] + (h * r_used) @ W_g.T
    elif form == "torch":
        a = pre["g"] + r_used * (h @ W_g.T + b_hg)
    elif form == "torch_no_bhg":
        a = pre["g"] + r_used * (h @ W_g.T)
    else:
        a = pre["g"] + r_used * (h @ W_g.T) + b_hg
    return r, u, torch.tanh(a)


def _reference_gru_gates(x, h, params, variant="cho"):
    return _reference_gates(x, h, params, variant)


def _reference_xv_gates(xv, h, params, variant):
    """与 ``_gates`` 同样的接口：``xv`` = V x_t + b 已算好。"""
    W, xv = GRU_GATES.split(params["W"]), GRU_GATES.split(xv, dim=-1)
    r = torch.sigmoid(xv["r"] + h @ W["r"].T)
    u = torch.sigmoid(xv["u"] + h @ W["u"].T)
    W_g, a = W["g"], xv["g"]
    if variant == "cho":
        return r, u, torch.tanh(a + (h * r) @ W_g.T)
    return r, u, torch.tanh(a + r * (h @ W_g.T + params["b_hg"]))


def _isolated(function):
    """``function`` 的副本，其中它调用的 ``gru_gates`` 与 ``_gates`` 换成参照实现：第 6.1 题的错误不连累后面的题。"""
    return with_globals(function, gru_gates=_reference_gru_gates, _gates=_reference_xv_gates)


def _reference_step(x, h, params, variant):
    _, u, g = _reference_gates(x, h, params, variant)
    return (1 - u) * g + u * h


def _reference_terms(x, h, params, variant, detach_r=False):
    """一个样本的三项；候选值一项由 autograd 求 ∂g/∂h（``detach_r`` 时不经过 r_t）。"""
    _, u, g = (a[0] for a in _reference_gates(x[None], h[None], params, variant))
    J_g = torch.autograd.functional.jacobian(
        lambda hp: _reference_gates(x[None], hp[None], params, variant, detach_r)[2][0], h)
    J_u = torch.autograd.functional.jacobian(lambda hp: _reference_gates(x[None], hp[None], params, variant)[1][0], h)
    return {"copy": torch.diag(u), "candidate": (1 - u)[:, None] * J_g, "update": (h - g)[:, None] * J_u}


def _close(a, b, tol=1e-10):
    return tuple(a.shape) == tuple(b.shape) and bool((a - b).abs().max() < tol)


def _max_diff(a, b):
    return (a - b).abs().max().item() if tuple(a.shape) == tuple(b.shape) else float("inf")


def _shown(expected, got):
    """断言信息里的「应是 …，得到 …」：两者的第一行（保留 6 位小数），形状不同时给出形状。"""
    if tuple(expected.shape) != tuple(got.shape):
        return f"形状应是 {tuple(expected.shape)}，得到 {tuple(got.shape)}"

    def first(a):
        return [round(v, 6) for v in a.reshape(-1, a.shape[-1])[0].tolist()]

    return f"第一行应是 {first(expected)}，得到 {first(got)}"


# ---------------------------------------------------------------- 6.1

@check("6.1", 2, public=True)
def test_gates_values(gru_gates):
    gen = torch.Generator().manual_seed(0)
    params = init_gru_params(3, 4, generator=gen)
    x = torch.randn(2, 3, generator=gen, dtype=torch.float64)
    h = 2 * torch.rand(2, 4, generator=gen, dtype=torch.float64) - 1
    r, u, g = gru_gates(x, h, params, "cho")
    assert r.shape == u.shape == g.shape == (2, 4), f"r_t、u_t、g_t 的形状都应是 (B, m) = (2, 4)，得到 {r.shape}、{u.shape}、{g.shape}"
    assert r.min() > 0 and r.max() < 1 and u.min() > 0 and u.max() < 1, (
        "门的每个分量都应在 (0, 1) 内：r_t 与 u_t 要用 sigmoid"
    )
    assert g.abs().max() < 1, "候选值 g_t 的每个分量都应在 (-1, 1) 内：用 tanh"
    assert abs(r[0, 0].item() - 0.5102860296) < 1e-8, f"r_t[0, 0] 应是 0.5102860296，得到 {r[0, 0].item():.10f}"
    assert abs(u[1, 2].item() - 0.1789730671) < 1e-8, f"u_t[1, 2] 应是 0.1789730671，得到 {u[1, 2].item():.10f}"
    assert abs(g[0, 3].item() - (-0.7200930095)) < 1e-8, (
        f"Cho 变体的 g_t[0, 3] 应是 -0.7200930095，得到 {g[0, 3].item():.10f}"
    )
    params_t = init_gru_params(3, 4, variant="torch", generator=torch.Generator().manual_seed(1))
    _, _, g_t = gru_gates(x, h, params_t, "torch")
    assert abs(g_t[1, 1].item() - (-0.1595966904)) < 1e-8, (
        f"PyTorch 变体的 g_t[1, 1] 应是 -0.1595966904，得到 {g_t[1, 1].item():.10f}"
    )


@check("6.1", 1)
def test_gate_nonlinearities(gru_gates, _gates):
    gen = hidden_torch_generator(2)
    for variant in ("cho", "torch"):
        params, x, h = _setup(gen, variant)
        # 偏置 ≤ -6，其余部分的绝对值 ≤ 7/2（门）或 4（候选值，见 _setup）：正确的门 ≤ σ(-5/2) < 0.08，候选值的预激活 ≤ -2
        bias = -_uniform(gen, 6, 8)
        for name, gates in _gate_routes(gru_gates, _gates):
            r, u, g = gates(x, h, set_gate_bias(params, r=bias, u=bias, g=bias), variant)
            assert r.min() > 0 and u.min() > 0, (
                f"你的 {name}：偏置为 {bias:.2f} 时门的分量应在 (0, 1) 内，得到 r_t 最小 {r.min().item():.3f}、u_t 最小 "
                f"{u.min().item():.3f}：r_t 与 u_t 要用 sigmoid，不是 tanh"
            )
            assert g.max() < 0, (
                f"你的 {name}：b_g = {bias:.2f} 时候选值 g_t 应是负数（接近 -1），得到的最大值是 {g.max().item():.3f}："
                "g_t 要用 tanh（取值在 (-1, 1)），不是 sigmoid"
            )
            assert r.max() < 0.1 and u.max() < 0.1, (
                f"你的 {name}：偏置为 {bias:.2f} 时 r_t、u_t 应接近 0（都小于 0.1），得到的最大值是 {r.max().item():.3f} 与 "
                f"{u.max().item():.3f}：是不是把偏置 b 漏掉了？"
            )


@check("6.1", 1)
def test_gate_order(gru_gates, _gates):
    gen = hidden_torch_generator(3)
    params, x, h = _setup(gen)
    # |V x + W h| ≤ 7/2（见 _setup）：b_r ≥ 30 时 r_t ≥ σ(26.5) > 1 − 10⁻¹¹，b_u ≤ −30 时 u_t < 10⁻¹¹
    b_r, b_u = _uniform(gen, 30, 40), -_uniform(gen, 30, 40)
    m = h.shape[1]
    for name, gates in _gate_routes(gru_gates, _gates):
        r, u, _ = gates(x, h, set_gate_bias(params, r=b_r, u=b_u), "cho")
        assert not (r.max() < 1e-6 and u.min() > 1 - 1e-6), (
            f"你的 {name}：b_r = {b_r:.1f}、b_u = {b_u:.1f} 时应有 r_t ≈ 1、u_t ≈ 0，你得到的正相反：r 与 u 取错了块。"
            "堆叠顺序是 (r, u, g)：V、W、b 的第 1 块（前 m 行）属于重置门 r，第 2 块属于更新门 u"
            "（与 torch 的 (r, z, n) 相同，不是 Keras 的 (z, r, h)）"
        )
        assert r.min() > 1 - 1e-6 and u.max() < 1e-6, (
            f"你的 {name}：b_r = {b_r:.1f}、b_u = {b_u:.1f} 时应有 r_t ≈ 1、u_t ≈ 0，得到 r_t 最小 {r.min().item():.3g}、"
            f"u_t 最大 {u.max().item():.3g}：检查 xv（即 V x_t + b）的切片，r 用第 1 块、u 用第 2 块"
        )
        for gate, other_gate, k in (("r", "u", 0), ("u", "r", 1)):
            rows, other = GRU_GATES.rows(gate, m), GRU_GATES.rows(other_gate, m)
            W = 10 * params["W"].clone()
            W[rows] = 0.0                                    # 只让 W_r（或 W_u）为 0，V、b 也为 0
            only_W = {"V": torch.zeros_like(params["V"]), "W": W, "b": torch.zeros_like(params["b"])}
            out = gates(x, h, only_W, "cho")[k]
            assert not _close(out, torch.sigmoid(h @ W[other].T)), (
                f"你的 {name}：V = 0、b = 0、W_{gate} = 0 时 {gate}_t 应全是 σ(0) = 0.5，你的 {gate}_t 却用了另一个门的 W 块："
                "W 的切片取错了块，W_r = W[:m]（第 1 块）、W_u = W[m:2m]（第 2 块），顺序 (r, u, g)"
            )
            assert _close(out, torch.full_like(out, 0.5)), (
                f"你的 {name}：V = 0、b = 0、W_{gate} = 0 时 {gate}_t 应全是 σ(0) = 0.5，"
                f"得到 {[round(v, 3) for v in out[0].tolist()]}"
            )


@check("6.1", 2)
def test_cho_candidate(gru_gates, _gates):
    params, x, h = _setup(hidden_torch_generator(4))
    _, _, g_ref = _reference_gates(x, h, params, "cho")
    _, _, g_after = _reference_gates(x, h, params, "torch")
    for name, gates in _gate_routes(gru_gates, _gates):
        _, _, g = gates(x, h, params, "cho")
        assert not _close(g, g_after), (
            f"你的 {name}：Cho 变体（原讲义）的候选值是 tanh(V_g x_t + W_g (h_{{t-1}} ⊙ r_t) + b_g)：重置门先乘在 h_{{t-1}} 上，"
            "再乘 W_g；你把 r_t 乘在了矩阵乘积 W_g h_{t-1} 之后，那是 PyTorch 变体"
        )
        assert _close(g, g_ref), (
            f"你的 {name}：Cho 变体的 g_t 与 tanh(V_g x_t + W_g (h_{{t-1}} ⊙ r_t) + b_g) 不符（最大差 "
            f"{_max_diff(g, g_ref):.2g}，{_shown(g_ref, g)}）："
            "检查 V_g、W_g、b_g 是不是第 3 块，以及 r_t 是否只乘在 h_{t-1} 上"
        )


@check("6.1", 1)
def test_torch_candidate(gru_gates, _gates):
    params, x, h = _setup(hidden_torch_generator(5), "torch")
    forms = {form: _reference_gates(x, h, params, form)[2]
             for form in ("torch", "cho", "torch_no_bhg", "torch_bhg_outside")}
    for name, gates in _gate_routes(gru_gates, _gates):
        _, _, g = gates(x, h, params, "torch")
        assert not _close(g, forms["cho"]), (
            f"你的 {name}：PyTorch 变体把重置门乘在矩阵乘积之后：tanh(V_g x_t + b_g + r_t ⊙ (W_g h_{{t-1}} + b_hg))；"
            "你算的是 W_g (h_{t-1} ⊙ r_t)，那是 Cho 变体"
        )
        assert not _close(g, forms["torch_no_bhg"]), f"你的 {name}：PyTorch 变体忘了 b_hg：应是 r_t ⊙ (W_g h_{{t-1}} + b_hg)"
        assert not _close(g, forms["torch_bhg_outside"]), (
            f"你的 {name}：b_hg 在重置门之内：应是 r_t ⊙ (W_g h_{{t-1}} + b_hg)，不是 r_t ⊙ (W_g h_{{t-1}}) + b_hg"
            "（那样它就和 b_g 合并了，与 nn.GRU 的 bias_hh 不符）"
        )
        assert _close(g, forms["torch"]), (
            f"你的 {name}：PyTorch 变体的 g_t 与 tanh(V_g x_t + b_g + r_t ⊙ (W_g h_{{t-1}} + b_hg)) 不符（最大差 "
            f"{_max_diff(g, forms['torch']):.2g}，{_shown(forms['torch'], g)}）"
        )


# ---------------------------------------------------------------- 6.2

@check("6.2", 2, public=True)
def test_cell_values(gru_cell, gru_gates):
    gen = torch.Generator().manual_seed(0)
    params = init_gru_params(3, 4, generator=gen)
    x = torch.randn(2, 3, generator=gen, dtype=torch.float64)
    h = 2 * torch.rand(2, 4, generator=gen, dtype=torch.float64) - 1
    h_next = gru_cell(x, h, params, "cho")
    assert h_next.shape == (2, 4), f"h_t 的形状应是 (B, m) = (2, 4)，得到 {tuple(h_next.shape)}"
    _, u, g = gru_gates(x, h, params, "cho")
    assert not torch.allclose(h_next, u * g + (1 - u) * h, atol=1e-12, rtol=0), (
        "u_t 与 1 − u_t 的角色弄反了：本书的约定是 h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}，u_t 乘的是旧状态"
    )
    low, high = torch.minimum(h, g), torch.maximum(h, g)
    assert torch.all(h_next >= low - 1e-12) and torch.all(h_next <= high + 1e-12), (
        "h_t 的每个分量应在 h_{t-1} 与 g_t 之间：它是两者按 u_t 的逐元素凸组合，两个系数是 u_t 与 1 − u_t"
    )
    assert abs(h_next[0, 0].item() - 0.3659688093) < 1e-8, (
        f"h_t[0, 0] 应是 0.3659688093，得到 {h_next[0, 0].item():.10f}（gru_cell 用的是你在 6.1 写的 gru_gates："
        "先让 6.1 的自测通过）"
    )


@check("6.2", 1, public=True)
def test_layer_matches_cell(gru_cell, gru_layer):
    gen = torch.Generator().manual_seed(6)
    params = init_gru_params(3, 4, generator=gen)
    X = torch.randn(2, 5, 3, generator=gen, dtype=torch.float64)
    h0 = 2 * torch.rand(2, 4, generator=gen, dtype=torch.float64) - 1
    H, h_T = gru_layer(X, params, h0)
    assert H.shape == (2, 5, 4) and h_T.shape == (2, 4), (
        f"H 的形状应是 (B, T, m) = (2, 5, 4)，h_T 的是 (2, 4)，得到 {tuple(H.shape)} 与 {tuple(h_T.shape)}"
    )
    state = h0
    for t in range(1, 6):
        state = gru_cell(X[:, t - 1], state, params)
        assert torch.allclose(H[:, t - 1], state, atol=1e-12, rtol=0), (
            f"H[:, {t - 1}] 应是第 {t} 步之后的 h_{t}（从 h_0 起逐步调用 gru_cell 得到的），两者不符"
        )
    assert torch.equal(H[:, -1], h_T), "返回的 h_T 应是 H[:, -1]，即最后一步之后的状态"
    assert abs(H[1, 4, 2].item() - 0.2682609336) < 1e-8, (
        f"H[1, 4, 2] 应是 0.2682609336，得到 {H[1, 4, 2].item():.10f}（先让 6.1 与 test_cell_values 的自测通过）"
    )


@check("6.2", 2)
def test_update_gate_copies_state(gru_cell):
    gru_cell = _isolated(gru_cell)   # 其中的门换成参照实现：只查本题的部分
    gen = hidden_torch_generator(7)
    for variant in ("cho", "torch"):
        params, x, h = _setup(gen, variant)
        # |V_u x + W_u h| ≤ 7/2（见 _setup）：|b_u| ≥ 30 时 1 − u_t（或 u_t）< 10⁻¹¹，h_t 与 h_{t-1}（或 g_t）之差 < 10⁻¹⁰
        big = _uniform(gen, 30, 40)
        keep = set_gate_bias(params, u=big)
        _, _, g_keep = _reference_gates(x, h, keep, variant)
        out = gru_cell(x, h, keep, variant)
        assert not _close(out, g_keep, 1e-8), (
            "u_t ≈ 1 时 h_t 应等于 h_{t-1}（更新门保留旧状态），你的结果却等于候选值 g_t：u_t 与 1 − u_t 的角色弄反了，"
            "应是 h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}"
        )
        assert _close(out, h, 1e-8), (
            f"u_t ≈ 1 时 h_t 应等于 h_{{t-1}}（最大差 {_max_diff(out, h):.2g}，{_shown(h, out)}）："
            "h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}"
        )
        write = set_gate_bias(params, u=-big)
        _, _, g_write = _reference_gates(x, h, write, variant)
        out = gru_cell(x, h, write, variant)
        assert _close(out, g_write, 1e-8), (
            f"u_t ≈ 0 时 h_t 应等于候选值 g_t（最大差 {_max_diff(out, g_write):.2g}，{_shown(g_write, out)}）："
            "1 − u_t 是写入 g_t 的比例"
        )


@check("6.2", 2)
def test_layer_matches_nn_gru(gru_layer):
    gru_layer = _isolated(gru_layer)   # 其中的门换成参照实现：只查本题的部分
    gen = hidden_torch_generator(8)
    params = init_gru_params(3, 4, variant="torch", generator=gen)
    X = torch.randn(2, 6, 3, generator=gen, dtype=torch.float64)
    h0 = 2 * torch.rand(2, 4, generator=gen, dtype=torch.float64) - 1
    H, h_T = gru_layer(X, params, h0, variant="torch")
    with torch.no_grad():
        H_nn, h_nn = gru_to_torch(params)(X, h0[None])
    assert tuple(H.shape) == (2, 6, 4), f"H 的形状应是 (B, T, m) = (2, 6, 4)，得到 {tuple(H.shape)}"
    assert not _close(H[:, 1:], H_nn[:, :-1], 1e-8), (
        "H 比 nn.GRU 的输出晚了一步：H[:, t-1] 应是第 t 步之后的 h_t，先更新 h，再放进 H"
    )
    assert _close(H, H_nn, 1e-8) and _close(h_T, h_nn[0], 1e-8), (
        f"PyTorch 变体的 gru_layer 与拷入同样权重的 nn.GRU 不一致（最大差 {_max_diff(H, H_nn):.2g}，"
        f"H[:, 0] 的{_shown(H_nn[:, 0], H[:, 0])}）："
        "检查候选值的写法 r_t ⊙ (W_g h_{t-1} + b_hg) 与更新 h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}"
    )
    H0, _ = gru_layer(X, params, None, variant="torch")
    with torch.no_grad():
        H0_nn, _ = gru_to_torch(params)(X)
    assert _close(H0, H0_nn, 1e-8), (
        f"h0=None 时初始状态应是全零，结果与 nn.GRU(X) 不一致（H[:, 0] 的{_shown(H0_nn[:, 0], H0[:, 0])}）"
    )


@check("6.2", 1)
def test_layer_stores_new_state(gru_layer):
    gru_layer = _isolated(gru_layer)   # 其中的门换成参照实现：只查本题的部分
    params, x, h0 = _setup(hidden_torch_generator(9))
    X = torch.stack([x, -x, 0.5 * x], dim=1)                 # (B, T=3, n)
    H, _, (R, U, G) = gru_layer(X, params, h0, return_gates=True)
    assert not _close(H[:, 0], h0, 1e-12), (
        "H[:, 0] 等于 h_0：H[:, t-1] 应是第 t 步之后的 h_t，先用更新公式算出新的 h，再放进 H"
    )
    h1 = _reference_step(X[:, 0], h0, params, "cho")
    assert _close(H[:, 0], h1), f"H[:, 0] 应是 h_1（最大差 {_max_diff(H[:, 0], h1):.2g}，{_shown(h1, H[:, 0])}）"
    from_h0 = _reference_step(X[:, 1], h0, params, "cho")
    assert not _close(H[:, 1], from_h0, 1e-12), "第 2 步用的还是 h_0：每一步要用上一步算出的 h_{t-1}"
    h2 = _reference_step(X[:, 1], h1, params, "cho")
    assert _close(H[:, 1], h2), f"H[:, 1] 应是 h_2（最大差 {_max_diff(H[:, 1], h2):.2g}，{_shown(h2, H[:, 1])}）"
    r1, u1, g1 = _reference_gates(X[:, 0], h0, params, "cho")
    assert tuple(R.shape) == tuple(U.shape) == tuple(G.shape) == (2, 3, 4), (
        "return_gates=True 时 R、U、G 的形状都应是 (B, T, m)：把每一步的 (r_t, u_t, g_t) 放进列表 gates"
    )
    assert _close(R[:, 0], r1) and _close(U[:, 0], u1) and _close(G[:, 0], g1), (
        f"gates 的第 1 个元素应是第 1 步的 (r_1, u_1, g_1)，顺序 (r, u, g)（R[:, 0] 的{_shown(r1, R[:, 0])}）"
    )


# ---------------------------------------------------------------- 6.3

@check("6.3", 2, public=True)
def test_jacobian_matches_autograd(gru_jacobian_terms, gru_gates):
    for variant, seed, expected in (("cho", 10, 0.4119099509), ("torch", 11, 0.5857500473)):
        gen = torch.Generator().manual_seed(seed)
        params = init_gru_params(3, 5, variant=variant, generator=gen)
        x = torch.randn(3, generator=gen, dtype=torch.float64)
        h = 2 * torch.rand(5, generator=gen, dtype=torch.float64) - 1
        terms = gru_jacobian_terms(x, h, params, variant)
        assert sorted(terms) == ["candidate", "copy", "update"], (
            f"应返回键为 copy、candidate、update 的字典，得到 {sorted(terms)}"
        )
        assert all(terms[k].shape == (5, 5) for k in terms), "每一项的形状都应是 (m, m) = (5, 5)"
        J = terms["copy"] + terms["candidate"] + terms["update"]

        def step(h_prev, x=x, params=params, variant=variant):   # h_{t-1} ↦ h_t，门由你的 gru_gates 算出
            _, u_t, g_t = gru_gates(x[None], h_prev[None], params, variant)
            return ((1 - u_t) * g_t + u_t * h_prev)[0]

        J_auto = torch.autograd.functional.jacobian(step, h)
        error = (J - J_auto).abs().max().item()
        assert error < 1e-10, (
            f"{variant} 变体：三项之和与 autograd 求出的 ∂h_t/∂h_{{t-1}} 不符（最大差 {error:.2g}）。"
            "u_t 与 r_t 都依赖 h_{t-1}：经过更新门和经过重置门的路都要算上（门来自你在 6.1 写的 gru_gates，"
            "6.1 的自测还没通过时先改好 6.1）"
        )
        assert abs(J[0, 0].item() - expected) < 1e-8, (
            f"{variant} 变体：∂h_t/∂h_{{t-1}} 的 [0, 0] 元应是 {expected:.10f}，得到 {J[0, 0].item():.10f}"
            "（门的值来自你在 6.1 写的 gru_gates：先让 6.1 的自测通过）"
        )


@check("6.3", 1)
def test_jacobian_copy_term(gru_jacobian_terms):
    gru_jacobian_terms = _isolated(gru_jacobian_terms)   # 其中的门换成参照实现：只查本题的部分
    params, x, h = _setup(hidden_torch_generator(12), m=5)
    terms = gru_jacobian_terms(x[0], h[0], params, "cho")
    ref = _reference_terms(x[0], h[0], params, "cho")
    assert not _close(terms["copy"], torch.eye(5, dtype=torch.float64) - ref["copy"]), (
        "复制项应是 diag(u_t)，不是 diag(1 − u_t)：h_t 里 u_t 乘的是 h_{t-1}"
    )
    assert _close(terms["copy"], ref["copy"]), (
        f"复制项应是 diag(u_t)（对角阵，对角线是更新门的值）：{_shown(ref['copy'], terms['copy'])}"
    )


@check("6.3", 2)
def test_jacobian_update_path(gru_jacobian_terms):
    gru_jacobian_terms = _isolated(gru_jacobian_terms)   # 其中的门换成参照实现：只查本题的部分
    gen = hidden_torch_generator(13)
    for variant in ("cho", "torch"):
        params, x, h = _setup(gen, variant, m=5)
        terms = gru_jacobian_terms(x[0], h[0], params, variant)
        ref = _reference_terms(x[0], h[0], params, variant)
        assert terms["update"].abs().max() > 1e-8, (
            "漏掉了经过更新门的路：u_t 也依赖 h_{t-1}，这一项是 diag(h_{t-1} − g_t) diag(u_t ⊙ (1 − u_t)) W_u，"
            "不是 0（原讲义正是漏了它）"
        )
        assert not _close(terms["update"], -ref["update"]), (
            "经过更新门的一项符号反了：dh_t = … + (h_{t-1} − g_t) ⊙ du_t，是 h_{t-1} − g_t，不是 g_t − h_{t-1}"
        )
        assert _close(terms["update"], ref["update"]), (
            f"{variant} 变体：经过更新门的一项应是 diag(h_{{t-1}} − g_t) diag(u_t ⊙ (1 − u_t)) W_u（最大差 "
            f"{_max_diff(terms['update'], ref['update']):.2g}，{_shown(ref['update'], terms['update'])}）；W_u 是 W 的第 2 块"
        )


@check("6.3", 2)
def test_jacobian_reset_path(gru_jacobian_terms):
    gru_jacobian_terms = _isolated(gru_jacobian_terms)   # 其中的门换成参照实现：只查本题的部分
    gen = hidden_torch_generator(14)
    for variant in ("cho", "torch"):
        params, x, h = _setup(gen, variant, m=5)
        terms = gru_jacobian_terms(x[0], h[0], params, variant)
        ref = _reference_terms(x[0], h[0], params, variant)
        no_reset = _reference_terms(x[0], h[0], params, variant, detach_r=True)
        assert not _close(terms["candidate"], no_reset["candidate"]), (
            f"{variant} 变体：漏掉了经过重置门的路：r_t 也依赖 h_{{t-1}}，∂g_t/∂h_{{t-1}} 里还有含 "
            "∂r_t/∂h_{t-1} = diag(r_t ⊙ (1 − r_t)) W_r 的一项"
        )
        assert _close(terms["candidate"], ref["candidate"]), (
            f"{variant} 变体：经过候选值的一项 diag(1 − u_t) ∂g_t/∂h_{{t-1}} 与 autograd 不符（最大差 "
            f"{_max_diff(terms['candidate'], ref['candidate']):.2g}，{_shown(ref['candidate'], terms['candidate'])}）"
        )


@check("6.3", 1)
def test_jacobian_torch_variant(gru_jacobian_terms):
    gru_jacobian_terms = _isolated(gru_jacobian_terms)   # 其中的门换成参照实现：只查本题的部分
    params, x, h = _setup(hidden_torch_generator(15), "torch", m=5)
    x, h = x[0], h[0]
    terms = gru_jacobian_terms(x, h, params, "torch")
    ref = _reference_terms(x, h, params, "torch")
    m = h.shape[0]
    r, u, g = (a[0] for a in _reference_gates(x[None], h[None], params, "torch"))
    W_r, W_g = params["W"][:m], params["W"][2 * m:]
    dr = (r * (1 - r))[:, None] * W_r
    cho_formula = W_g @ (torch.diag(r) + h[:, None] * dr)
    no_bhg = r[:, None] * W_g + (W_g @ h)[:, None] * dr
    for da, message in ((cho_formula, "用了 Cho 变体的公式 W_g[diag(r_t) + diag(h_{t-1}) ∂r_t/∂h_{t-1}]"),
                        (no_bhg, "q_t 漏了 b_hg：q_t = W_g h_{t-1} + b_hg")):
        wrong = (1 - u)[:, None] * (1 - g ** 2)[:, None] * da
        assert not _close(terms["candidate"], wrong), (
            "PyTorch 变体的 ∂g_t/∂h_{t-1} = diag(1 − g_t²)[diag(r_t) W_g + diag(q_t) ∂r_t/∂h_{t-1}]，"
            f"q_t = W_g h_{{t-1}} + b_hg；你{message}"
        )
    assert _close(terms["candidate"], ref["candidate"]), (
        f"PyTorch 变体的经过候选值的一项与 autograd 不符（最大差 {_max_diff(terms['candidate'], ref['candidate']):.2g}，"
        f"{_shown(ref['candidate'], terms['candidate'])}）"
    )
