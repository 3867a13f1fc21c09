"""中文标点不与行内公式（代码）拆开：，。；：、）等不落到行首，（「等不留在行尾。

MathJax 把行内公式排成一个拆不开的盒子，浏览器在盒子的前后都可以换行，于是「……$w_i\\sim P_n$。」里的句号
可能独自落到下一行的行首，「（$D=0$）」的左括号可能独自留在上一行的行尾，这是中文排版的避头尾规则
不许的。构建时把公式（或代码）连同紧挨着它的那一个标点包进一个不换行的 ``<span class="book-nowrap">``
（样式见 book.css）；别处照常换行。
"""

from __future__ import annotations

from docutils import nodes

CLOSING = "，。；：、）！？」』》】"   # 不能出现在行首
OPENING = "（「『《【"                 # 不能留在行尾


def _math_or_code_at(node: nodes.Node, side: int) -> bool:
    """节点是行内公式或行内代码，或者在 ``side`` 一侧（0：开头，-1：结尾）以它们收尾
    （如 glue 进来的公式在一个 <span> 里，链接里的代码，已经包好的 book-nowrap）。"""
    while not isinstance(node, (nodes.math, nodes.literal)):
        if not (isinstance(node, nodes.Inline) and isinstance(node, nodes.Element) and node.children):
            return False
        node = node.children[side]
    return True


def _position(node: nodes.Node) -> int:
    """``node`` 在父节点里的位置。不能用 ``parent.index``：Text 是 str 的子类，它按内容找，
    同一段里有两个「、」时会找到前一个。"""
    return next(i for i, child in enumerate(node.parent.children) if child is node)


def _nowrap(node: nodes.Node, mark: str, side: int) -> None:
    """把 ``node`` 与标点 ``mark``（``side`` 为 -1 时放在前面，0 时放在后面）一起换成一个不换行的 span。"""
    parent, index = node.parent, _position(node)
    group = nodes.inline("", "", classes=["book-nowrap"])
    parent[index] = group
    group += [nodes.Text(mark), node] if side == -1 else [node, nodes.Text(mark)]


def _glue_punctuation(text: nodes.Text) -> None:
    """``text`` 开头的避头标点并到前面的公式（代码）上，结尾的避尾标点并到后面的公式（代码）上。"""
    parent, value = text.parent, text.astext()
    if not value or isinstance(parent, (nodes.FixedTextElement, nodes.raw)):
        return
    index = _position(text)
    if value[0] in CLOSING and index > 0 and _math_or_code_at(parent[index - 1], -1):
        _nowrap(parent[index - 1], value[0], 0)
        value = value[1:]
    if value and value[-1] in OPENING and index + 1 < len(parent) and _math_or_code_at(parent[index + 1], 0):
        _nowrap(parent[index + 1], value[-1], -1)
        value = value[:-1]
    if value != text.astext():
        if value:
            parent[index] = nodes.Text(value)
        else:
            del parent[index]


def keep_punctuation_with_math(app, doctree, docname):
    for text in list(doctree.findall(nodes.Text)):
        _glue_punctuation(text)


def setup(app):
    app.connect("doctree-resolved", keep_punctuation_with_math)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
