"""全书统一的 matplotlib 风格，以及随包安装的中文字体。

字体是 Noto Sans CJK SC 的 GB2312 子集（SIL OFL 1.1，见 ``fonts/``），随本包一起安装：
在没有任何中文字体的机器上（包括 Colab），中文标签也显示为汉字而不是方框。
"""

from __future__ import annotations

from importlib import resources

import matplotlib as mpl
from matplotlib import font_manager

CJK_FONT_FILE = "NotoSansCJKsc-Regular-GB2312.otf"
CJK_FAMILY = "Noto Sans CJK SC"

# 中文字体放在第一位：含 $...$ 公式的标签里，公式外的文字只用第一个字体排版（matplotlib 的 mathtext 不逐字回退）。
# 子集里没有的字形由 DejaVu Sans 逐字补上；公式本身用 DejaVu Sans 的数学字体。
BOOK_STYLE = {
    "font.family": [CJK_FAMILY, "DejaVu Sans"],
    "mathtext.fontset": "dejavusans",
    "axes.unicode_minus": True,
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
}

# 每个门一种颜色，示意图与曲线图共用（GRU：r、u、g；LSTM：g、i、o、f，记忆元 c）。
GATE_COLORS = {
    "r": "#DD8452",   # 重置门
    "u": "#8172B3",   # 更新门
    "g": "#55A868",   # 候选值
    "i": "#4C72B0",   # 输入门
    "o": "#937860",   # 输出门
    "f": "#C44E52",   # 遗忘门
    "c": "#DA8BC3",   # 记忆元
}


def cjk_font_path() -> str:
    """随包安装的中文字体文件的路径。"""
    return str(resources.files(__package__) / "fonts" / CJK_FONT_FILE)


def use_book_style() -> None:
    """注册中文字体（只注册一次）并启用全书的绘图风格；每个笔记本开头调用一次。"""
    path = cjk_font_path()
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    mpl.rcParams.update(BOOK_STYLE)
