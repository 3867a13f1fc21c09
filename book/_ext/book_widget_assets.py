"""交互部件的脚本与样式只给用得上它们的页面加载（其余页面不下载）。

- 词向量探索器（``wordvec_rnn.explorer``，``class="book-explorer"``）：book-explorer.js 与 book-explorer.css；
- 练习的答案框（``wordvec_rnn.answers``，``class="book-answer"``）：book-answers.js；
- 「核对你自己的实现」（``book_fingerprints``，``class="book-fingerprint"``）：book-fingerprints.js（这两个的样式很少，
  在 book.css 里）。
"""

from __future__ import annotations

WIDGETS = {
    'class="book-explorer"': ("book-explorer.js", "book-explorer.css"),
    'class="book-answer"': ("book-answers.js", None),
    'class="book-fingerprint"': ("book-fingerprints.js", None),
}


def add_widget_assets(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    for marker, (script, style) in WIDGETS.items():
        if marker in body:
            app.add_js_file(script, defer="defer")
            if style:
                app.add_css_file(style)


def setup(app):
    app.connect("html-page-context", add_widget_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
