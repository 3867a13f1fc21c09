"""PDF 版（``make pdf``，Sphinx 的 LaTeX 构建器）：把网页书的写法换成印得出来的样子。只在 LaTeX 构建器里起作用，
网页书不变。

- 章号：``chapters/NN_*`` 下的章按目录编成第 00–05 章，与正文里「第 01 章」的称呼一致；其余（如何使用本书、
  教师指南、勘误……）不编号；
- 代码单元：每个笔记本开头安装本书的包的单元不印；网页上折叠起来的代码（``hide-input``）只印输出；
  很长的输出只留开头与结尾几行；
- 长表格按各列最长的内容定列宽，能在栏内换行，不冲出页边；
- 交互部件（滑块图、词向量探索器、答案框、「核对你自己的实现」）换成纸上的样子，见 ``book_latex_widgets``。
"""

from __future__ import annotations

import re
import unicodedata

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from book_latex_widgets import FingerprintsForPrint, WidgetsForPrint
from wordvec_book.setup_cell import INSTALL

KEEP_HEAD, KEEP_TAIL = 24, 6   # 长输出留下的开头与结尾行数
LINE_CHARACTERS = 80           # 一行正文约能放下的西文字符数（10pt 的等宽字符，含表格各列的边距）
CHAPTER = re.compile(r"^chapters/(\d\d)_")


def _latex(text: str) -> nodes.raw:
    return nodes.raw("", text, format="latex")


class ChapterNumbers(SphinxPostTransform):
    """每章开头设好 LaTeX 的章号：chapters/NN_* 是第 NN 章，其余的章不编号；前言补上标题。"""

    builders = ("latex",)
    default_priority = 900

    def run(self, **kwargs):
        # 前言（根文件）在目录之后、第一部分之前，jupyterbook-latex 去掉了它的标题：补上不编号的章标题与书签
        title = self.env.titles[self.config.root_doc].astext()
        self.document.insert(0, _latex(rf"\chapter*{{{title}}}\addcontentsline{{toc}}{{chapter}}{{{title}}}"
                                       rf"\markboth{{{title}}}{{}}" + "\n"))
        site_map = self.config.external_site_map   # _toc.yml（sphinx-external-toc）
        chapters = {str(item) for part in site_map.root.subtrees for item in part.items}
        for ref in self.document.findall(addnodes.start_of_file):
            docname = ref["docname"]
            if docname not in chapters:   # 章下面的节
                continue
            match = CHAPTER.match(docname)
            command = (rf"\setcounter{{secnumdepth}}{{1}}\setcounter{{chapter}}{{{int(match.group(1)) - 1}}}"
                       if match else r"\setcounter{secnumdepth}{-1}")
            ref.insert(0, _latex(command + "\n"))


class NotebookCellsForPrint(SphinxPostTransform):
    """安装单元不印，折叠的代码只印输出，长输出截短。"""

    builders = ("latex",)
    default_priority = 5

    def run(self, **kwargs):
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") != "cell_code":
                continue
            source = next((c for c in cell.children if c.get("nb_element") == "cell_code_source"), None)
            if source is not None and source.astext().startswith(INSTALL.splitlines()[0]):
                cell.parent.remove(cell)
            elif source is not None and "tag_hide-input" in cell["classes"]:
                cell.remove(source)
        for block in list(self.document.findall(nodes.literal_block)):
            if "output" in block["classes"]:
                _trim(block)


def _trim(block: nodes.literal_block) -> None:
    lines = block.astext().splitlines()
    if len(lines) <= KEEP_HEAD + KEEP_TAIL + 2:
        return
    skipped = len(lines) - KEEP_HEAD - KEEP_TAIL
    kept = [*lines[:KEEP_HEAD], f"……（省略 {skipped} 行，网页版有完整的输出）……", *lines[-KEEP_TAIL:]]
    block.children = [nodes.Text("\n".join(kept))]
    block.rawsource = "\n".join(kept)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class TableColumnWidths(SphinxPostTransform):
    """没有给出列宽的表格：按各列最长的内容（汉字算两个字符宽）定列宽，Sphinx 就写出能换行的列。"""

    builders = ("latex",)
    default_priority = 400

    def run(self, **kwargs):
        for table in self.document.findall(nodes.table):
            if "colwidths-given" in table["classes"]:
                continue
            for group in table.findall(nodes.tgroup):
                specs = [c for c in group.children if isinstance(c, nodes.colspec)]
                for spec, width in zip(specs, _column_widths(group, len(specs))):
                    spec["colwidth"] = width
            table["classes"].append("colwidths-given")


def _column_widths(group: nodes.tgroup, columns: int) -> list[int]:
    """各列的宽度（一个西文字符为单位）：最长的一行，至多 50、至少 6；合计超过一行的宽度时，只从能换行的部分里
    扣，每列至少留下它最长的行内代码（代码不能在中间断开）。"""
    widths, least = [6] * columns, [6] * columns
    for row in group.findall(nodes.row):
        for i, entry in enumerate(row.children[:columns]):
            longest = max((_display_width(line) for line in entry.astext().splitlines()), default=0)
            widths[i] = max(widths[i], min(longest, 50))
            code = max((len(node.astext()) + 2 for node in entry.findall(nodes.literal)), default=0)
            least[i] = max(least[i], min(code, 50))
    widths = [max(w, m) for w, m in zip(widths, least)]
    excess, slack = sum(widths) - LINE_CHARACTERS, sum(w - m for w, m in zip(widths, least))
    if excess <= 0 or slack <= 0:
        return widths
    return [round(w - (w - m) * min(1.0, excess / slack)) for w, m in zip(widths, least)]


def setup(app):
    for transform in (ChapterNumbers, NotebookCellsForPrint, TableColumnWidths, WidgetsForPrint,
                      FingerprintsForPrint):
        app.add_post_transform(transform)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
