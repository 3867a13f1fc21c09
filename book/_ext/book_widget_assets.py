"""交互部件的脚本与样式只给用得上它们的页面加载（其余页面不下载）。按页面里元素的 class 判断：

- 词向量探索器（``wordvec_rnn.explorer``，class ``book-explorer``）：book-explorer.js 与 book-explorer.css；
- 练习的答案框（``wordvec_rnn.answers`` 的 class ``book-answer``；``wordvec_rnn.formula_answers`` 答式子的框是
  ``book-answer book-formula``）：book-answers.js；
- 「核对你自己的实现」（``book_fingerprints``，class ``book-fingerprint``）：book-fingerprints.js（这两个的样式很少，
  在 book.css 里）。
"""

from __future__ import annotations

import re

WIDGETS = {
    "book-explorer": ("book-explorer.js", "book-explorer.css"),
    "book-answer": ("book-answers.js", None),
    "book-fingerprint": ("book-fingerprints.js", None),
}
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')


def class_names(body: str) -> set[str]:
    """页面里出现的全部 class 名（``class="a b"`` 算 a 与 b 两个）。"""
    return {name for match in CLASS_ATTRIBUTE.finditer(body) for name in match.group(1).split()}


def add_widget_assets(app, pagename, templatename, context, doctree):
    present = class_names(context.get("body") or "")
    for marker, (script, style) in WIDGETS.items():
        if marker in present:
            app.add_js_file(script, defer="defer")
            if style:
                app.add_css_file(style)


def setup(app):
    app.connect("html-page-context", add_widget_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
