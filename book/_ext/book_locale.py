"""网页书界面的中文（简体，大陆用语）。

Sphinx 与两个主题的界面文字都经 gettext 翻译，但自带的中文不全（许多提示还是英文），有的还是台湾用语
（「列印」）。本书在 ``book/_locale/<语言>/LC_MESSAGES/`` 里为要改的每个 gettext 域放一个 .po 文本文件，
文件名就是域名：``sphinx.po``（Sphinx 的 HTML 输出与 pydata-sphinx-theme 的模板）、``booktheme.po``
（sphinx-book-theme）。构建时用 babel（Sphinx 的依赖）在内存里编译，排在该域已有译文的前面：本书有的词条
用本书的，没有的照旧用 Sphinx 与主题自带的。

其余几处不经 gettext 的：主题模板与 myst-nb 写死的英文标签在 ``book/_templates/layout.html`` 里替换；
sphinx-togglebutton 与 myst-nb 的提示文字在 ``_config.yml`` 里设置；togglebutton 脚本写死的标签与
MathJax 的公式菜单在 ``book/_static/book.js`` 里翻译。
"""

from __future__ import annotations

import io
from gettext import GNUTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx import locale

LOCALE_DIR = Path(__file__).resolve().parent.parent / "_locale"
NAMESPACE = "general"   # Sphinx 登记各域译文时用的命名空间


def compile_po(path: Path) -> GNUTranslations:
    with path.open("rb") as po:
        catalog = read_po(po)
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return GNUTranslations(mo)


def install_first(app, domain: str, translations: GNUTranslations) -> None:
    """让 ``translations`` 排在 ``domain`` 已登记的译文之前；之后再登记的（主题的）排在后面。"""
    current = locale.translators.get((NAMESPACE, domain))
    if current is not None:
        translations.add_fallback(current)
    locale.translators[NAMESPACE, domain] = translations
    if domain == "sphinx":
        app.translator = translations   # 模板里的 _() 用它（Jinja 在构建器初始化时取走，晚于各扩展的 setup）


def launch_tooltips(app, pagename, templatename, context, doctree):
    """启动链接的提示：主题拼成 "Launch on" + " Colab"，中文语序不同，改用整句「在 Colab 中打开」。"""
    translate = locale.get_translation("booktheme")
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            for button in group["buttons"]:
                button["tooltip"] = translate("Launch on %(service)s") % {"service": button["text"]}


def setup(app):
    for po in sorted((LOCALE_DIR / app.config.language / "LC_MESSAGES").glob("*.po")):
        install_first(app, po.stem, compile_po(po))
    app.connect("html-page-context", launch_tooltips, priority=600)   # 主题在 501 加上启动按钮
    return {"parallel_read_safe": True, "parallel_write_safe": True}
