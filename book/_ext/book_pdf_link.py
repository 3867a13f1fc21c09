"""网页书链接 PDF 版：``make pdf`` 生成过 ``_build/pdf/wordvec-rnn.pdf`` 时，构建网页书把它复制进网页书的文件夹，
「如何使用本书」里的占位 ``<div class="book-pdf">`` 换成下载链接（大小与生成日期）；没有生成过时保留占位里
原有的说明（怎样生成）。PDF 只在构建时产生，不进仓库。"""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

PDF_NAME = "wordvec-rnn.pdf"
PAGE = "book/how_to_use"
PLACEHOLDER = re.compile(r'<div class="book-pdf">.*?</div>', re.S)


def built_pdf(app) -> Path:
    return Path(app.outdir).parent / "pdf" / PDF_NAME   # make pdf 的输出：_build/pdf/wordvec-rnn.pdf


def link_pdf(app, pagename, templatename, context, doctree):
    pdf = built_pdf(app)
    if pagename != PAGE or app.builder.format != "html" or not pdf.exists():
        return
    shutil.copyfile(pdf, Path(app.outdir) / PDF_NAME)
    date = datetime.date.fromtimestamp(pdf.stat().st_mtime).isoformat()
    link = (f'<div class="book-pdf"><p><a class="book-pdf-link" href="{context["pathto"](PDF_NAME, 1)}" download>'
            f'下载 PDF 版</a>（{pdf.stat().st_size / 1e6:.1f} MB，{date} 生成）</p></div>')
    context["body"] = PLACEHOLDER.sub(link, context.get("body") or "", count=1)


def page_with_link(app, env, added, changed, removed):
    """PDF 可能在两次构建之间生成或更新，页面的源文件却没改：每次构建都重写这一页。"""
    return [PAGE] if PAGE in env.found_docs else []


def setup(app):
    app.connect("env-get-outdated", page_with_link)
    app.connect("html-page-context", link_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
