"""本书的版本与日期（``wordvec_book.edition``：版本号在 ``code/pyproject.toml``，日期在 ``CHANGELOG.md``）交给 Sphinx：
网页书每页的页脚（``book/_templates/book-footer.html``）与 PDF 的扉页都印出「版本 2026.12.0 · 2026-12-07」。"""

from __future__ import annotations

from pathlib import Path

from wordvec_book.edition import edition


def set_edition(app, config):
    version, date = edition(Path(app.srcdir))   # 书的源目录就是仓库的根目录
    config.version = config.release = version
    config.today = date   # PDF 扉页的日期
    config.html_context = {**config.html_context, "book_edition_date": date}   # 网页书的页脚


def setup(app):
    app.connect("config-inited", set_edition)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
