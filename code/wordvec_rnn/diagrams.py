"""书中的示意图，全部由代码绘制（原讲义的插图已丢失，本书重画）。

在仓库根目录运行 ``python -m wordvec_rnn.diagrams``（即 ``make images``）重新生成 ``images/`` 下的每一张图；
测试检查 ``images/`` 里的图与这里的代码画出的一致。
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

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


# 文件名 → 绘图函数
FIGURES: dict[str, Callable[[], plt.Figure]] = {"notation_shapes.png": notation_shapes}


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
