"""每页的 <script> 只出现一次；不预加载图标字体。

sphinx-thebe 在 jupyter-book 1.x 里于每次读文档前都登记一遍它的内联配置脚本，页面里就出现两个
`const THEBE_JS_URL = ...`，浏览器报 “Identifier 'THEBE_JS_URL' has already been declared”
（sphinx-togglebutton 的内联脚本也重复）。这里在写每一页之前去掉内容相同的重复脚本。
"""

from __future__ import annotations

import re

from markupsafe import Markup

# pydata-sphinx-theme 0.15 用 <link rel="preload" as="font" crossorigin> 预加载三个图标字体；双击打开（file://）时
# 浏览器按跨域请求拦下它们，每页报三个控制台错误。图标照样由主题的 CSS 按需加载字体，预加载可以不要。
FONT_PRELOAD = re.compile(r'\s*<link rel="preload" as="font"[^>]*>')


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = (script.filename or "", tuple(sorted(script.attributes.items())))  # 同一脚本有时登记为 None、有时为 ""
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def without_font_preloads(head: str) -> Markup:
    return Markup(FONT_PRELOAD.sub("", str(head)))


def register_filter(app):
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["book_without_font_preloads"] = without_font_preloads


def setup(app):
    app.connect("builder-inited", register_filter)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
