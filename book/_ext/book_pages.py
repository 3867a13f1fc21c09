"""书根目录下目录（_toc.yml）之外的两个页面。

- ``index.html``：读者打开书的根目录时看到的页面，只是跳到第一页（前言）。sphinx-external-toc 写的那一行
  跳转没有 ``lang`` 与 ``<title>``，浏览器标签页与读屏软件都不知道这是什么；这里每次构建都重写它。
  它随即跳走，不用图标（空的 data: 图标，浏览器就不去请求不存在的 /favicon.ico，也不会请求到一半被跳转打断）。
- ``genindex.html``：本书不生成索引页（``_config.yml`` 的 ``html_use_index: false``，术语表在「符号与术语」
  一章）。以前的构建留下的空索引页删掉，免得 ``_build/html`` 里还有它。
"""

from __future__ import annotations

from html import escape
from pathlib import Path

REDIRECT = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="0; url={target}">
<title>{title}</title>
<link rel="icon" href="data:,">
</head>
<body><p>正在打开<a href="{target}">{first}</a>……</p></body>
</html>
"""


def root_redirect(app) -> str:
    root = app.config.root_doc
    return REDIRECT.format(
        lang=app.config.language.replace("_", "-"),
        target=escape(app.builder.get_target_uri(root)),
        title=escape(app.config.html_title),
        first=escape(app.env.titles[root].astext()),
    )


def write_root_pages(app, exception):
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    if app.config.root_doc != "index":   # 根文档就叫 index 时，index.html 是真正的一页
        (outdir / "index.html").write_text(root_redirect(app), encoding="utf-8")
    if not app.config.html_use_index:
        (outdir / "genindex.html").unlink(missing_ok=True)


def setup(app):
    app.connect("build-finished", write_root_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
