"""读出书的正文：笔记本的 Markdown 单元与章首页，去掉公式、代码与 MyST 标记后的文字（供 test_prose 检查）。"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CHAPTER_NOTEBOOKS, REPO, load_notebook

CHAPTER_PAGES = sorted((REPO / "chapters").glob("*/index.md"))
PROSE_FILES = sorted([*CHAPTER_NOTEBOOKS, *CHAPTER_PAGES])

MATH = re.compile(r"\$\$.*?\$\$|\\begin\{(\w+\*?)\}.*?\\end\{\1\}|\$[^$\n]+\$", re.S)
NOT_PROSE = [
    re.compile(r"^(```|~~~).*?^\1", re.S | re.M),  # 代码块
    re.compile(r"<!--.*?-->", re.S),  # 注释
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # MyST 角色：{glue:text}`x:.2f`、{eq}`eq-x`、{cite:p}`key`
    re.compile(r"`[^`\n]*`"),  # 行内代码
    re.compile(r"\]\([^)]*\)"),  # 链接地址
    re.compile(r"^\s*(:::+|```+)\s*\{.*$|^\s*:[\w-]+:.*$|^\s*:::+\s*$", re.M),  # 指令行与指令选项
    re.compile(r"^\([\w-]+\)=\s*$", re.M),  # 标签行 (sec-x)=
]


def markdown_parts(path: Path) -> list[tuple[str, str]]:
    """``(位置, Markdown 文本)``：笔记本的每个 Markdown 单元（位置是单元 id），或整个 .md 页面。"""
    if path.suffix == ".md":
        return [("页面", path.read_text(encoding="utf-8"))]
    cells = load_notebook(path)["cells"]
    return [(f"单元 {c['id']}", "".join(c["source"])) for c in cells if c["cell_type"] == "markdown"]


def code_sources(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in load_notebook(path)["cells"] if c["cell_type"] == "code"]


def without_math(markdown: str) -> str:
    """去掉公式（行内与行间）之后的文字，公式处留一个空格。"""
    return MATH.sub(" ", markdown)


def prose_text(markdown: str) -> str:
    """只剩文字：去掉代码块（先去，代码里的 $ 不是公式）、公式、MyST 角色与指令、行内代码、链接地址。"""
    markdown = NOT_PROSE[0].sub(" ", markdown)
    markdown = without_math(markdown)
    for pattern in NOT_PROSE[1:]:
        markdown = pattern.sub(" ", markdown)
    return markdown


def math_spans(markdown: str) -> list[str]:
    """全部公式的 TeX 源码（代码块里的不算）。"""
    return [m.group(0) for m in MATH.finditer(NOT_PROSE[0].sub(" ", markdown))]


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()
