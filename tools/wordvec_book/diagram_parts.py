"""示意图的绘图零件：节点、格子、箭头、门、运算圆、连线与梯度高亮带（:mod:`wordvec_book.diagrams` 用它们拼出每一张图）。"""

from __future__ import annotations

from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from wordvec_rnn.plotting import GATE_COLORS  # noqa: E402

MATRIX_COLORS = {"V": "#4C72B0", "x": "#DD8452", "h": "#55A868"}


def _matrix(ax, x, y, rows, cols, label, shape, color, cell=0.32):
    """在 (x, y)（左下角）画一个 rows×cols 的格子矩阵，中间写名字，下面写形状；返回右边缘的横坐标。"""
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((x + j * cell, y + i * cell), cell, cell, facecolor=color, alpha=0.35, edgecolor="white"))
    ax.add_patch(Rectangle((x, y), cols * cell, rows * cell, fill=False, edgecolor=color, linewidth=1.6))
    ax.text(x + cols * cell / 2, y + rows * cell / 2, label, ha="center", va="center", fontsize=13 if cols > 1 else 10)
    ax.text(x + cols * cell / 2, y - 0.18, shape, ha="center", va="top", fontsize=10, color="#333333")
    return x + cols * cell


def equation(ax, parts, y):
    """从左到右画一行：矩阵 (rows, cols, 名字, 形状, 颜色) 与运算符（字符串）交替。"""
    x = 0.2
    for part in parts:
        if isinstance(part, str):
            ax.text(x + 0.25, y + 0.6, part, ha="center", va="center", fontsize=15)
            x += 0.5
        else:
            x = _matrix(ax, x, y, *part) + 0.05
    return x


ROLE_COLORS = {
    "x": MATRIX_COLORS["x"],  # 输入
    "h": MATRIX_COLORS["h"],  # 隐状态（正向）
    "hb": "#64B5CD",  # 反向隐状态
    "y": "#8172B3",  # 输出
    "L": "#C44E52",  # 损失
    "cat": "#8C8C8C",  # 拼接等不带参数的运算
}
EDGE_COLOR = "#444444"
NOTE_COLOR = "#555555"
ROWS = {"x": 0.0, "h": 1.5, "y": 3.0, "L": 4.2}  # 一个时间步里各层的高度
LABEL_SIZE, EDGE_SIZE, NOTE_SIZE = 14, 13, 13  # 圆和框里、箭头旁、说明文字的字号（磅）


class Node(NamedTuple):
    """画好的一个图形元素：图形本身（箭头贴着它的边缘停下）和中心坐标。"""

    patch: Patch
    x: float
    y: float


def _shape(ax, patch, x, y, label, fontsize):
    ax.add_patch(patch)
    if label:
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=4)
    return Node(patch, x, y)


def _style(role, faint):
    """role 的颜色：实线边框 + 浅色不透明填充；faint=True 为虚线边框、白色填充（给定的初值等）。"""
    return colored(ROLE_COLORS[role], faint)


def colored(color, faint=False):
    """颜色 color 的实线边框 + 浅色不透明填充；faint=True 为虚线边框、白色填充。"""
    return {"facecolor": "white" if faint else _tint(color), "edgecolor": color, "linewidth": 1.6,
            "linestyle": "--" if faint else "-", "zorder": 3}


def node(ax, x, y, label, role, r=0.32, fontsize=LABEL_SIZE, faint=False):
    """向量：以 (x, y) 为圆心的圆（role 为 "x" 或 "y"）；faint=True 画成虚线空心（给定的初值等）。"""
    patch = Circle((x, y), r, **_style(role, faint))
    return _shape(ax, patch, x, y, label, fontsize)


def cell(ax, x, y, label, role="h", w=0.9, h=0.6, fontsize=LABEL_SIZE, faint=False):
    """循环单元 / 隐状态：以 (x, y) 为中心、宽 w 高 h 的圆角框。"""
    return box(ax, x, y, label, _style(role, faint), w, h, fontsize)


def box(ax, x, y, label, style, w, h, fontsize):
    """以 (x, y) 为中心、宽 w 高 h、样式 style（见 _colored）的圆角框。"""
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.12", **style)
    return _shape(ax, patch, x, y, label, fontsize)


def _tint(color, alpha=0.35):
    """把颜色与白色混合（不透明的浅色填充，箭头和交叉的线不会透出来）。"""
    return tuple(1 - alpha + alpha * c for c in to_rgb(color))


def _edge_label(ax, x, y, dx, dy, label, side, offset, fontsize):
    """在 (x, y) 处、方向 (dx, dy) 的左侧（side=1）或右侧（side=-1）写矩阵名。"""
    norm = (dx * dx + dy * dy) ** 0.5
    ax.text(x - side * offset * dy / norm, y + side * offset * dx / norm, label, ha="center", va="center",
            fontsize=fontsize, zorder=5)


def arrow(ax, a: Node, b: Node, label=None, side=1, rad=0.0, at=0.5, offset=0.25, fontsize=EDGE_SIZE, bridge=False,
          color=EDGE_COLOR):
    """从 a 指向 b 的箭头（停在两者边缘）；label 写在箭头上比例 at 处的左侧（side=1）或右侧（side=-1）。

    rad ≠ 0 时画成弧线（matplotlib 的 arc3）；bridge=True 时线两侧描白边，与别的线交叉时像从上面跨过。"""
    effects = [patheffects.withStroke(linewidth=5, foreground="white")] if bridge else None
    ax.add_patch(FancyArrowPatch((a.x, a.y), (b.x, b.y), patchA=a.patch, patchB=b.patch, shrinkA=1, shrinkB=1,
                                 arrowstyle="-|>", mutation_scale=13, linewidth=1.4, color=color,
                                 connectionstyle=f"arc3,rad={rad}", path_effects=effects, zorder=2))
    if label:
        dx, dy = b.x - a.x, b.y - a.y
        # arc3 是二次贝塞尔曲线，控制点为弦的中点沿法向移动 rad 倍弦长
        cx, cy = (a.x + b.x) / 2 + rad * dy, (a.y + b.y) / 2 - rad * dx
        x = (1 - at) ** 2 * a.x + 2 * at * (1 - at) * cx + at**2 * b.x
        y = (1 - at) ** 2 * a.y + 2 * at * (1 - at) * cy + at**2 * b.y
        _edge_label(ax, x, y, dx, dy, label, side, offset, fontsize)


def loop(ax, box: Node, label, reach=0.9, fontsize=EDGE_SIZE):
    """单元到自身的循环边：从框的右边出去、绕一圈、回到右边，label 写在圈外。"""
    right = box.x + box.patch.get_width() / 2
    points = [(right, box.y + 0.15), (right + reach, box.y + 0.7), (right + reach, box.y - 0.7), (right, box.y - 0.15)]
    path = MplPath(points, [MplPath.MOVETO] + [MplPath.CURVE4] * 3)
    ax.add_patch(FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=13, linewidth=1.4, color=EDGE_COLOR, zorder=2))
    ax.text(right + 0.75 * reach + 0.3, box.y, label, ha="center", va="center", fontsize=fontsize)


def note(ax, x, y, text, fontsize=NOTE_SIZE, **kw):
    """说明文字（中文题注、省略号等），默认居中、灰色。"""
    ax.text(x, y, text, ha=kw.pop("ha", "center"), va=kw.pop("va", "center"), fontsize=fontsize,
            color=kw.pop("color", NOTE_COLOR), **kw)


def time_step(ax, x, hidden, inp=None, out=None, loss=None, V="$V$", U="$U$", small=False):
    """一个时间步的一列：输入圆 inp →(V) 隐状态框 hidden →(U) 输出圆 out →损失框 loss。

    inp / out / loss 为 None 表示这一步没有这一项，为 "" 表示画出但不写字；small=True 画小一号。返回隐状态框。"""
    r, w, height, fontsize = (0.22, 0.48, 0.4, 12) if small else (0.32, 0.9, 0.6, LABEL_SIZE)
    h = cell(ax, x, ROWS["h"], hidden, w=w, h=height, fontsize=fontsize)
    if inp is not None:
        arrow(ax, node(ax, x, ROWS["x"], inp, "x", r, fontsize), h, V)
    if out is not None:
        y = node(ax, x, ROWS["y"], out, "y", r, fontsize)
        arrow(ax, h, y, U)
        if loss is not None:
            arrow(ax, y, cell(ax, x, ROWS["L"], loss, "L", w=0.7, h=0.46))
    return h


def canvas(xlim, ylim, scale=0.66):
    """一张不带坐标轴、横纵比例相同的图；scale 为每个坐标单位的英寸数。"""
    fig = plt.figure(figsize=((xlim[1] - xlim[0]) * scale, (ylim[1] - ylim[0]) * scale))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


# ---- 门控单元（GRU、LSTM）：仿 colah《Understanding LSTM Networks》的画法 ----
# 浅灰大圆角框 = 一个单元；彩色小框 = 带参数的层（对 x_t、h_{t-1} 做仿射变换 V·x_t + W·h_{t-1} + b 再激活），
# 颜色按门固定（GATE_COLORS），从门出来的线也用这个颜色；灰色小圆 = 不带参数的逐元素运算（⊙、+、1−、tanh）。
# 线在单元里直角拐弯：两条线汇合 = 拼接 [h_{t-1}; x_t]，黑点 = 分叉（同一个向量送往几处）。
OPS = {"*": r"$\odot$", "+": "$+$", "1-": "$1{-}$"}
CELL_FILL = "#F4F4F4"  # 单元外框的填充色
OP_R, GATE_W, GATE_H = 0.26, 0.8, 0.52  # 运算圆的半径，激活框的宽和高


def gate(ax, x, y, name, label=None, w=None, h=GATE_H, fontsize=LABEL_SIZE):
    """门 name（GATE_COLORS 的键）的激活框：默认候选值 g 写 tanh（框宽一些），其余的门写 σ。"""
    default, width = (r"$\tanh$", 1.25 * GATE_W) if name == "g" else (r"$\sigma$", GATE_W)
    return box(ax, x, y, label or default, colored(GATE_COLORS[name]), w or width, h, fontsize)


def memory(ax, *points, head=True):
    """记忆元 c 的主干：GATE_COLORS["c"] 色的粗直线。"""
    wire(ax, *points, color=GATE_COLORS["c"], head=head, width=3.2)


def op(ax, x, y, symbol, r=OP_R, fontsize=LABEL_SIZE):
    """逐元素运算：symbol 为 "*"（⊙）、"+"、"1-" 时画灰色小圆，为 "tanh" 时画灰色扁框。"""
    if symbol == "tanh":
        return box(ax, x, y, r"$\tanh$", _style("cat", False), 4.2 * r, 1.6 * r, fontsize)
    return node(ax, x, y, OPS[symbol], "cat", r, fontsize)


def port(shape: Node, side):
    """shape 边缘上正对 side（"left"、"right"、"top"、"bottom"）的点：连线从这里出发或停在这里。"""
    if isinstance(shape.patch, Circle):
        dx = dy = shape.patch.radius
    else:
        dx, dy = shape.patch.get_width() / 2, shape.patch.get_height() / 2
    return {"left": (shape.x - dx, shape.y), "right": (shape.x + dx, shape.y),
            "top": (shape.x, shape.y + dy), "bottom": (shape.x, shape.y - dy)}[side]


def wire(ax, *points, color=EDGE_COLOR, head=True, width=1.4, bridge=False):
    """依次经过 points 的折线，head=True 时末端画箭头；bridge=True 时两侧描上单元的底色，从交叉的线上跨过。"""
    effects = [patheffects.withStroke(linewidth=width + 5, foreground=CELL_FILL)] if bridge else None
    ax.add_patch(FancyArrowPatch(path=MplPath(points), arrowstyle="-|>" if head else "-", mutation_scale=13,
                                 linewidth=width, color=color, joinstyle="round", path_effects=effects,
                                 zorder=2.5 if bridge else 2))


def fork(ax, x, y, color=EDGE_COLOR):
    """分叉点：一个向量从这里同时送往几处。"""
    ax.add_patch(Circle((x, y), 0.07, color=color, zorder=2.6))


def tag(ax, x, y, text, color=EDGE_COLOR, ha="center"):
    """线旁的名字（门的输出 r_t、u_t 等），颜色与线相同。"""
    ax.text(x, y, text, ha=ha, va="center", fontsize=EDGE_SIZE, color=color, zorder=5)


def frame(ax, x0, y0, x1, y1):
    """一个门控单元的外框（浅灰圆角矩形，画在最下层）。"""
    ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.3",
                                facecolor=CELL_FILL, edgecolor="#BBBBBB", linewidth=1.2, zorder=0))


def gate_legend(ax, x, y, items, step):
    """从 (x, y) 起横排的图例：每项 (门, 说明) 画一个该门颜色的小方块再写说明，相邻两项相隔 step。"""
    for k, (name, text) in enumerate(items):
        left = x + k * step
        ax.add_patch(Rectangle((left, y - 0.14), 0.28, 0.28, **colored(GATE_COLORS[name])))
        note(ax, left + 0.42, y, text, fontsize=NOTE_SIZE, ha="left", color="black")


GRADIENT_COLOR = "#F0B429"  # 反向传播时梯度走的路径（高亮带）


def highlight(ax, start, end, alpha, tail=0.55, head=1.1):
    """梯度路径的高亮带：从 start 指向 end 的半透明宽箭头（tail=0 时只有箭头），画在所有线的下面。"""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=f"simple,head_length=0.6,head_width={head},tail_width={tail}",
                                 mutation_scale=22, facecolor=GRADIENT_COLOR, edgecolor="none", alpha=alpha, zorder=1))


def dashed_highlight(ax, points, alpha):
    """沿 points 的虚线高亮带（次要的梯度路径），画在所有线的下面。"""
    ax.add_patch(FancyArrowPatch(path=MplPath(points), arrowstyle="-", linewidth=8, linestyle=(0, (1.3, 0.8)),
                                 capstyle="butt", color=GRADIENT_COLOR, alpha=alpha, zorder=1))
