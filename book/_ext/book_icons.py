"""只发布页面用到的 Font Awesome 图标。

主题（pydata-sphinx-theme 0.15）在每页加载 Font Awesome Free 的全部图标：图标字体的 CSS（103 KB）、预加载的三个
图标字体（300 KB），再加一个把 <i class="fa-…"> 换成 SVG 的脚本（1.5 MB）。页面只用到二十来个图标，而且只靠
CSS 与字体就能显示它们（主题自己的 CSS 也用这些字体画提示框与翻页的图标），所以：

- 构建结束时，图标 CSS 只留各页与脚本里用到的类名（fa-bars……）的规则（与 book_css_purge 同样的判断），
  图标字体用 fontTools 只留留下的图标与各 CSS 里直接写出的图标字符（主题的 --pst-icon-*）；
- 每页不再加载那个脚本（``layout.html`` 用这里登记的 Jinja 过滤器从主题的 <head> 里去掉它），输出里也删掉它；
  也不再预加载图标字体（见 ICON_FONT_PRELOAD）。

Font Awesome Free 的图标以 CC BY 4.0、字体以 SIL OFL 1.1 发布；许可文件（LICENSE.txt）与 CSS 开头的版权说明原样保留。
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from markupsafe import Markup

from book_css_purge import purge_file, used_words

VENDOR = "_static/vendor/fontawesome"
ICON_SCRIPT = re.compile(r'\s*<script src="[^"]*/vendor/fontawesome/[^"]*/js/all\.min\.js[^"]*"></script>')
# 主题以 crossorigin 预加载三个图标字体：从 file:// 打开时浏览器按跨域拒绝它们（控制台报错，图标不显示）；
# 子集化以后每个只有一两 KB，不必预加载
ICON_FONT_PRELOAD = re.compile(r'\s*<link rel="preload" as="font"[^>]*/vendor/fontawesome/[^>]*>')
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]|\\(f[0-9a-f]{3})\b")


def without_icon_script(head: str) -> Markup:
    """Jinja 过滤器：从主题生成的 <head> 片段里去掉 Font Awesome 的全部图标脚本与图标字体的预加载。"""
    return Markup(ICON_FONT_PRELOAD.sub("", ICON_SCRIPT.sub("", str(head))))


def css_icon_code_points(outdir: Path) -> set[int]:
    """各 CSS 里的图标字符：Font Awesome 留下的图标规则，以及主题直接写出的（--pst-icon-*、content:"\\f…"）。"""
    points = set()
    for path in (outdir / "_static").glob("**/*.css"):
        for match in PRIVATE_USE.finditer(path.read_text(encoding="utf-8")):
            points.add(int(match.group(1), 16) if match.group(1) else ord(match.group(0)))
    return points


def trim_font(path: Path, code_points: set[int]) -> None:
    options = subset.Options()
    options.flavor = "woff2"
    options.notdef_outline = True
    font = TTFont(path)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    path.write_bytes(out.getvalue())


def trim_icons(app, exception):
    """构建结束时：图标 CSS 只留用到的规则，图标字体只留这些图标，删掉不再加载的全部图标脚本。"""
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for script in (outdir / VENDOR).glob("*/js/all.min.js*"):
        script.unlink()
    words = used_words(outdir)
    for icon_css in (outdir / VENDOR).glob("*/css/all.min.css"):
        purge_file(icon_css, words)
    code_points = css_icon_code_points(outdir)
    for font in (outdir / VENDOR).glob("*/webfonts/*.woff2"):
        trim_font(font, code_points)


def register_filter(app):
    if hasattr(app.builder, "templates"):
        app.builder.templates.environment.filters["book_without_icon_script"] = without_icon_script


def setup(app):
    app.connect("builder-inited", register_filter)
    app.connect("build-finished", trim_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
