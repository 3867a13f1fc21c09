"""PDF 版（make pdf）：每章都在、中文字体嵌入、没有缺字、没有冲出页边的行、页数在预期之内，网页书链接它。

make test 在装有 xelatex 的机器上先 make pdf（见 Makefile）。没有 xelatex 时这些测试跳过；在 CI（CI=true）里
没有 xelatex 算失败：那里 .ci/run 装了 README 列出的 Debian 包。
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CHAPTER_NOTEBOOKS, HTML, REPO

PDF = REPO / "_build" / "pdf" / "wordvec-rnn.pdf"
LATEX_LOG = REPO / "_build" / "latex" / "book.log"
PAGES = range(300, 421)        # 356 页（2026-12）；章节增减时更新这个范围
WORST_OVERFULL_PT = 20.0       # 冲出页边超过这么多的行算错（几磅以内的看不出来）
TOOLS = ("xelatex", "pdftotext", "pdfinfo", "pdffonts", "pdftohtml")


@pytest.fixture(scope="module")
def pdf() -> Path:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        reason = f"没有 {', '.join(missing)}：PDF 版要装 README 列出的 Debian 包（texlive-xetex 等与 poppler-utils）"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    assert PDF.exists(), f"没有 {PDF.relative_to(REPO)}：先运行 make pdf（make test 在装有 xelatex 时会先做）"
    return PDF


@pytest.fixture(scope="module")
def text(pdf) -> str:
    """PDF 的文字，去掉空白（pdftotext 在行尾与汉字之间随处断开）。"""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def _plain(md: str) -> str:
    return re.sub(r"\s+", "", md)


BOOK_PAGES = [REPO / "book" / f"{name}.md" for name in
              ("preface", "how_to_use", "teachers_guide", "assignments", "errata", "references")]


def markdown_lines(path: Path) -> list[str]:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8").splitlines()
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "markdown"]
    return [line for c in cells for line in "".join(c["source"]).splitlines()]


def title_and_sentence(path: Path) -> tuple[str, str]:
    """页面的标题，与它的第一句不含公式、代码与链接的正文（至少 12 个字）。"""
    lines = markdown_lines(path)
    title = next(line[2:].strip() for line in lines if line.startswith("# "))
    for line in lines:
        for sentence in re.findall(r"[^。！？]+[。！？]", line):
            if len(sentence) >= 12 and not re.search(r"[$`{}\[\]<>*|#:]|^\s*[-\d]", sentence):
                return title, sentence.strip()
    raise AssertionError(f"{path.name} 没有一句不含公式与标记的正文")


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS + BOOK_PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_page_is_in_the_pdf(path, text):
    title, sentence = title_and_sentence(path)
    assert _plain(title) in text, f"PDF 里没有标题「{title}」"
    assert _plain(sentence) in text, f"PDF 里没有 {path.name} 的这句：{sentence}"


def test_contents_and_bookmarks(pdf, text):
    assert "目录" in text
    outline = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-f", "1", "-l", "1", "-stdout", str(pdf)],
                             capture_output=True, text=True, check=True).stdout
    bookmarks = re.findall(r"<item page=\"\d+\">(.*?)</item>", outline)
    for chapter in ("前言", "如何使用本书", "00 符号与术语", "01.2 连续词袋", "05 LSTM", "与原讲义的差异", "参考文献"):
        assert any(_plain(chapter) in _plain(b) for b in bookmarks), f"PDF 书签里没有「{chapter}」"
    assert "??" not in text, "PDF 里有没解析的引用（??）"


def test_cjk_font_is_embedded_and_nothing_is_missing(pdf):
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), f"中文字体没有嵌入：\n{fonts}"
    log = LATEX_LOG.read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log, "LaTeX 日志里有缺字（Missing character）"


def test_no_line_runs_past_the_margin(pdf):
    log = LATEX_LOG.read_text(encoding="utf-8", errors="replace")
    overfull = [float(pt) for pt in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    worst = max(overfull, default=0.0)
    assert worst <= WORST_OVERFULL_PT, f"有一行冲出页边 {worst:.1f} pt（见 {LATEX_LOG.relative_to(REPO)}）"


def test_page_count_is_in_the_expected_range(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages in PAGES, f"PDF 有 {pages} 页，预期 {PAGES.start}–{PAGES.stop - 1} 页"


def test_html_book_links_the_pdf(pdf):
    page = (HTML / "book" / "how_to_use.html").read_text(encoding="utf-8")
    link = re.search(r'<a class="book-pdf-link" href="([^"]+)"', page)
    assert link, "「如何使用本书」没有链接 PDF 版（make pdf 最后重建网页书）"
    target = (HTML / "book" / link.group(1)).resolve()
    assert target.read_bytes() == pdf.read_bytes(), "网页书里的 PDF 不是最新生成的那一份"


def test_slider_figures_print_their_key_frames(text):
    calls = sum(len(re.findall(r"^slider_figure\(", "".join(c["source"]), re.M))
                for path in CHAPTER_NOTEBOOKS for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                if c["cell_type"] == "code")
    printed = text.count("网页版可以拖动滑块看图怎样变")
    assert calls and printed == calls, f"{calls} 幅滑块图，PDF 里印了 {printed} 幅（默认帧与关键取值）"
