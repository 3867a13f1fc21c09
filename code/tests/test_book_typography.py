"""book/_ext/book_typography.py：行内公式（代码）与紧挨着的标点包进不换行的 span，文字一个不多、一个不少。"""

import sys

from docutils import nodes

from conftest import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
from book_typography import keep_punctuation_with_math  # noqa: E402


def paragraph(*children) -> nodes.paragraph:
    node = nodes.paragraph()
    node.extend(children)
    return node


def groups(node) -> list[str]:
    return [group.astext() for group in node.findall(nodes.inline) if "book-nowrap" in group["classes"]]


def test_math_and_code_keep_the_next_punctuation():
    text = paragraph(nodes.Text("有"), nodes.math("", "x"), nodes.Text("、"), nodes.math("", "y"), nodes.Text("、"),
                     nodes.literal("", "f()"), nodes.Text("。再看"), nodes.math("", "z"), nodes.Text(" 与、"))
    before = text.astext()
    keep_punctuation_with_math(None, text, "page")
    assert text.astext() == before, "文字变了"
    assert groups(text) == ["x、", "y、", "f()。"]   # z 后面是空格，不是标点


def test_math_inside_a_pasted_span_and_text_elsewhere():
    """glue 进来的公式在一个 span 里；前面另有一个同样的「，」跟在粗体后面（Text 按内容比较，不能认错）。"""
    pasted = nodes.inline("", "", nodes.math("", "3.2"), classes=["pasted-inline"])
    block = nodes.literal_block("", "print(x)，")
    text = paragraph(nodes.Text("约"), nodes.strong("", "粗体"), nodes.Text("，"), pasted, nodes.Text("，"))
    keep_punctuation_with_math(None, nodes.section("", text, block), "page")
    assert groups(text) == ["3.2，"] and text.astext() == "约粗体，3.2，"
    assert block.astext() == "print(x)，"


def test_opening_bracket_stays_with_the_formula_after_it():
    text = paragraph(nodes.Text("假对（"), nodes.math("", "D=0"), nodes.Text("）。用「"), nodes.literal("", "f"), nodes.Text("」"))
    keep_punctuation_with_math(None, text, "page")
    assert text.astext() == "假对（D=0）。用「f」"
    assert groups(text) == ["（D=0）", "（D=0", "「f」", "「f"]   # 外层的 span 包着里层的
    assert text[0].astext() == "假对" and text[2].astext() == "。用"
