"""本书的全文检索。

Sphinx 自带的检索不适合中文的书：它只认分好的词，查询里两个字的词都算可有可无，得分只分「标题里有」与
「正文里有」两档，摘要要去取每个结果页（从 file:// 打开时取不到）、带着 LaTeX 源码与主题的按钮文字。
这里换成自己的：构建时从每页的文档树取出页面标题、各小节（锚点、小节标题、本节正文）与加粗的术语，正文里的
公式换成可读的文字（pylatexenc），不要代码、单元输出、显示公式与主题的界面文字，写成
``_static/book-search-data.js``，只由检索页载入；浏览器里 ``book-search.js`` 按短语查找（中文不必分词），
每个词都要出现，按 标题 > 小节标题 > 加粗的术语 > 正文 排序，从这些文字里截摘要，结果链接到词所在的小节。
点开结果后，落地页由 ``book-highlight.js`` 标出查询词。Sphinx 的 searchindex.js 不再需要，也就不建。
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from pylatexenc.latex2text import LatexNodes2Text
from sphinx import addnodes

DATA_FILE = "book-search-data.js"
# 不进检索文字的节点：代码与输出、显示公式、图片本身（图注照收）、目录与链接目标
SKIPPED = (nodes.literal_block, nodes.math_block, nodes.raw, nodes.comment, nodes.image, nodes.target,
           nodes.substitution_definition, nodes.system_message, addnodes.toctree)
HAN_OR_PUNCT = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
# Markdown 里折行的中文段落，行与行之间的空白不是真正的空格
SPACE_IN_CHINESE = re.compile(f"(?<=[{HAN_OR_PUNCT}])\\s+(?=[{HAN_OR_PUNCT}])")
LATEX = LatexNodes2Text(math_mode="text")
SCRIPT_GROUP = re.compile(r"([_^])\{([^{}]*)\}")   # 不含花括号的上下标组


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def is_code_cell(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and "cell" in node.get("classes", [])


def math_text(tex: str) -> str:
    """行内公式 → 可读的文字：h_{t-1} → h_(t-1)，\\frac{a}{b} → a/b，\\alpha → α。"""
    def script(match: re.Match) -> str:
        inner = LATEX.latex_to_text(match[2])
        return match[1] + (inner if re.fullmatch(r"\w*", inner) else f"({inner})")
    return LATEX.latex_to_text(SCRIPT_GROUP.sub(script, tex))


def node_text(node: nodes.Node) -> str:
    """节点里读者读到的文字。段落、标题等块之间隔一个空格；块里折行处汉字之间的空白去掉。"""
    if isinstance(node, nodes.math):
        return math_text(node.astext())
    if isinstance(node, nodes.Text):
        return str(node)
    if isinstance(node, SKIPPED) or is_code_cell(node):
        return ""
    text = "".join(node_text(child) for child in node.children)
    if isinstance(node, nodes.TextElement) and not isinstance(node, nodes.Inline):
        return SPACE_IN_CHINESE.sub("", text) + " "
    return text


def section_entry(section: nodes.section, anchor: str) -> dict:
    """一节：锚点、小节标题、本节自己的正文（不含子节）与其中加粗的术语。"""
    body = [child for child in section.children[1:] if not isinstance(child, nodes.section)]
    strong = dict.fromkeys(plain(node_text(node)) for child in body for node in child.findall(nodes.strong))
    return {"id": anchor, "title": plain(node_text(section[0])),
            "text": plain("".join(node_text(child) for child in body)), "terms": [term for term in strong if term]}


def sections(doctree: nodes.document) -> list[dict]:
    """各节按页面上的顺序；第一节是页面本身，锚点为空（结果链接到页首）。"""
    found = []

    def visit(section: nodes.section) -> None:
        found.append(section_entry(section, section["ids"][0] if found else ""))
        for child in section.children:
            if isinstance(child, nodes.section):
                visit(child)

    for child in doctree.children:
        if isinstance(child, nodes.section):
            visit(child)
    return found


def page_entry(app, docname: str) -> dict:
    found = sections(app.env.get_and_resolve_doctree(docname, app.builder))
    return {"url": app.builder.get_target_uri(docname), "title": found[0]["title"], "sections": found}


def reading_order(env, docname: str, seen: set | None = None) -> list[str]:
    """按目录的顺序列出各页：得分相同的结果按书里的先后排。"""
    seen = set() if seen is None else seen
    seen.add(docname)
    order = [docname]
    for child in env.toctree_includes.get(docname, []):
        if child not in seen:
            order += reading_order(env, child, seen)
    return order


def write_search_data(app):
    """写出检索数据，再生成检索页（Sphinx 自己的检索页与索引已经关掉，见 use_book_search）。"""
    docnames = reading_order(app.env, app.config.root_doc)
    docnames += sorted(set(app.env.found_docs) - set(docnames))
    pages = [page_entry(app, docname) for docname in docnames]
    data = json.dumps(pages, ensure_ascii=False, separators=(",", ":"))
    Path(app.outdir, "_static", DATA_FILE).write_text(f"window.bookSearchPages = {data};\n", encoding="utf-8")
    yield "search", {}, "search.html"


def use_book_search(app):
    """不建 Sphinx 的 searchindex.js，也不让 Sphinx 生成检索页：检索页由 write_search_data 生成。"""
    if app.builder.format == "html":
        app.builder.search = False


def add_search_scripts(app, pagename, templatename, context, doctree):
    if pagename == "search":
        app.add_js_file(DATA_FILE, defer="defer")
        app.add_js_file("book-search.js", defer="defer")


def setup(app):
    app.connect("builder-inited", use_book_search)
    app.connect("html-collect-pages", write_search_data)
    app.connect("html-page-context", add_search_scripts)
    app.add_js_file("book-highlight.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
