"""MathJax 按组件加载，右键菜单等读者要用时才加载。

MathJax 3 的合成组件 tex-chtml.js（1.16 MB）里有 426 KB 是右键菜单（ui/menu）。本书改用 startup.js 加上
_config.yml 的 ``loader.load`` 里列出的组件（与 tex-chtml.js 里的 TeX 输入、CHTML 输出、字体数据与给读屏软件的
隐藏 MathML 相同，排出的公式逐个元素一样），共 0.76 MB；菜单在读者第一次在公式上点右键（或长按）时由
book.js 加载。读者以前在菜单里改过设置（MathJax 存在 localStorage 里）时，菜单照旧随公式一起加载，设置从一开始就生效。

这里给每个有公式的页面：

- 在 <head> 里预加载这些组件。MathJax 的加载器要等 startup.js、再等 core.js 到了才去取下一层，
  慢网上每层多等一个往返；预加载让它们早早开始下载。预加载的优先级设为低：否则它们与阻塞渲染的样式表抢带宽，
  Fast 3G 下页面晚 3 秒才出现（实测「时间反向传播」一页：首次出字 8.4 s → 5.1 s，公式排好 11–13 s 不变）。
- 加一段内联脚本：localStorage 里有菜单设置时把 ui/menu 加进要加载的组件。
"""

from __future__ import annotations

from pathlib import PurePosixPath

STARTUP = "mathjax/startup.js"            # 相对 _static；sphinx-mathjax-offline 把 MathJax 3 整个复制到 _static/mathjax
MENU_SETTINGS = "MathJax-Menu-Settings"   # MathJax 3 的菜单保存读者设置用的 localStorage 键
LOAD_MENU_IF_CUSTOMIZED = f"""try {{
  if (localStorage.getItem("{MENU_SETTINGS}")) window.MathJax.loader.load.push("ui/menu");
}} catch (error) {{}}"""


def components(app) -> list[str]:
    """startup.js 之后加载的组件文件（相对 MathJax 目录）：core、loader.load 里的各个，以及 CHTML 的字体数据。"""
    names = ["core", *app.config.mathjax3_config.get("loader", {}).get("load", [])]
    if "output/chtml" in names:
        names.append("output/chtml/fonts/tex")
    return [f"{name}.js" for name in names]


def use_startup(app, config):
    """sphinx-mathjax-offline 在它的 setup() 里把 mathjax_path 定成 tex-chtml.js（_config.yml 里改不动），这里换掉。"""
    config.mathjax_path = STARTUP


def preload_components(app, pagename, templatename, context, doctree):
    if not any(str(script.filename or "").endswith(STARTUP) for script in context.get("script_files", [])):
        return   # 这一页没有公式
    root = PurePosixPath("_static") / PurePosixPath(STARTUP).parent
    links = "".join(f'<link rel="preload" as="script" href="{context["pathto"](str(root / name), 1)}" '
                    'fetchpriority="low" />\n' for name in components(app))
    context["metatags"] = context.get("metatags", "") + links
    app.builder.add_js_file("", body=LOAD_MENU_IF_CUSTOMIZED)


def setup(app):
    app.connect("config-inited", use_startup)
    # 在 sphinx.ext.mathjax 登记 MathJax 的脚本（优先级 500）之后、book_scripts 整理脚本列表（900）之前
    app.connect("html-page-context", preload_components, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
