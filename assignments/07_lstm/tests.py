"""作业 7 的测试：LSTM 一步的前向计算（门的顺序 g, i, o, f）与一步的雅可比矩阵 ∂(c_t, h_t)/∂(c_{t-1}, h_{t-1})。

带 ``public=True`` 的测试原样放进学生版作为自测（固定的种子与数字）；其余只在评分包里。隐藏测试的具体输入取自
``hidden_torch_generator(k)``（每个测试一个 k，评分时由教师的秘密种子决定），先后顺序不影响数字。参照答案来自
``torch.nn.LSTM``（用 ``lstm_to_torch`` 复制同样的参数）、``torch.autograd`` 与照章节公式写的 ``_gates``。
"""

import torch
from wordvec_classroom import Assignment, Question, check, hidden_torch_generator
from wordvec_rnn.gates import LSTM_GATES
from wordvec_rnn.lstm import init_lstm_params, lstm_to_torch

ASSIGNMENT = Assignment(
    number=7,
    title="LSTM：单元的前向计算与雅可比矩阵",
    chapters=("chapters/05_lstm/01_lstm.ipynb", "chapters/05_lstm/02_lstm_gradients.ipynb"),
    intro=(
        "本作业对应第 05 章第 1 节「长短期记忆（LSTM）」与第 2 节「LSTM 的梯度」。你要从零写出一步 LSTM 的前向计算，"
        "在 float64 下与复制了同样参数的 `torch.nn.LSTM` 一致（`torch.allclose(..., atol=1e-12)`）；再照第 2 节的推导写出一步的雅可比矩阵 "
        "$J_t=\\partial(c_t,h_t)/\\partial(c_{t-1},h_{t-1})$，与 autograd 一致。记号与章节相同：输入 $x_t\\in\\mathbb R^n$，"
        "隐状态 $h_t$ 与记忆元 $c_t\\in\\mathbb R^m$；参数是字典 `{\"V\": (4m, n), \"W\": (4m, m), \"b\": (4m,)}`，"
        "四组按原讲义的顺序 $(g,i,o,f)$ 上下堆叠（`gate_slices(m)` 给出每一组占的行）。`torch.nn.LSTM` 按 $(i,f,g,o)$ "
        "堆叠，换顺序只在已给出的 `lstm_to_torch` 里做，你的代码里不要再换。全部用 float64。"
    ),
    questions=(
        Question("7.1", "一步 LSTM：门与状态更新", ("lstm_update", "lstm_cell"),
                 "`lstm_cell` 先算四个门的预激活 $z_t=Vx_t+Wh_{t-1}+b$。代码按行存放批量（`x` 形状 $(B,n)$，"
                 "`h`、`c` 形状 $(B,m)$），所以写成 `x @ V.T + h @ W.T + b`，得到 $(B,4m)$。再交给 `lstm_update`："
                 "把 $z_t$ 的最后一维按 $(g,i,o,f)$ 切成四段，\n\n"
                 "$$g_t=\\tanh(z_{g,t}),\\quad i_t=\\sigma(z_{i,t}),\\quad o_t=\\sigma(z_{o,t}),\\quad f_t=\\sigma(z_{f,t}),$$\n\n"
                 "$$c_t=f_t\\odot c_{t-1}+i_t\\odot g_t,\\qquad h_t=o_t\\odot\\tanh(c_t).$$\n\n"
                 "`lstm_update` 要同时适用于一批 ($z$ 形状 $(B,4m)$) 与一个样本 ($z$ 形状 $(4m,)$)：沿最后一维切（`dim=-1`）。"),
        Question("7.2", "一步的雅可比矩阵", ("lstm_jacobian_step",),
                 "一个样本（`x` $(n,)$，`h`、`c` $(m,)$），写出 $2m\\times2m$ 的分块矩阵\n\n"
                 "$$J_t=\\begin{pmatrix}\\partial c_t/\\partial c_{t-1} & \\partial c_t/\\partial h_{t-1}\\\\ "
                 "\\partial h_t/\\partial c_{t-1} & \\partial h_t/\\partial h_{t-1}\\end{pmatrix},$$\n\n"
                 "第 $j$ 行第 $k$ 列是第 $j$ 个输出对第 $k$ 个输入的导数。代码已算好这一步的 $g_t,i_t,o_t,f_t$、$c_t$ 与"
                 "各门的 $W_\\ast$（`W[\"g\"]` 等，各 $(m,m)$，$\\partial z_{\\ast,t}/\\partial h_{t-1}=W_\\ast$），"
                 "`c` 就是 $c_{t-1}$。照第 2 节的推导，记住四个门都读 $h_{t-1}$，而 $h_t$ 读的是更新后的 $c_t$；"
                 "$\\sigma'=\\sigma(1-\\sigma)$，$\\tanh'=1-\\tanh^2$。$\\operatorname{diag}(a)\\,W_\\ast$ 可以写成 "
                 "`a[:, None] * W_*`，不必真的造出对角矩阵。"),
    ),
)


def _params(gen, n=3, m=4):
    """随机参数（偏置也取非零值）与一个样本的输入、状态，都是 float64；``gen`` 来自 hidden_torch_generator。"""
    params = init_lstm_params(n, m, generator=gen)
    params["b"] = torch.randn(4 * m, dtype=torch.float64, generator=gen)
    x = torch.randn(n, dtype=torch.float64, generator=gen)
    h = torch.randn(m, dtype=torch.float64, generator=gen)
    c = torch.randn(m, dtype=torch.float64, generator=gen)
    return params, x, h, c


def _torch_step(params, x, h, c):
    """参照答案：nn.LSTM 走一步（一个样本），返回 (h_t, c_t)。"""
    lstm = lstm_to_torch(params)
    _, (h_t, c_t) = lstm(x[None, None], (h[None, None], c[None, None]))
    return h_t[0, 0], c_t[0, 0]


def _gates(params, x, h, c):
    """参照答案：这一步的 g, i, o, f 与 c_t（按章节的公式，不用学生的代码）。"""
    z = LSTM_GATES.split(params["V"] @ x + params["W"] @ h + params["b"])   # 按 (g, i, o, f) 切成四段
    g, (i, o, f) = torch.tanh(z["g"]), (torch.sigmoid(z[gate]) for gate in ("i", "o", "f"))
    return g, i, o, f, f * c + i * g


def _blocks(params, x, h, c):
    """参照答案：autograd 算出的 J_t，切成四块 (dc_dc, dc_dh, dh_dc, dh_dh)。"""
    m = h.shape[0]

    def step(state):
        h_t, c_t = _torch_step(params, x, state[m:], state[:m])
        return torch.cat([c_t, h_t])

    J = torch.autograd.functional.jacobian(step, torch.cat([c, h]))
    return J[:m, :m], J[:m, m:], J[m:, :m], J[m:, m:]


def _student_jacobian(lstm_jacobian_step, params, x, h, c):
    """学生的 J_t（先检查形状与同时返回的 h_t、c_t、f_t），切成四块。"""
    m = h.shape[0]
    out = lstm_jacobian_step(x, h, c, params)
    assert isinstance(out, tuple) and len(out) == 4, "lstm_jacobian_step 应返回 (J_t, h_t, c_t, f_t) 四项：不要改最后的 return"
    J, h_t, c_t, _ = out
    assert tuple(J.shape) == (2 * m, 2 * m), f"J_t 的形状应是 (2m, 2m) = {(2 * m, 2 * m)}，得到 {tuple(J.shape)}：四块各是 (m, m)"
    ref_h, ref_c = _torch_step(params, x, h, c)
    assert torch.allclose(h_t, ref_h, atol=1e-12) and torch.allclose(c_t, ref_c, atol=1e-12), (
        f"lstm_jacobian_step 顺便算出的 h_t、c_t 与 nn.LSTM 不符（h_t 应是 {_rounded(ref_h)}，得到 {_rounded(h_t)}）："
        "它调用 lstm_update，不要改题目给出的那几行"
    )
    return J[:m, :m], J[:m, m:], J[m:, :m], J[m:, m:]


def _close(a, b):
    return a.shape == b.shape and torch.allclose(a, b, atol=1e-10, rtol=0)


def _rounded(a):
    """断言信息里的一个向量（保留 6 位小数）；矩阵只给第一行。"""
    a = a.detach()
    return [round(v, 6) for v in (a.reshape(-1, a.shape[-1])[0] if a.ndim > 1 else a.reshape(-1)).tolist()]


def _shown(expected, got):
    """断言信息里的「应是 …，得到 …」（矩阵只给第一行），形状不同时给出形状。"""
    if tuple(expected.shape) != tuple(got.shape):
        return f"形状应是 {tuple(expected.shape)}，得到 {tuple(got.shape)}"
    return f"{'第一行' if expected.ndim > 1 else ''}应是 {_rounded(expected)}，得到 {_rounded(got)}"


@check("7.1", 1, public=True)
def test_update_values(lstm_update):
    gen = torch.Generator().manual_seed(0)
    m = 3
    z = torch.randn(2, 4 * m, dtype=torch.float64, generator=gen)
    c = torch.randn(2, m, dtype=torch.float64, generator=gen)
    out = lstm_update(z, c, m)
    assert isinstance(out, tuple) and len(out) == 6, "lstm_update 应返回 (h_t, c_t, g_t, i_t, o_t, f_t) 六项"
    h_t, c_t, *_ = out
    for name, value in zip(("h_t", "c_t", "g_t", "i_t", "o_t", "f_t"), out):
        assert tuple(value.shape) == (2, m), f"{name} 的形状应是 (B, m) = (2, {m})，得到 {tuple(value.shape)}"
    assert torch.isclose(c_t[0, 0], torch.tensor(-0.7440178642, dtype=torch.float64), atol=1e-9), (
        f"c_t[0, 0] 应是 -0.7440178642，得到 {c_t[0, 0].item():.10f}"
    )
    assert torch.isclose(h_t[0, 0], torch.tensor(-0.2204473024, dtype=torch.float64), atol=1e-9), (
        f"h_t[0, 0] 应是 -0.2204473024，得到 {h_t[0, 0].item():.10f}"
    )
    single = lstm_update(z[0], c[0], m)
    assert all(torch.allclose(a, b[0]) for a, b in zip(single, out)), (
        "一个样本（z 形状 (4m,)）的结果与一批中的第一行不同：沿最后一维（dim=-1）切 z"
    )


@check("7.1", 2)
def test_update_gate_order(lstm_update):
    gen = hidden_torch_generator(11)
    m = 3
    z = torch.randn(4 * m, dtype=torch.float64, generator=gen)           # 四段各是不同的随机向量
    segments = z.split(m)
    c = torch.randn(m, dtype=torch.float64, generator=gen)
    _, _, *gates = lstm_update(z, c, m)
    # 「取自第 j 段」：等于第 j 段作用 tanh 或 σ（只看顺序，不看激活函数）。另一段碰巧也对得上，要 m = 3 个分量同时落进
    # allclose 的容差（宽约 2·10⁻⁵）：σ(s)、tanh(s)（s 为标准正态）的密度都小于 2，每一对的概率 < (4·10⁻⁵)³ < 10⁻¹³，
    # 4 个门 × 3 段 × 2 种激活函数合计 < 2·10⁻¹²
    for k, (name, value) in enumerate(zip("giof", gates)):
        source = [j for j, s in enumerate(segments)
                  if torch.allclose(value, torch.tanh(s)) or torch.allclose(value, torch.sigmoid(s))]
        expected = torch.tanh(segments[k]) if name == "g" else torch.sigmoid(segments[k])
        assert source, (
            f"{name}_t 不是 z 的任何一段作用 σ 或 tanh 的结果：应是第 {k} 段 z[..., {('0:m', 'm:2m', '2m:3m', '3m:4m')[k]}] 的 "
            f"{'tanh' if name == 'g' else 'σ'}，即 {_rounded(expected)}，得到 {_rounded(value)}"
        )
        assert source == [k], (
            f"门的顺序错了：{name}_t 取自 z 的第 {source[0]} 段，应取第 {k} 段。本书按 (g, i, o, f) 堆叠，"
            "z[..., 0:m] 是 g、m:2m 是 i、2m:3m 是 o、3m:4m 是 f；(i, f, g, o) 是 nn.LSTM 的顺序，不要用在这里"
        )


@check("7.1", 2)
def test_update_activations(lstm_update):
    gen = hidden_torch_generator(12)
    m = 3
    low, mid, high = torch.rand(3, dtype=torch.float64, generator=gen).tolist()
    segment = torch.tensor([-1.5 - low, 0.2 * mid - 0.1, 1 + high], dtype=torch.float64)   # 第一个分量为负：tanh < 0 < σ
    z = segment.repeat(4)                                                 # 四段相同：与顺序无关，只看激活函数
    c = torch.randn(m, dtype=torch.float64, generator=gen)
    _, _, g, i, o, f = lstm_update(z, c, m)
    assert not torch.allclose(g, torch.sigmoid(segment)), (
        "候选值 g_t 用了 σ：g_t = tanh(z_g)，取值在 (-1, 1)，才能往记忆元里写负数"
    )
    assert torch.allclose(g, torch.tanh(segment)), f"候选值 g_t 应是 tanh(z_g)（{_shown(torch.tanh(segment), g)}）"
    for name, value in (("i", i), ("o", o), ("f", f)):
        assert not torch.allclose(value, torch.tanh(segment)), (
            f"门 {name}_t 用了 tanh：三个门 i、o、f 都用 σ，取值在 (0, 1)，按比例放行"
        )
        assert torch.allclose(value, torch.sigmoid(segment)), (
            f"门 {name}_t 应是 σ(z_{name})（{_shown(torch.sigmoid(segment), value)}）"
        )


@check("7.1", 2)
def test_update_state(lstm_update):
    gen = hidden_torch_generator(1)
    m = 4
    z = torch.randn(3, 4 * m, dtype=torch.float64, generator=gen)
    c = 2 * torch.randn(3, m, dtype=torch.float64, generator=gen)
    h_t, c_t, g, i, o, f = lstm_update(z, c, m)
    for name, gate in (("i", i), ("o", o), ("f", f)):
        assert bool(((gate > 0) & (gate < 1)).all()), (
            f"门 {name}_t 的每个分量都应在 (0, 1) 内（σ 的值），得到第一行 {_rounded(gate)}：先让 test_update_values 的自测通过"
        )
    assert not torch.allclose(c_t, f * c + g), "c_t 里新内容没有乘输入门：c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t"
    assert torch.allclose(c_t, f * c + i * g), (
        f"c_t 应是 f_t ⊙ c_{{t-1}} + i_t ⊙ g_t（用你返回的各门检查；{_shown(f * c + i * g, c_t)}）"
    )
    assert not torch.allclose(h_t, o * c_t), "h_t = o_t ⊙ tanh(c_t)：忘了对记忆元取 tanh"
    assert not torch.allclose(h_t, o * torch.tanh(c)), "h_t 读的是本步更新后的 c_t，不是 c_{t-1}"
    assert torch.allclose(h_t, o * torch.tanh(c_t)), (
        f"h_t 应是 o_t ⊙ tanh(c_t)（用你返回的 o_t 与 c_t 检查；{_shown(o * torch.tanh(c_t), h_t)}）"
    )


@check("7.1", 1, public=True)
def test_cell_values(lstm_cell):
    gen = torch.Generator().manual_seed(2)
    n, m, B = 3, 4, 2
    params = init_lstm_params(n, m, generator=gen)
    params["b"] = torch.randn(4 * m, dtype=torch.float64, generator=gen)
    x = torch.randn(B, n, dtype=torch.float64, generator=gen)
    h = torch.randn(B, m, dtype=torch.float64, generator=gen)
    c = torch.randn(B, m, dtype=torch.float64, generator=gen)
    h_t, c_t, gates = lstm_cell(x, h, c, params)
    assert tuple(h_t.shape) == (B, m) and tuple(c_t.shape) == (B, m), (
        f"h_t、c_t 的形状应是 (B, m) = {(B, m)}，得到 {tuple(h_t.shape)} 与 {tuple(c_t.shape)}"
    )
    assert set(gates) == {"g", "i", "o", "f"}, f"gates 的键应是 g、i、o、f，得到 {sorted(gates)}"
    assert torch.isclose(c_t[1, 2], torch.tensor(-0.2179171353, dtype=torch.float64), atol=1e-9), (
        f"c_t[1, 2] 应是 -0.2179171353，得到 {c_t[1, 2].item():.10f}"
    )
    assert torch.isclose(h_t[1, 2], torch.tensor(-0.0640155184, dtype=torch.float64), atol=1e-9), (
        f"h_t[1, 2] 应是 -0.0640155184，得到 {h_t[1, 2].item():.10f}"
    )


@check("7.1", 2)
def test_cell_matches_nn_lstm(lstm_cell):
    gen = hidden_torch_generator(3)
    n, m, B, T = 3, 5, 2, 6
    params = init_lstm_params(n, m, generator=gen)
    params["b"] = torch.randn(4 * m, dtype=torch.float64, generator=gen)
    X = torch.randn(B, T, n, dtype=torch.float64, generator=gen)
    h0 = torch.randn(B, m, dtype=torch.float64, generator=gen)
    c0 = torch.randn(B, m, dtype=torch.float64, generator=gen)
    H_ref, (_, c_ref) = lstm_to_torch(params)(X, (h0[None], c0[None]))
    h, c = h0, c0
    for t in range(T):
        h, c, _ = lstm_cell(X[:, t], h, c, params)
        assert torch.allclose(h, H_ref[:, t], atol=1e-12), (
            f"第 {t + 1} 步的 h_t 与复制了同样参数的 nn.LSTM 不符（最大差 {(h - H_ref[:, t]).abs().max():.2g}，"
            f"{_shown(H_ref[:, t], h)}）：检查 z_t = x Vᵀ + h Wᵀ + b 与门的顺序 (g, i, o, f)"
        )
    assert torch.allclose(c, c_ref[0], atol=1e-12), f"最后一步的 c_t 与 nn.LSTM 不符（{_shown(c_ref[0], c)}）"


@check("7.1", 1)
def test_cell_uses_bias_and_state(lstm_cell, lstm_update):
    gen = hidden_torch_generator(4)
    n, m = 2, 3
    params = {"V": torch.zeros(4 * m, n, dtype=torch.float64), "W": torch.zeros(4 * m, m, dtype=torch.float64),
              "b": 3 * torch.rand(4 * m, dtype=torch.float64, generator=gen) - 1.5}
    x = torch.randn(1, n, dtype=torch.float64, generator=gen)
    h = torch.randn(1, m, dtype=torch.float64, generator=gen)
    c = 2 * torch.rand(1, m, dtype=torch.float64, generator=gen) - 1
    h_t, c_t, _ = lstm_cell(x, h, c, params)
    h_b, c_b, *_ = lstm_update(params["b"][None], c, m)        # 你的 lstm_update，z_t 就是 b
    assert torch.allclose(h_t, h_b) and torch.allclose(c_t, c_b), (
        f"V = W = 0 时 z_t 应恰好是 b，结果却不同（h_t {_shown(h_b, h_t)}）：z_t = x Vᵀ + h Wᵀ + b 里忘了加偏置 b？"
    )
    params = init_lstm_params(n, m, generator=gen)
    x = torch.randn(1, n, dtype=torch.float64, generator=gen)
    c = torch.randn(1, m, dtype=torch.float64, generator=gen)
    h_a, h_b = torch.randn(2, 1, m, dtype=torch.float64, generator=gen)   # 两个不同的 h_{t-1}
    h1, _, _ = lstm_cell(x, h_a, c, params)
    h2, _, _ = lstm_cell(x, h_b, c, params)
    assert not torch.allclose(h1, h2), (
        f"h_t 与 h_{{t-1}} 无关（两个不同的 h_{{t-1}} 都得到 {_rounded(h1)}）：z_t 里忘了 h_{{t-1}} Wᵀ 这一项"
    )


@check("7.2", 2, public=True)
def test_jacobian_matches_autograd(lstm_jacobian_step):
    gen = torch.Generator().manual_seed(5)
    n, m = 3, 4
    params = init_lstm_params(n, m, generator=gen)
    params["b"] = torch.randn(4 * m, dtype=torch.float64, generator=gen)
    x = torch.randn(n, dtype=torch.float64, generator=gen)
    h = torch.randn(m, dtype=torch.float64, generator=gen)
    c = torch.randn(m, dtype=torch.float64, generator=gen)
    J, h_t, c_t, _ = lstm_jacobian_step(x, h, c, params)
    assert tuple(J.shape) == (2 * m, 2 * m), f"J_t 的形状应是 (2m, 2m) = {(2 * m, 2 * m)}，得到 {tuple(J.shape)}"
    lstm = lstm_to_torch(params)
    _, (h_ref, c_ref) = lstm(x[None, None], (h[None, None], c[None, None]))
    assert torch.allclose(h_t, h_ref[0, 0]) and torch.allclose(c_t, c_ref[0, 0]), (
        "同时返回的 h_t、c_t 与 nn.LSTM 不符：lstm_jacobian_step 调用你的 lstm_update，先通过第 7.1 题"
    )

    def step(state):                                   # (c_{t-1}, h_{t-1}) ↦ (c_t, h_t)，用 nn.LSTM 算
        _, (h_new, c_new) = lstm(x[None, None], (state[None, None, m:], state[None, None, :m]))
        return torch.cat([c_new[0, 0], h_new[0, 0]])

    J_auto = torch.autograd.functional.jacobian(step, torch.cat([c, h]))
    names = {(0, 0): "∂c_t/∂c_{t-1}（左上）", (0, 1): "∂c_t/∂h_{t-1}（右上）",
             (1, 0): "∂h_t/∂c_{t-1}（左下）", (1, 1): "∂h_t/∂h_{t-1}（右下）"}
    for (r, k), name in names.items():
        block, auto = J[r * m:(r + 1) * m, k * m:(k + 1) * m], J_auto[r * m:(r + 1) * m, k * m:(k + 1) * m]
        assert torch.allclose(block, auto, atol=1e-10), (
            f"{name} 这一块与 autograd 不符（最大差 {(block - auto).abs().max():.2g}）"
        )
    assert torch.isclose(J[m, m + 1], torch.tensor(-0.0623288597, dtype=torch.float64), atol=1e-9), (
        f"J[m, m + 1] 应是 -0.0623288597，得到 {J[m, m + 1].item():.10f}"
    )


@check("7.2", 1)
def test_jacobian_cc_block(lstm_jacobian_step):
    params, x, h, c = _params(hidden_torch_generator(6))
    dc_dc, *_ = _student_jacobian(lstm_jacobian_step, params, x, h, c)
    ref, *_ = _blocks(params, x, h, c)
    m = h.shape[0]
    assert not _close(dc_dc, torch.eye(m, dtype=torch.float64)), (
        "∂c_t/∂c_{t-1} 写成了单位矩阵：c_t = f_t ⊙ c_{t-1} + …，直接路径要乘遗忘门，是 diag(f_t)"
    )
    assert _close(dc_dc, ref), (
        f"∂c_t/∂c_{{t-1}}（左上块）应是 diag(f_t)：各门不读 c_{{t-1}}，只有 c_{{t-1}} 本身这一条路（{_shown(ref, dc_dc)}）"
    )


@check("7.2", 2)
def test_jacobian_ch_block(lstm_jacobian_step):
    params, x, h, c = _params(hidden_torch_generator(7))
    _, dc_dh, _, _ = _student_jacobian(lstm_jacobian_step, params, x, h, c)
    _, ref, _, _ = _blocks(params, x, h, c)
    g, i, _, f, _ = _gates(params, x, h, c)
    W = LSTM_GATES.split(params["W"])
    W_g = W["g"]
    a = {"g": i * (1 - g ** 2), "i": g * i * (1 - i), "f": c * f * (1 - f)}
    left_transposed = sum(a[gate][:, None] * W[gate].T for gate in a)             # diag(a) W_*ᵀ
    assert not _close(dc_dh, ref.T) and not _close(dc_dh, left_transposed), (
        "∂c_t/∂h_{t-1}（右上块）转置了：第 j 行第 k 列是 ∂c_{t,j}/∂h_{t-1,k}，∂z_*/∂h_{t-1} = W_*（不是 W_*ᵀ），"
        "对角矩阵乘在左边：diag(a) W_* = a[:, None] * W_*"
    )
    assert not _close(dc_dh, (i * (1 - g ** 2))[:, None] * W_g), (
        "∂c_t/∂h_{t-1}（右上块）只算了经过 g_t 的一项：i_t 与 f_t 也读 h_{t-1}，还要加上 "
        "diag(c_{t-1} ⊙ f_t ⊙ (1 − f_t)) W_f 与 diag(g_t ⊙ i_t ⊙ (1 − i_t)) W_i"
    )
    assert _close(dc_dh, ref), (
        "∂c_t/∂h_{t-1}（右上块）与 autograd 不符：它是 diag(c_{t-1}⊙f_t⊙(1−f_t)) W_f + diag(g_t⊙i_t⊙(1−i_t)) W_i "
        f"+ diag(i_t⊙(1−g_t²)) W_g；σ' = σ(1 − σ)，tanh' = 1 − tanh²（{_shown(ref, dc_dh)}）"
    )


@check("7.2", 1)
def test_jacobian_hc_block(lstm_jacobian_step):
    params, x, h, c = _params(hidden_torch_generator(8))
    _, _, dh_dc, _ = _student_jacobian(lstm_jacobian_step, params, x, h, c)
    _, _, ref, _ = _blocks(params, x, h, c)
    _, _, o, f, c_t = _gates(params, x, h, c)
    assert not _close(dh_dc, torch.diag(o * (1 - torch.tanh(c_t) ** 2))), (
        "∂h_t/∂c_{t-1}（左下块）少乘了 diag(f_t)：h_t 经过 c_t 依赖 c_{t-1}，链式法则要乘上 ∂c_t/∂c_{t-1} = diag(f_t)"
    )
    assert not _close(dh_dc, torch.diag(o * (1 - torch.tanh(c) ** 2) * f)), (
        "∂h_t/∂c_{t-1}（左下块）用了 tanh²(c_{t-1})：h_t = o_t ⊙ tanh(c_t) 读的是本步更新后的 c_t"
    )
    assert _close(dh_dc, ref), (
        f"∂h_t/∂c_{{t-1}}（左下块）应是 diag(o_t ⊙ (1 − tanh² c_t)) diag(f_t)（{_shown(ref, dh_dc)}）"
    )


@check("7.2", 2)
def test_jacobian_hh_block(lstm_jacobian_step):
    params, x, h, c = _params(hidden_torch_generator(9))
    _, _, _, dh_dh = _student_jacobian(lstm_jacobian_step, params, x, h, c)
    _, ref_ch, _, ref = _blocks(params, x, h, c)
    m = h.shape[0]
    _, _, o, _, c_t = _gates(params, x, h, c)
    W_o = LSTM_GATES.block(params["W"], "o", m)
    tanh_c = torch.tanh(c_t)
    assert not _close(dh_dh, ref.T), (
        "∂h_t/∂h_{t-1}（右下块）转置了：第 j 行第 k 列是 ∂h_{t,j}/∂h_{t-1,k}，对角矩阵乘在左边：diag(a) W_o = a[:, None] * W_o"
    )
    assert not _close(dh_dh, (tanh_c * o * (1 - o))[:, None] * W_o), (
        "∂h_t/∂h_{t-1}（右下块）只算了经过 o_t 的一项：c_t 也依赖 h_{t-1}，还要加上 diag(o_t ⊙ (1 − tanh² c_t)) ∂c_t/∂h_{t-1}"
    )
    assert not _close(dh_dh, (o * (1 - tanh_c ** 2))[:, None] * ref_ch), (
        "∂h_t/∂h_{t-1}（右下块）少了经过 o_t 的一项：输出门也读 h_{t-1}，要加上 diag(tanh c_t ⊙ o_t ⊙ (1 − o_t)) W_o"
    )
    assert _close(dh_dh, ref), (
        "∂h_t/∂h_{t-1}（右下块）与 autograd 不符：它是 diag(tanh c_t ⊙ o_t ⊙ (1 − o_t)) W_o "
        "+ diag(o_t ⊙ (1 − tanh² c_t)) ∂c_t/∂h_{t-1}（它用到右上块，右上块错了这里也错；"
        f"{_shown(ref, dh_dh)}）"
    )


@check("7.2", 1)
def test_jacobian_saturated_gates(lstm_jacobian_step):
    gen = hidden_torch_generator(10)
    params, x, h, c = _params(gen, m=3)
    m = 3
    for name in ("f", "i"):                        # f ≡ 1、i ≡ 0：记忆元原样传下去
        params["V"][LSTM_GATES.rows(name, m)] = 0.0
        params["W"][LSTM_GATES.rows(name, m)] = 0.0
    # 预激活恰好是偏置：b_f ≥ 50 时 float64 的 σ(b_f) 就是 1（e⁻⁵⁰ < 10⁻²¹，小于 1 的半个 ulp），b_i ≤ −50 时 i_t < 2·10⁻²²
    params["b"][LSTM_GATES.rows("f", m)] = 50 + 10 * torch.rand(m, dtype=torch.float64, generator=gen)
    params["b"][LSTM_GATES.rows("i", m)] = -50 - 10 * torch.rand(m, dtype=torch.float64, generator=gen)
    dc_dc, dc_dh, _, _ = _student_jacobian(lstm_jacobian_step, params, x, h, c)
    eye = torch.eye(m, dtype=torch.float64)
    assert _close(dc_dc, eye), (
        f"f_t ≡ 1、i_t ≡ 0 时 ∂c_t/∂c_{{t-1}} = diag(f_t) 应是单位矩阵（恒定误差传送带）：{_shown(eye, dc_dc)}"
    )
    assert dc_dh.abs().max() < 1e-12, (
        "f_t ≡ 1、i_t ≡ 0（W_f = W_i = 0）时 ∂c_t/∂h_{t-1} 应为 0：各项都含 W_f、W_i 或 i_t"
        f"（得到的最大绝对值是 {dc_dh.abs().max().item():.3g}）"
    )
