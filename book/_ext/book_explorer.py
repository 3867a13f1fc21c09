"""词向量探索器的数据放进单独的脚本文件，只在读者滚动到探索器附近时下载（脚本与样式见 book_widget_assets）。

``wordvec_rnn.explorer.StaticExplorer`` 把数据（约 1 MB 的词与 int8 词向量）作为 JSON 嵌在笔记本的输出里
（单独的笔记本里也能用）。写每一页之前，这里把它移到 ``_static/explorer/explorer-<内容指纹>.js``：文件把数据
登记到 ``window.bookExplorerData[指纹]``，探索器的 <div> 记下文件的相对网址（``data-src``）。``book-explorer.js``
用 <script> 载入它，不用 fetch：``file://`` 打开的书也能用。
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from book_slider_frames import drop_unreferenced

DATA = re.compile(r'<script type="application/json" class="book-explorer-data">(.*?)</script>', re.S)
ROOT = '<div class="book-explorer">'
DATA_NAME = re.compile(r"explorer-[0-9a-f]{16}\.js")


def data_file(folder: Path, data: str) -> str:
    """把数据写成脚本文件（文件名是内容的指纹，同样的数据只存一份），返回指纹。"""
    key = hashlib.sha1(data.encode("utf-8")).hexdigest()[:16]
    path = folder / f"explorer-{key}.js"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(f"(window.bookExplorerData = window.bookExplorerData || {{}})[{key!r}] = {data};\n",
                        encoding="utf-8")
    return key


def move_data_out(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    if ROOT not in body:
        return
    folder = Path(app.outdir) / "_static" / "explorer"

    def to_file(match: re.Match) -> str:
        key = data_file(folder, match.group(1))
        return f'<span hidden data-explorer-src="{context["pathto"](f"_static/explorer/explorer-{key}.js", 1)}" data-key="{key}"></span>'

    context["body"] = DATA.sub(to_file, body)


def drop_unused_data(app, exception):
    """删掉没有一页再用到的数据文件（重新训练以后留下的旧数据）。"""
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    drop_unreferenced(outdir, DATA_NAME, (outdir / "_static" / "explorer").glob("explorer-*.js"))


def setup(app):
    app.connect("html-page-context", move_data_out)
    app.connect("build-finished", drop_unused_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
