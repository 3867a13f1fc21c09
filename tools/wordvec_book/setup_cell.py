"""让每个章节笔记本离开仓库也能运行：第一个代码单元先装上本书这一版的包，插图从仓库的网址读。

第一个代码单元在 Colab、Binder 等新环境里先从 Python 的软件源装上这一版的包（``wordvec-rnn[corpora]==版本``，
版本号只写在 ``code/pyproject.toml`` 里，见 ``wordvec_book.edition``），再设定绘图风格与随机种子。本机已是这一版时
什么也不装；是别的版本时换成这一版并说一句：去年下载的笔记本装的仍是去年的代码。笔记本里的插图（``images/``
下由代码绘制的图）写成仓库里这个文件的网址（:func:`figure_url`，由 ``_config.yml`` 里唯一的一处仓库地址生成，
网页上的 Colab、Binder 按钮用的也是它），所以在 Colab 里、或单独下载的 ``.ipynb`` 里也能显示；构建 HTML 书时，
``book/_ext/book_images.py`` 再把这些网址换回本地的 ``images/``，网页书照样离线。在仓库根目录运行::

    python -m wordvec_book.setup_cell            # 改写 _toc.yml 中每个笔记本的第一个代码单元与插图链接
    python -m wordvec_book.setup_cell --check    # 只检查，不一致时列出并以状态 1 退出
    python -m wordvec_book.setup_cell chapters/04_gru/01_gru.ipynb   # 只处理列出的笔记本

只改写第一个代码单元以 :data:`BOOK_SETUP` 结尾的笔记本（原来的五行单元，或已生成过的单元），保留单元 id
与文件的 JSON 格式；第一个代码单元是别的内容时报错，不动它。Markdown 单元里指向本地 ``images/`` 的链接
（如 ``../../images/gru1.png``）改成 :func:`figure_url` 给出的网址。
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import yaml

from .edition import book_version
from .export import notebooks_in_reading_order

# 设定绘图风格（含随包安装的中文字体）与随机种子：每个笔记本的第一个代码单元都以这五行结尾。
BOOK_SETUP = """from wordvec_rnn.plotting import use_book_style
from wordvec_rnn.seeding import set_seed

use_book_style()
rng = set_seed(0)"""

# 装本书这一版的包：版本号来自 code/pyproject.toml（wordvec_book.edition），旧笔记本装的仍是它写成时的那一版。
# 测试（tests/test_standalone.py）用环境变量 WORDVEC_RNN_PACKAGE、WORDVEC_RNN_TOOLS_PACKAGE 把安装指向本地构建的轮子。
INSTALL = """# 在 Colab、Binder 等新环境里第一次运行时装上本书这一版的包（连同语料）；已装好这一版时什么也不做，也不替换已有的 torch
import importlib.metadata
import os
import subprocess
import sys

VERSION = "{version}"  # 本笔记本所写的那一版，从 Python 的软件源安装（镜像的设置见「如何使用本书」）


def install_book_package(name, spec, override):
    \"\"\"本机的 name 不是 VERSION 这一版时用 pip 安装 spec（环境变量 override 可以指向本地的轮子），并说一句。\"\"\"
    try:
        installed = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed != VERSION:
        package = os.environ.get(override, spec)
        print(f"安装 {{package}}（本机" + ("还没有）" if installed is None else f"是 {{installed}} 版；装好后重启内核）"))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", package], check=True)
        importlib.invalidate_caches()


install_book_package("wordvec-rnn", f"wordvec-rnn[corpora]=={{VERSION}}", "WORDVEC_RNN_PACKAGE")
"""

# 教师版作业笔记本的隐藏测试用到课堂作业的评分框架 wordvec_classroom，它在作者与教师的工具包里（读者不装）。
INSTALL_TOOLS = """install_book_package("wordvec-rnn-tools", f"wordvec-rnn-tools=={{VERSION}}", "WORDVEC_RNN_TOOLS_PACKAGE")
"""


def repository(root: Path) -> tuple[str, str]:
    """``_config.yml`` 中 ``repository:`` 一节的 ``(url, branch)``。"""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    values = config.get("repository")
    if not isinstance(values, dict):
        raise ValueError(f"{root / '_config.yml'} 里没有 repository: 一节（需要 url 与 branch）")
    missing = {"url", "branch"} - values.keys()
    if missing:
        raise ValueError(f"{root / '_config.yml'} 的 repository: 一节缺少 {'、'.join(sorted(missing))}")
    url, branch = str(values["url"]), str(values["branch"])
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        raise ValueError(f"repository: url 应是 https://github.com/组织/仓库，实际得到 {url!r}")
    return url, branch


LOCAL_FIGURE = re.compile(r"\]\((?:\.\./)+images/([\w.-]+\.png)\)")   # Markdown 里指向仓库 images/ 的相对链接


def figure_url(url: str, branch: str, name: str = "") -> str:
    """仓库里 ``images/name`` 这个文件的网址（GitHub 的原始文件地址）；``name`` 为空时返回网址的前缀。"""
    owner_repo = url.removeprefix("https://github.com/")
    return f"https://raw.githubusercontent.com/{owner_repo}/{branch}/images/{name}"


def render_setup_cell(version: str, *, tools: bool = False) -> str:
    """第一个代码单元的完整源码：装 ``version`` 这一版的包；``tools=True``（教师版作业）时还装同一版的工具包。"""
    install = INSTALL + (INSTALL_TOOLS if tools else "")
    return install.format(version=version) + "\n" + BOOK_SETUP


PINNED = re.compile(r'^VERSION = "([^"]+)"', re.M)


def pinned_version(notebook: Path) -> str | None:
    """笔记本的第一个代码单元装的是哪一版（没有生成的首单元时为 None）。"""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    first = next((c for c in cells if c["cell_type"] == "code"), None)
    match = PINNED.search(_source(first)) if first else None
    return match.group(1) if match else None


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def rewrite(notebook: Path, cell: str, figures: str = "", *, write: bool) -> str | None:
    """让 ``notebook`` 的第一个代码单元等于 ``cell``，插图链接指向网址前缀 ``figures``（:func:`figure_url`）。

    返回要报告的问题（一句话），没有问题时返回 None。``figures`` 为空时不管插图链接。``write=False`` 只检查。
    文件按仓库的格式写回（缩进 1、不转义中文、结尾换行），单元 id 不变。
    """
    name = Path(os.path.relpath(notebook)).as_posix()
    data = json.loads(notebook.read_text(encoding="utf-8"))
    first = next((c for c in data["cells"] if c["cell_type"] == "code"), None)
    if first is None:
        return f"{name} 没有代码单元"
    if _source(first) != cell and not _source(first).endswith(BOOK_SETUP):
        return f"{name} 的第一个代码单元不以设定绘图风格与随机种子的五行结尾，没有改写它"
    changed = [first] if _source(first) != cell else []
    first["source"] = cell.splitlines(keepends=True)
    for md in (c for c in data["cells"] if c["cell_type"] == "markdown" and figures):
        portable = LOCAL_FIGURE.sub(lambda m: f"]({figures}{m.group(1)})", _source(md))
        if portable != _source(md):
            changed.append(md)
            md["source"] = portable.splitlines(keepends=True)
    if not changed:
        return None
    if not write:
        return f"{name} 的第一个代码单元或插图链接与 _config.yml 生成的不一致：运行 python -m wordvec_book.setup_cell"
    notebook.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"已更新 {name}")
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="只处理这些笔记本；默认是 _toc.yml 中的全部")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（含 _config.yml），默认当前目录")
    parser.add_argument("--check", action="store_true", help="只检查，不写文件")
    args = parser.parse_args(argv)
    if not (args.root / "_config.yml").exists():
        parser.error(f"参数 --root：期望含 _config.yml 的仓库根目录，实际得到 {args.root}")
    cell, figures = render_setup_cell(book_version(args.root)), figure_url(*repository(args.root))
    notebooks = args.notebooks or [p.relative_to(args.root) for p in notebooks_in_reading_order(args.root)]
    problems = [p for p in (rewrite(args.root / nb, cell, figures, write=not args.check) for nb in notebooks) if p]
    for line in problems:
        print(line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
