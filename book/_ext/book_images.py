"""网页书里的插图从本地读。

笔记本里的插图写成仓库中 ``images/`` 文件的网址（见 ``wordvec_book.setup_cell.figure_url``），这样在 Colab 里、
或单独下载的笔记本里也能显示。构建时这里把这些网址换回仓库里的 ``images/`` 文件：Sphinx 照常把图复制进
``_build/html``，网页书不联网也能看到每一幅图。网址的前缀由 ``_config.yml`` 的 ``repository:`` 一节给出。
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.transforms import SphinxTransform

from wordvec_book.setup_cell import figure_url, repository


class LocalFigures(SphinxTransform):
    """把指向本书仓库 ``images/`` 的网址换成源目录里的 ``/images/文件名``（Sphinx 把开头的 / 当作源目录）。"""

    default_priority = 100   # 在 Sphinx 收集图片（读完文档之后）之前

    def apply(self, **kwargs):
        prefix = figure_url(*repository(Path(self.app.srcdir)))
        for image in self.document.findall(nodes.image):
            if image["uri"].startswith(prefix):
                image["uri"] = "/images/" + image["uri"].removeprefix(prefix)


def setup(app):
    app.add_transform(LocalFigures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
