"""把单元算出的数交给正文引用（myst-nb 的 glue），正文里的数就不会与输出脱节。

正文中引用的方式（见 myst-nb 的文档「Glue」）::

    误差为 {glue:text}`bptt_err:.1e`              # glue(name, 数)：按格式 .1e、.3f、.0%、,d 排版
    误差约为 {glue}`bptt_err_tex`                   # glue_tex(name, 数)：排成 $3.2\\times10^{-17}$
    约 {glue}`decay_power`                          # glue_power(name, 数)：只取数量级 $10^{-21}$
    :::{glue:md} full_table                          # glue_table(name, 表头, 各行)：一整张 Markdown 表
    :format: myst
    :::

输出的格式与 ``myst_nb.glue(name, value, display=False)`` 完全相同（测试逐字节比较），但不依赖 myst-nb：
读者在 Colab 里运行笔记本时不必安装整个 Sphinx。JupyterLab 与 Colab 不显示这种输出。
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from IPython.display import display

from wordvec_rnn.inputs import Int, ListOf, Satisfies, Scalar, Spec, Str, accepts


class TextOrNumber(Spec):
    """一段文字，或有限实数标量（转成 Python 的 int 或 float）。"""

    def check(self, value, name, dims):
        return value if isinstance(value, str) else Scalar().check(value, name, dims)

GLUE_PREFIX = "application/papermill.record/"


def _emit(name: str, mimebundle: dict[str, str]) -> None:
    """按 myst-nb 的约定登记一个可被正文引用的输出（不在笔记本里显示）。"""
    display(
        {GLUE_PREFIX + mime: data for mime, data in mimebundle.items()},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}},
    )


@accepts(name=Str(), value=TextOrNumber())
def glue(name: str, value) -> None:
    """登记一个数或一段文字，正文用 ``{glue:text}`name:格式``` 引用。"""
    _emit(name, {"text/plain": repr(value) if not isinstance(value, str) else value})


@accepts(value=Scalar(), digits=Int(1, 17))
def tex_number(value, digits: int = 2) -> str:
    """把数排成 TeX：``3.2\\times10^{-17}``；0.001 ≤ |x| < 10⁴ 时写成普通小数（``digits`` 位有效数字）。"""
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.{digits}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa}\\times10^{{{int(exponent)}}}"


@accepts(name=Str(), value=Scalar(), digits=Int(1, 17))
def glue_tex(name: str, value, digits: int = 2) -> None:
    """登记 ``value`` 的 TeX 排版（``$3.2\\times10^{-17}$``），正文用 ``{glue}`name``` 引用。"""
    text = tex_number(value, digits)
    _emit(name, {"text/markdown": f"${text}$", "text/plain": text})


@accepts(name=Str(), value=Scalar(nonzero=True))
def glue_power(name: str, value) -> None:
    """登记 ``value`` 的数量级 ``$10^{k}$``（k 为 log10|value| 四舍五入），正文用 ``{glue}`name``` 引用。"""
    text = f"10^{{{round(math.log10(abs(value)))}}}"
    _emit(name, {"text/markdown": f"${text}$", "text/plain": text})


@accepts(name=Str(), header=ListOf(Str(blank=True), size="C"),
         rows=ListOf(ListOf(Satisfies(lambda cell: isinstance(cell, str), "字符串（排好版的单元格）"), size="C"),
                     nonempty=False))
def glue_table(name: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """登记一张 Markdown 表（单元格已排好版的字符串），正文用 ``{glue:md}`` 指令加 ``:format: myst`` 引用。"""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    table = "\n".join(lines)
    _emit(name, {"text/markdown": table, "text/plain": table})
