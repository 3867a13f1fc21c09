"""「核对你自己的实现」：章节里的占位 ``<div class="book-fingerprint" data-probe="名字">`` 换成探针的代码、一个
输入框，以及构建时算出的指纹（正确的实现与课堂作业里每个常见错误打印的数，``wordvec_book.fingerprints``）。

读者把自己的实现打印出的数贴进框里，``book-fingerprints.js`` 在页面里比较：对了，或者最像哪一个常见错误。
占位里原有的文字（在 Jupyter 里看到的说明）被换掉。
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from wordvec_book.fingerprints import ATOL, PROBES, RTOL, fingerprints, recognisable

PLACEHOLDER = re.compile(r'<div class="book-fingerprint" data-probe="([a-z_]+)">.*?</div>', re.S)


def _numbers(values) -> list:
    """JSON 没有无穷大与 NaN：它们写成字符串 "inf"、"-inf"、"nan"（book-fingerprints.js 读回来）。"""
    return [v if math.isfinite(v) else str(v) for v in values]


def probe_data(name: str, root: Path) -> dict:
    """页面需要的数：正确的实现打印的、每个认得出的常见错误打印的，以及比较的容差（``root`` 是仓库的根目录）。"""
    correct, found = fingerprints(name, root)
    return {"correct": _numbers(correct), "rtol": RTOL, "atol": ATOL, "catalogue": len(found),
            "mistakes": [{"name": fp.mistake, "description": fp.description, "values": _numbers(fp.values)}
                         for fp in recognisable(name, root)]}


def probe_html(name: str, root: Path) -> str:
    probe, data = PROBES[name], probe_data(name, root)
    code = highlight(probe.code, PythonLexer(), HtmlFormatter(nowrap=True))
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    return (
        f'<div class="book-fingerprint" data-probe="{name}">'
        f'<div class="highlight-python notranslate"><div class="highlight"><pre>{code}</pre></div></div>'
        '<form class="book-fingerprint-form"><label>打印出的 '
        f'{len(data["correct"])} 个数<textarea name="values" rows="2" spellcheck="false" autocomplete="off" disabled>'
        '</textarea></label><button type="submit" disabled>核对</button></form>'
        '<p class="book-fingerprint-result" role="status" aria-live="polite"></p>'
        f'<script type="application/json" class="book-fingerprint-data">{payload}</script></div>'
    )


def fill_probes(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    if 'class="book-fingerprint"' in body:
        root = Path(app.srcdir)   # 书的源目录就是仓库的根目录（_config.yml 在那里）
        context["body"] = PLACEHOLDER.sub(lambda match: probe_html(match.group(1), root), body)


def pages_with_probes(app, env, added, changed, removed):
    """指纹由课堂作业的目录与章节的代码算出，页面的源文件没改时它们也可能变：有核对框的页面每次构建都重写。"""
    return [doc for doc in env.found_docs
            if "book-fingerprint" in Path(env.doc2path(doc)).read_text(encoding="utf-8")]


def setup(app):
    app.connect("env-get-outdated", pages_with_probes)
    app.connect("html-page-context", fill_probes, priority=400)   # 在 book_widget_assets 看页面之前
    return {"parallel_read_safe": True, "parallel_write_safe": True}
