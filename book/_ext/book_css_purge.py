"""主题的两份大样式表只留本书用得上的规则。

每页 <head> 里的 bootstrap.css（209 KB）与 pydata-sphinx-theme.css（86 KB）阻塞渲染：慢网上下载完它们之前页面一片空白。
本书只用到其中一小部分（按钮、下拉菜单、提示框、布局……）。构建结束时，这里像 PurgeCSS 那样把每条规则的选择器与
「本书全部页面 + _static 里的脚本」对照：一组选择器里，只要有一个选择器的类名全都在页面或脚本里出现过，规则就留下，
否则删掉。``:not()``、``:is()`` 等括号里的类名不算条件（不看它们只会多留规则）。Bootstrap 的脚本在运行时
拼出类名（如 ``bs-tooltip-auto``），这些组件的类名前缀列在 :data:`RUNTIME_CLASSES` 里，一律保留。
这两份样式表由主题以固定的 ?digest= 链接，不带内容校验和，所以可以在构建结束时改写。
"""

from __future__ import annotations

import re
from pathlib import Path

STYLESHEETS = ["_static/styles/bootstrap.css", "_static/styles/pydata-sphinx-theme.css"]
RUNTIME_CLASSES = re.compile(r"^(bs-|show|showing|hide|hiding|fade|collaps|active|disabled|tooltip|popover|dropdown|"
                             r"modal|offcanvas|nav|btn|was-validated|is-)")
CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
PARENTHESES = re.compile(r"\([^()]*\)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def used_words(outdir: Path) -> set[str]:
    """页面与脚本里出现的每个「词」（类名只可能是其中之一）。MathJax 与 vendor/ 下的第三方脚本不用主题的类，不看。"""
    files = [*outdir.glob("**/*.html"),
             *(p for p in (outdir / "_static").glob("**/*.js") if not {"mathjax", "vendor"} & set(p.parts))]
    return {word for path in files for word in re.findall(r"[-\w]+", path.read_text(encoding="utf-8"))}


def selector_used(selectors: str, words: set[str]) -> bool:
    while PARENTHESES.search(selectors):   # 由内向外去掉括号里的内容（:not(.a)、:is(.a, .b)、:nth-child(2)……）
        selectors = PARENTHESES.sub("", selectors)
    for selector in selectors.split(","):
        classes = CLASS.findall(selector)
        if all(name in words or RUNTIME_CLASSES.match(name) for name in classes):
            return True
    return False


def closing_brace(css: str, start: int) -> int:
    """css[start] 是 "{"：返回与它配对的 "}" 之后的位置。"""
    depth, i = 0, start
    while True:
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        i += 1
        if depth == 0:
            return i


def purge(css: str, words: set[str]) -> str:
    """删掉没用的样式规则；@media、@supports 里面逐条判断，其余 @ 规则（@font-face、@keyframes……）原样保留。"""
    out, i = [], 0
    while (brace := css.find("{", i)) >= 0:
        prelude, end = css[i:brace].strip(), closing_brace(css, brace)
        if prelude.startswith(("@media", "@supports")):
            inner = purge(css[brace + 1:end - 1], words)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@") or selector_used(prelude, words):
            out.append(css[i:end].strip())
        i = end
    return "".join(out)


def purge_file(path: Path, words: set[str]) -> None:
    """改写一份样式表：只留用得上的规则，开头的版权与许可说明（/*! … */）原样保留。"""
    css = path.read_text(encoding="utf-8")
    licence = "".join(re.findall(r"/\*!.*?\*/", css, re.S))
    path.write_text(licence + purge(COMMENT.sub("", css), words), encoding="utf-8")


def purge_theme_css(app, exception):
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    words = used_words(outdir)
    for name in STYLESHEETS:
        if (outdir / name).exists():
            purge_file(outdir / name, words)


def setup(app):
    app.connect("build-finished", purge_theme_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
