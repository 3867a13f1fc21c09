"""代码块里去掉不改变样子的 <span>，页面小三分之一。

Pygments 给代码里的每个记号包一个 <span class="…">，连名字（n）、标点（p）、空白（w）也包。本书的配色里这几类
在明暗两种主题下都只是把颜色设成代码块本身的颜色，去掉 <span> 看起来完全一样；而它们占了章节页 HTML 的三分之一
（「负采样」一页 321 KB 里有 110 KB）。写每一页之前，这里按构建出的 pygments.css 找出这样的类，在代码块里
把它们的 <span> 换成里面的文字。配色改了（某类有了自己的颜色或字体），它就不再被去掉。
"""

from __future__ import annotations

import re

from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Text
from pygments.util import ClassNotFound

CODE_BLOCK = re.compile(r'<div class="highlight"><pre>.*?</pre></div>', re.S)


def plain_token_classes(style_names: tuple[str, ...]) -> set[str]:
    """在每种配色里都与普通代码文字（Text）一模一样的记号类；有一种配色找不到时一个也不算。

    主题的 pygments.css 里代码块本身的颜色正是 Text 的样式（Pygments 的 HtmlFormatter 就这样写 .highlight）。
    """
    try:
        styles = [get_style_by_name(name) for name in style_names]
    except ClassNotFound:
        return set()
    return {name for token, name in STANDARD_TYPES.items()
            if name and all(style.style_for_token(token) == style.style_for_token(Text) for style in styles)}


def unwrap_plain_spans(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    # pydata-sphinx-theme 按这两种配色在构建结束时写出 pygments.css（明、暗主题各一套）
    styles = (context.get("theme_pygments_light_style"), context.get("theme_pygments_dark_style"))
    plain = plain_token_classes(styles) if '<div class="highlight">' in body and all(styles) else set()
    if plain:
        classes = "|".join(map(re.escape, sorted(plain)))
        span = re.compile(rf'<span class="(?:{classes})">([^<]*)</span>')
        context["body"] = CODE_BLOCK.sub(lambda block: span.sub(r"\1", block.group(0)), body)


def setup(app):
    app.connect("html-page-context", unwrap_plain_spans)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
