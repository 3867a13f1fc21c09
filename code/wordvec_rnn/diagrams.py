"""书中的示意图，全部由代码绘制（原讲义的插图已丢失，本书重画）。

在仓库根目录运行 ``python -m wordvec_rnn.diagrams``（即 ``make images``）重新生成 ``images/`` 下的每一张图；
测试检查 ``images/`` 里的图与这里的代码画出的一致。
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch, Rectangle  # noqa: E402
from matplotlib.path import Path as MplPath  # noqa: E402

from .plotting import use_book_style  # noqa: E402

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


def _equation(ax, parts, y):
    """从左到右画一行：矩阵 (rows, cols, 名字, 形状, 颜色) 与运算符（字符串）交替。"""
    x = 0.2
    for part in parts:
        if isinstance(part, str):
            ax.text(x + 0.25, y + 0.6, part, ha="center", va="center", fontsize=15)
            x += 0.5
        else:
            x = _matrix(ax, x, y, *part) + 0.05
    return x


def notation_shapes() -> plt.Figure:
    """列向量与批量优先：同一次矩阵乘法在数学里与代码里的两种写法（m=4, n=3, B=2）。"""
    m, n, batch = 4, 3, 2
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.2, 4.4))
    c = MATRIX_COLORS
    _equation(top, [(m, n, "$V$", "$m\\times n$", c["V"]), (n, 1, "$x_t$", "$n\\times 1$", c["x"]), "=", (m, 1, "$Vx_t$", "$m\\times 1$", c["h"])], 0.3)
    top.set_title("数学：列向量，一次一个样本  $Vx_t$", fontsize=12, loc="left")
    _equation(bottom, [(batch, n, "$X$", "$B\\times n$", c["x"]), "@", (n, m, "$V^\\top$", "$n\\times m$", c["V"]), "=", (batch, m, "$H$", "$B\\times m$", c["h"])], 0.6)
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
# 箭头旁写所乘的矩阵。颜色按角色固定，与 notation_shapes 里 x、h 的颜色一致。
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
    color = ROLE_COLORS[role]
    return {"facecolor": "white" if faint else _tint(color), "edgecolor": color, "linewidth": 1.6,
            "linestyle": "--" if faint else "-", "zorder": 3}


def node(ax, x, y, label, role, r=0.32, fontsize=LABEL_SIZE, faint=False):
    """向量：以 (x, y) 为圆心的圆（role 为 "x" 或 "y"）；faint=True 画成虚线空心（给定的初值等）。"""
    patch = Circle((x, y), r, **_style(role, faint))
    return _shape(ax, patch, x, y, label, fontsize)


def cell(ax, x, y, label, role="h", w=0.9, h=0.6, fontsize=LABEL_SIZE, faint=False):
    """循环单元 / 隐状态：以 (x, y) 为中心、宽 w 高 h 的圆角框。"""
    patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.12", **_style(role, faint))
    return _shape(ax, patch, x, y, label, fontsize)


def _tint(color, alpha=0.35):
    """把颜色与白色混合（不透明的浅色填充，箭头和交叉的线不会透出来）。"""
    return tuple(1 - alpha + alpha * c for c in to_rgb(color))


def _edge_label(ax, x, y, dx, dy, label, side, offset, fontsize):
    """在 (x, y) 处、方向 (dx, dy) 的左侧（side=1）或右侧（side=-1）写矩阵名。"""
    norm = (dx * dx + dy * dy) ** 0.5
    ax.text(x - side * offset * dy / norm, y + side * offset * dx / norm, label, ha="center", va="center",
            fontsize=fontsize, zorder=5)


def arrow(ax, a: Node, b: Node, label=None, side=1, rad=0.0, at=0.5, offset=0.25, fontsize=EDGE_SIZE, bridge=False):
    """从 a 指向 b 的箭头（停在两者边缘）；label 写在箭头上比例 at 处的左侧（side=1）或右侧（side=-1）。

    rad ≠ 0 时画成弧线（matplotlib 的 arc3）；bridge=True 时线两侧描白边，与别的线交叉时像从上面跨过。"""
    effects = [patheffects.withStroke(linewidth=5, foreground="white")] if bridge else None
    ax.add_patch(FancyArrowPatch((a.x, a.y), (b.x, b.y), patchA=a.patch, patchB=b.patch, shrinkA=1, shrinkB=1,
                                 arrowstyle="-|>", mutation_scale=13, linewidth=1.4, color=EDGE_COLOR,
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


def rnn_unrolled() -> plt.Figure:
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


def rnn_bidirectional() -> plt.Figure:
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


def rnn_structures() -> plt.Figure:
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


# 文件名 → 绘图函数
FIGURES: dict[str, Callable[[], plt.Figure]] = {
    "notation_shapes.png": notation_shapes,
    "rnn1.png": rnn_unrolled,
    "rnn2.png": rnn_bidirectional,
    "rnn3.png": rnn_structures,
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
