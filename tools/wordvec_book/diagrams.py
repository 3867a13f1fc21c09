"""书中的示意图，全部由代码绘制（原讲义的插图已丢失，本书重画）。

在仓库根目录运行 ``python -m wordvec_book.diagrams``（即 ``make images``）重新生成 ``images/`` 下的每一张图；
测试检查 ``images/`` 里的图与这里的代码画出的一致。
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, Rectangle

from .diagram_parts import (EDGE_COLOR, EDGE_SIZE, LABEL_SIZE, MATRIX_COLORS, ROWS, Node, arrow, box, canvas, cell,
                            colored, dashed_highlight, equation, fork, frame, gate, gate_legend, highlight, loop,
                            memory, node, note, op, port, tag, time_step, wire)
from wordvec_rnn.plotting import GATE_COLORS, use_book_style


def draw_notation_shapes() -> plt.Figure:
    """列向量与批量优先：同一次矩阵乘法在数学里与代码里的两种写法（m=4, n=3, B=2）。"""
    m, n, batch = 4, 3, 2
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.2, 4.4))
    c = MATRIX_COLORS
    equation(top, [(m, n, "$V$", "$m\\times n$", c["V"]), (n, 1, "$x_t$", "$n\\times 1$", c["x"]), "=", (m, 1, "$Vx_t$", "$m\\times 1$", c["h"])], 0.3)
    top.set_title("数学：列向量，一次一个样本  $Vx_t$", fontsize=12, loc="left")
    equation(bottom, [(batch, n, "$X$", "$B\\times n$", c["x"]), "@", (n, m, "$V^\\top$", "$n\\times m$", c["V"]), "=", (batch, m, "$H$", "$B\\times m$", c["h"])], 0.6)
    bottom.set_title("代码：批量优先，每行一个样本  H = X @ V.T", fontsize=12, loc="left")
    for ax in (top, bottom):
        ax.set_xlim(0, 4.9)
        ax.set_ylim(-0.5, 1.7)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.tight_layout()
    return fig


# ---- RNN 示意图的统一图形语言（第 02 章起各章共用）----
# 圆 = 向量（输入 x_t 在下、输出 ŷ_t 在上），圆角框 = 循环单元 / 隐状态，红框 = 损失；
# 箭头旁写所乘的矩阵。颜色按角色固定，与 draw_notation_shapes 里 x、h 的颜色一致。
def draw_rnn_unrolled() -> plt.Figure:
    """循环神经网络：左边是带自环的折叠形式，右边是按时间展开的链（t = 1, 2, 3, …, T）。"""
    fig, ax = canvas((-0.8, 11.6), (-1.25, 4.75))
    folded = time_step(ax, 0, "$h_t$", "$x_t$", r"$\hat y_t$", "$L_t$")
    loop(ax, folded, "$W$")
    note(ax, 0, -0.8, "循环形式")
    ax.add_patch(FancyArrowPatch((1.75, 1.5), (2.65, 1.5), arrowstyle="simple,head_width=0.9,head_length=0.7,tail_width=0.35",
                                 mutation_scale=22, facecolor="#BBBBBB", edgecolor="none"))
    note(ax, 2.2, 1.95, "展开", color="black")
    prev = cell(ax, 3.4, ROWS["h"], "$h_0$", faint=True)
    for i, t in enumerate(["1", "2", "3", None, "T"]):
        x = 4.9 + 1.5 * i
        if t is None:  # 省略的时间步：每层写省略号，箭头停在一个看不见的小框上
            for y in ROWS.values():
                note(ax, x, y, "$\\cdots$", fontsize=16)
            here = Node(ax.add_patch(Rectangle((x - 0.25, ROWS["h"] - 0.1), 0.5, 0.2, visible=False)), x, ROWS["h"])
        else:
            here = time_step(ax, x, f"$h_{t}$", f"$x_{t}$", f"$\\hat y_{t}$", f"$L_{t}$")
        arrow(ax, prev, here, "$W$")
        prev = here
    note(ax, 7.9, -0.8, "按时间展开：各时间步共享 $V$、$W$、$U$")
    return fig


def draw_rnn_bidirectional() -> plt.Figure:
    """双向循环神经网络（T = 4）：正向链从左往右、反向链从右往左，两者在每一步拼接后给出 ŷ_t。"""
    fig, ax = canvas((-2.1, 10.6), (-1.1, 5.85))
    rows = {"x": 0.0, "f": 1.4, "b": 2.8, "cat": 4.1, "y": 5.3}
    for name, row in [("输入", "x"), ("正向", "f"), ("反向", "b"), ("拼接", "cat"), ("输出", "y")]:
        note(ax, -1.6, rows[row], name)
    T, gap, shift = 4, 1.9, 0.45  # 每一步：正向框在列中心左边 shift，反向框在右边 shift
    fwd = cell(ax, -shift, rows["f"], r"$\overrightarrow{h}_0$", faint=True)
    bwd = [cell(ax, gap * (T + 1) + shift, rows["b"], rf"$\overleftarrow{{h}}_{T + 1}$", "hb", faint=True)]
    for t in range(T, 0, -1):  # 反向链：先画后面的时间步
        bwd.insert(0, cell(ax, gap * t + shift, rows["b"], rf"$\overleftarrow{{h}}_{t}$", "hb"))
        arrow(ax, bwd[1], bwd[0], r"$\overleftarrow{W}$", side=1)
    for t in range(1, T + 1):
        c = gap * t
        x = node(ax, c, rows["x"], f"$x_{t}$", "x")
        f = cell(ax, c - shift, rows["f"], rf"$\overrightarrow{{h}}_{t}$")
        cat = cell(ax, c, rows["cat"], rf"$[\overrightarrow{{h}}_{t};\overleftarrow{{h}}_{t}]$", "cat", w=1.3, h=0.5, fontsize=EDGE_SIZE)
        arrow(ax, fwd, f, r"$\overrightarrow{W}$", side=-1)
        arrow(ax, x, f, r"$\overrightarrow{V}$" if t == 1 else None, side=1, at=0.4)
        arrow(ax, x, bwd[t - 1], r"$\overleftarrow{V}$" if t == 1 else None, side=-1, at=0.2, bridge=True)
        arrow(ax, f, cat, bridge=True)
        arrow(ax, bwd[t - 1], cat)
        arrow(ax, cat, node(ax, c, rows["y"], rf"$\hat y_{t}$", "y"), "$U$" if t == 1 else None)
        fwd = f
    note(ax, 4.75, -0.8, r"图中 $T=4$，初始状态 $\overrightarrow{h}_0=\overleftarrow{h}_{T+1}=0$；各时间步共享同一组参数")
    return fig


# 五种结构：(标题, 例子, 时间步数, 有输入的步, 有输出的步)
STRUCTURES = [
    ("一对一", "图像分类", 1, {0}, {0}),
    ("一对多", "文本生成/看图说话", 3, {0}, {0, 1, 2}),
    ("多对一", "情感分析", 3, {0, 1, 2}, {2}),
    ("多对多（等长）", "序列标注\n（如词性标注）", 3, {0, 1, 2}, {0, 1, 2}),
    ("多对多（不等长）", "机器翻译", 5, {0, 1, 2}, {3, 4}),
]


def draw_rnn_structures() -> plt.Figure:
    """输入、输出序列长短不同的五种结构（仿 Karpathy 的示意图）：圆为向量，框为隐状态。"""
    spacing, gap = 0.9, 0.75
    widths = [max(n * spacing, 1.4) for _, _, n, _, _ in STRUCTURES]
    right = sum(widths) + gap * (len(widths) - 1)
    fig, ax = canvas((-0.2, right + 0.2), (-2.2, 4.0), scale=0.47)
    left = 0.0
    for (title, example, n, inputs, outputs), width in zip(STRUCTURES, widths):
        x0 = left + (width - (n - 1) * spacing) / 2
        prev = None
        for i in range(n):
            h = time_step(ax, x0 + i * spacing, "", "" if i in inputs else None, "" if i in outputs else None, V=None, U=None, small=True)
            if prev is not None:
                arrow(ax, prev, h)
            prev = h
        if max(inputs) < min(outputs):  # 编码器读完全部输入，解码器才开始输出
            note(ax, x0 + spacing * sum(inputs) / len(inputs), ROWS["y"], "编码器", fontsize=12)
            note(ax, x0 + spacing * sum(outputs) / len(outputs), ROWS["x"], "解码器", fontsize=12)
        note(ax, left + width / 2, 3.65, title, color="black")
        note(ax, left + width / 2, -0.55, example, fontsize=12, va="top")
        left += width + gap
    y, mid = -1.85, right / 2  # 图例
    legend = [node(ax, mid - 2.6, y, "", "x", r=0.2), cell(ax, mid - 0.4, y, "", w=0.5, h=0.36), node(ax, mid + 2.0, y, "", "y", r=0.2)]
    for shape, label in zip(legend, ["输入", "隐状态", "输出"]):
        note(ax, shape.x + 0.4, y, label, fontsize=12, ha="left", color="black")
    return fig


def draw_gru_cell() -> plt.Figure:
    """GRU 单元：h_t = (1 − u_t) ⊙ g_t + u_t ⊙ h_{t-1}，候选值 g_t 用 Cho 等 (2014) 的 h_{t-1} ⊙ r_t。"""
    fig, ax = canvas((-1.8, 10.3), (-2.5, 6.8), scale=0.58)
    top, mid, row, bus = 4.9, 3.5, 2.3, 1.0  # h 的主干、h⊙r 与 1−u 所在的高度、激活框的高度、输入总线
    frame(ax, 0, 0.35, 8.6, 5.55)
    h_prev, x = cell(ax, -1.2, top, "$h_{t-1}$"), node(ax, 1.0, -0.55, "$x_t$", "x")
    h_right, h_up = cell(ax, 9.65, top, "$h_t$"), cell(ax, 8.0, 6.35, "$h_t$")
    r, u, g = gate(ax, 1.9, row, "r"), gate(ax, 3.5, row, "u"), gate(ax, 5.6, row, "g")
    hr, uh, one = op(ax, 1.9, mid, "*"), op(ax, 3.5, top, "*"), op(ax, 4.9, 4.05, "1-", r=0.3, fontsize=EDGE_SIZE)
    ug, add = op(ax, 7.0, 4.05, "*"), op(ax, 7.0, top, "+")
    c = GATE_COLORS
    # 输入：h_{t-1} 折下来与 x_t 汇合（拼接），送进两个门；x_t 另有一支送进候选值
    wire(ax, port(h_prev, "right"), port(uh, "left"))
    wire(ax, (0.45, top), (0.45, bus), (3.5, bus), port(u, "bottom"))
    wire(ax, port(x, "top"), (1.0, bus), head=False)
    wire(ax, (1.0, 0.65), (5.6, 0.65), port(g, "bottom"))
    wire(ax, (1.9, bus), port(r, "bottom"))
    # 重置门：r_t ⊙ h_{t-1} 送进候选值（跨过更新门的线）
    wire(ax, port(r, "top"), port(hr, "bottom"), color=c["r"])
    wire(ax, (1.9, top), port(hr, "top"))
    wire(ax, port(hr, "right"), (5.6, mid), port(g, "top"), bridge=True)
    # 更新门：u_t ⊙ h_{t-1} 与 (1 − u_t) ⊙ g_t 相加
    wire(ax, port(u, "top"), port(uh, "bottom"), color=c["u"])
    wire(ax, (3.5, 4.05), port(one, "left"), color=c["u"])
    wire(ax, port(one, "right"), port(ug, "left"), color=c["u"])
    wire(ax, port(g, "right"), (7.0, row), port(ug, "bottom"), color=c["g"])
    wire(ax, port(ug, "top"), port(add, "bottom"))
    wire(ax, port(uh, "right"), port(add, "left"))
    wire(ax, port(add, "right"), port(h_right, "left"))
    wire(ax, (8.0, top), port(h_up, "bottom"))
    for point, color in [((0.45, top), EDGE_COLOR), ((1.9, top), EDGE_COLOR), ((1.0, 0.65), EDGE_COLOR),
                         ((1.9, bus), EDGE_COLOR), ((1.0, bus), EDGE_COLOR), ((3.5, 4.05), c["u"]), ((8.0, top), EDGE_COLOR)]:
        fork(ax, *point, color)
    tag(ax, 1.65, 2.95, "$r_t$", c["r"], ha="right")
    tag(ax, 3.25, 3.05, "$u_t$", c["u"], ha="right")
    tag(ax, 6.0, 4.35, "$1-u_t$", c["u"])
    tag(ax, 6.7, 2.6, "$g_t$", c["g"], ha="right")
    tag(ax, 4.55, 3.15, r"$h_{t-1}\odot r_t$")
    gate_legend(ax, 0.3, -1.45, [("r", "重置门 $r_t$"), ("u", "更新门 $u_t$"), ("g", "候选隐状态 $g_t$")], step=2.9)
    note(ax, 4.1, -2.15, r"候选值按 Cho 等 (2014)：$W_g(h_{t-1}\odot r_t)$；PyTorch 的 nn.GRU 是 $r_t\odot(W_gh_{t-1}+b)$")
    return fig


def draw_lstm_cell() -> plt.Figure:
    """LSTM 单元：c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t（上方的记忆元主干），h_t = o_t ⊙ tanh(c_t)。"""
    fig, ax = canvas((-1.8, 10.6), (-2.5, 6.0), scale=0.56)
    top, mid, row, bus = 4.9, 3.6, 2.3, 1.0  # 记忆元主干、i⊙g 与 tanh(c_t) 的高度、激活框的高度、输入总线
    frame(ax, 0, 0.35, 8.7, 5.55)
    c_prev, c_next = (box(ax, x, top, label, colored(GATE_COLORS["c"]), 0.9, 0.6, LABEL_SIZE)
                      for x, label in [(-1.2, "$c_{t-1}$"), (9.9, "$c_t$")])
    h_prev, h_next, x = cell(ax, -1.2, bus, "$h_{t-1}$"), cell(ax, 9.9, row, "$h_t$"), node(ax, 0.9, -0.55, "$x_t$", "x")
    f, i, g, o = (gate(ax, x, row, name) for x, name in [(1.7, "f"), (2.9, "i"), (4.3, "g"), (5.7, "o")])
    fc, add, ig = op(ax, 1.7, top, "*"), op(ax, 4.3, top, "+"), op(ax, 4.3, mid, "*")
    squash, oh = op(ax, 7.0, mid, "tanh"), op(ax, 7.0, row, "*")
    c = GATE_COLORS
    # 记忆元主干：c_{t-1} ⊙ f_t，再加上 i_t ⊙ g_t
    memory(ax, port(c_prev, "right"), port(fc, "left"))
    memory(ax, port(fc, "right"), port(add, "left"))
    memory(ax, port(add, "right"), port(c_next, "left"))
    # 输入：h_{t-1} 与 x_t 汇合（拼接），送进四个激活框
    wire(ax, port(h_prev, "right"), (5.7, bus), port(o, "bottom"))
    wire(ax, port(x, "top"), (0.9, bus), head=False)
    for shape in (f, i, g):
        wire(ax, (shape.x, bus), port(shape, "bottom"))
        fork(ax, shape.x, bus)
    fork(ax, 0.9, bus)
    wire(ax, port(f, "top"), port(fc, "bottom"), color=c["f"])
    wire(ax, port(i, "top"), (2.9, mid), port(ig, "left"), color=c["i"])
    wire(ax, port(g, "top"), port(ig, "bottom"), color=c["g"])
    wire(ax, port(ig, "top"), port(add, "bottom"))
    # 输出：h_t = o_t ⊙ tanh(c_t)
    wire(ax, (7.0, top), port(squash, "top"), color=c["c"])
    fork(ax, 7.0, top, c["c"])
    wire(ax, port(squash, "bottom"), port(oh, "top"))
    wire(ax, port(o, "right"), port(oh, "left"), color=c["o"])
    wire(ax, port(oh, "right"), port(h_next, "left"))
    tag(ax, 1.45, 3.6, "$f_t$", c["f"], ha="right")
    tag(ax, 2.65, 3.0, "$i_t$", c["i"], ha="right")
    tag(ax, 4.55, 3.0, "$g_t$", c["g"], ha="left")
    tag(ax, 6.35, 2.62, "$o_t$", c["o"])
    tag(ax, 4.55, 4.25, r"$i_t\odot g_t$", ha="left")
    tag(ax, 7.6, 1.8, r"$o_t\odot\tanh(c_t)$")
    gate_legend(ax, -0.6, -1.45, [("g", "候选值 $g_t$"), ("i", "输入门 $i_t$"), ("o", "输出门 $o_t$"), ("f", "遗忘门 $f_t$")], step=2.6)
    note(ax, 4.2, -2.15, r"讲义按 $(g,i,o,f)$ 堆叠四组参数：$V\in\mathbb{R}^{4m\times n}$；图中从左到右按信息流排成 $f,i,g,o$")
    return fig


def _lstm_step(ax, x0, t):
    """紧凑的一个 LSTM 时间步，外框左边缘在 x0，t 为下标（如 "t-1"）。

    四个门并成一排（f、i、g、o），h 从左边进、从右边出，c 的主干在上方；返回后面连线要用的图形。"""
    top, mid, row = 3.3, 2.4, 1.5
    frame(ax, x0, 0.95, x0 + 3.55, 3.75)
    f, i, g, o = (gate(ax, x0 + 0.75 + 0.5 * k, row, name, f"${name}$", w=0.5, h=0.5, fontsize=EDGE_SIZE)
                  for k, name in enumerate("figo"))
    fc, add, ig = op(ax, x0 + 0.75, top, "*", r=0.22), op(ax, x0 + 1.5, top, "+", r=0.22), op(ax, x0 + 1.5, mid, "*", r=0.22)
    squash, oh = op(ax, x0 + 3.1, mid, "tanh", r=0.22, fontsize=12), op(ax, x0 + 3.1, row, "*", r=0.22)
    x = node(ax, x0 + 1.5, 0.2, f"$x_{{{t}}}$", "x", r=0.5, fontsize=12)
    c = GATE_COLORS
    wire(ax, port(x, "top"), (x0 + 1.5, row - 0.25))
    wire(ax, port(f, "top"), port(fc, "bottom"), color=c["f"])
    for name, shape in [("i", i), ("g", g)]:
        arrow(ax, shape, ig, color=c[name])
    wire(ax, port(ig, "top"), port(add, "bottom"))
    memory(ax, port(fc, "right"), port(add, "left"))
    wire(ax, (x0 + 3.1, top), port(squash, "top"), color=c["c"])
    fork(ax, x0 + 3.1, top, c["c"])
    wire(ax, port(squash, "bottom"), port(oh, "top"))
    wire(ax, port(o, "right"), port(oh, "left"), color=c["o"])
    return {"t": t, "h_in": port(f, "left"), "c_in": port(fc, "left"), "c_out": port(add, "right"),
            "h_out": port(oh, "right"), "fork": (x0 + 3.1, top), "add": add, "ig": ig, "i": i}


def draw_lstm_unrolled() -> plt.Figure:
    """LSTM 按时间展开（t−1, t, t+1）：记忆元主干上只有 ⊙f 和 +，隐状态 h 经过各门；高亮两条梯度路径。"""
    fig, ax = canvas((-1.5, 14.0), (-1.6, 5.0), scale=0.48)
    steps = [_lstm_step(ax, 4.35 * k, t) for k, t in enumerate(["t-1", "t", "t+1"])]
    top, row = steps[0]["fork"][1], steps[0]["h_in"][1]
    left, right = -0.45, steps[-1]["fork"][0] + 0.85
    memory(ax, (left, top), steps[0]["c_in"])
    wire(ax, (left, row), steps[0]["h_in"])
    tag(ax, left - 0.1, top, "$c_{t-2}$", ha="right")
    tag(ax, left - 0.1, row, "$h_{t-2}$", ha="right")
    for step, following in zip(steps, steps[1:] + [None]):
        c_name, h_name = f"$c_{{{step['t']}}}$", f"$h_{{{step['t']}}}$"
        if following is None:  # 最后一步：c、h 伸出图外
            memory(ax, step["c_out"], (right, top))
            wire(ax, step["h_out"], (right, row))
            tag(ax, right + 0.1, top, c_name, ha="left")
            tag(ax, right + 0.1, row, h_name, ha="left")
        else:
            memory(ax, step["c_out"], following["c_in"])
            wire(ax, step["h_out"], following["h_in"])
            middle = (step["fork"][0] + following["c_in"][0]) / 2 + 0.15
            tag(ax, middle, top + 0.75, c_name)
            tag(ax, middle, row + 0.45, h_name)
    # 直接路径：c_t 到 c_{t-1} 只经过 ⊙ f_t 和 +（高亮带，箭头指向梯度传回的方向）
    prev, now = steps[0], steps[1]
    highlight(ax, (now["c_out"][0] + 0.25, top), (prev["fork"][0] + 0.5, top), alpha=0.7)
    note(ax, (now["c_out"][0] + prev["fork"][0]) / 2, 4.55, r"直接路径：$\partial c_t/\partial c_{t-1}=\operatorname{diag}(f_t)$", color="black")
    # 间接路径：c_t ← i_t、g_t（及 f_t）← h_{t-1} ← o_{t-1} ⊙ tanh(c_{t-1}) ← c_{t-1}
    fx, fy = prev["fork"]
    route = [(now["add"].x, top - 0.25), (now["ig"].x, now["ig"].y), (now["i"].x, row), (now["h_in"][0], row),
             (fx, row), (fx, fy)]
    dashed_highlight(ax, route, alpha=0.45)
    highlight(ax, (fx + 0.95, row), (fx + 0.6, row), alpha=0.6, tail=0, head=0.85)  # 只画箭头：梯度往回走
    note(ax, 6.2, -0.75, r"虚线：经 $h_{t-1}$ 与各门（$f_t,i_t,g_t$）的间接路径，同样把梯度从 $c_t$ 传回 $c_{t-1}$", color="black")
    note(ax, 6.2, -1.35, r"四个门都读 $h_{t-1}$，所以完整的 $\partial c_t/\partial c_{t-1}$ 不只是 $\operatorname{diag}(f_t)$")
    return fig


# 文件名 → 绘图函数
FIGURES: dict[str, Callable[[], plt.Figure]] = {
    "notation_shapes.png": draw_notation_shapes,
    "rnn1.png": draw_rnn_unrolled,
    "rnn2.png": draw_rnn_bidirectional,
    "rnn3.png": draw_rnn_structures,
    "gru1.png": draw_gru_cell,
    "lstm1.png": draw_lstm_cell,
    "lstm2.png": draw_lstm_unrolled,
}


def render(name: str, path: Path) -> None:
    """按书的风格画 ``name`` 这张图并存到 ``path``（不写入随 matplotlib 版本变化的元数据）。"""
    use_book_style()
    fig = FIGURES[name]()
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="重新生成 images/ 下由代码绘制的图")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（含 images/），默认当前目录")
    args = parser.parse_args(argv)
    images = args.root / "images"
    if not images.is_dir():
        parser.error(f"参数 --root：期望含 images/ 的仓库根目录，实际得到 {args.root}")
    for name in FIGURES:
        render(name, images / name)
        print(f"已生成 images/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
