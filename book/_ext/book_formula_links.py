"""代码指回公式：代码单元里写着 ``(eq-标签)`` 的（``#@save`` 定义的文档字符串「实现式 (eq-…)」），
单元下方加一行「本单元实现：式 (3)」，链接到那个公式（在别的页面时写明页名）。公式 → 代码由正文的叙述给出，
这里补上代码 → 公式的方向。
"""

from __future__ import annotations

import re

from docutils import nodes

LABEL = re.compile(r"\((eq-[\w-]+)\)")


def _cell_code(cell: nodes.Element) -> str:
    return "".join(block.astext() for block in cell.findall(nodes.literal_block)
                   if "cell_input" in block.parent.get("classes", []))


def _links(app, docname: str, labels: list[str]) -> nodes.paragraph:
    equations = app.env.get_domain("math").equations
    paragraph = nodes.paragraph(classes=["book-formula-links"])
    paragraph += nodes.Text("本单元实现：")
    for i, label in enumerate(labels):
        target_doc, number = equations[label]
        page = "" if target_doc == docname else f"「{app.env.titles[target_doc].astext()}」"
        uri = app.builder.get_relative_uri(docname, target_doc) + "#" + nodes.make_id(f"equation-{label}")  # 与公式的 id 相同（小写）
        paragraph += nodes.Text("、" if i else "")
        paragraph += nodes.reference("", f"{page}式 ({number})", refuri=uri, internal=True)
    return paragraph


def link_code_to_formulas(app, doctree, docname):
    if app.builder.format != "html":
        return
    equations = app.env.get_domain("math").equations
    for cell in list(doctree.findall(nodes.container)):
        if "cell" not in cell.get("classes", []):
            continue
        labels = list(dict.fromkeys(label for label in LABEL.findall(_cell_code(cell)) if label in equations))
        if labels:
            cell.insert(1, _links(app, docname, labels))


def setup(app):
    app.connect("doctree-resolved", link_code_to_formulas)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
