"""每页只加载一次、只加载用得上的脚本与样式。

- sphinx-thebe 在 jupyter-book 1.x 里于每次读文档前都登记一遍它的内联配置脚本，页面里就出现两个
  `const THEBE_JS_URL = ...`，浏览器报 “Identifier 'THEBE_JS_URL' has already been declared”
  （sphinx-togglebutton 的内联脚本也重复）。这里在写每一页之前去掉内容相同的重复脚本。
- 本书没有打开 Thebe（_config.yml 的 launch_buttons 里没有 thebe）：它的样式、脚本与配置在每页都用不上。
- sphinx-design 的样式（55 KB）与标签页脚本只给真用到它的组件（class="sd-…"）的页面加载。
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

DESIGN_ASSETS = {"sphinx-design.min.css", "design-tabs.js"}
THEBE_ASSETS = {"sphinx-thebe.css", "sphinx-thebe.js"}
DESIGN_CLASS = re.compile(r'class="(?:[^"]*\s)?sd-')


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


def unused_assets(app, body: str) -> set[str]:
    unused = set()
    if not app.config.html_theme_options.get("launch_buttons", {}).get("thebe"):
        unused |= THEBE_ASSETS
    if not DESIGN_CLASS.search(body):
        unused |= DESIGN_ASSETS
    return unused


def drop_unused_assets(app, pagename, templatename, context, doctree):
    unused = unused_assets(app, context.get("body") or "")
    thebe_off = "sphinx-thebe.js" in unused
    for key in ("css_files", "script_files"):
        context[key] = [
            asset
            for asset in context.get(key, [])
            if PurePosixPath(asset.filename or "").name not in unused
            and not (thebe_off and "THEBE_JS_URL" in asset.attributes.get("body", ""))
        ]


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", drop_unused_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
