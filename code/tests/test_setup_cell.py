"""wordvec_book.setup_cell：由 _config.yml 生成每个笔记本的第一个代码单元与插图网址，并改写或检查笔记本。"""

from __future__ import annotations

import json

import pytest

from wordvec_book.edition import book_version
from wordvec_book.setup_cell import BOOK_SETUP, figure_url, main, render_setup_cell, repository, rewrite

from conftest import REPO

CONFIG = "title: x\nrepository:\n  url: https://github.com/someone/book  # 注释\n  branch: dev\n  path_to_book: \"\"\n\nhtml:\n  a: 1\n"


def notebook(tmp_path, first_code: str, name: str = "nb.ipynb"):
    data = {
        "cells": [
            {"cell_type": "markdown", "id": "title", "metadata": {}, "source": ["# 标题"]},
            {"cell_type": "code", "execution_count": None, "id": "setup", "metadata": {}, "outputs": [],
             "source": first_code.splitlines(keepends=True)},
            {"cell_type": "code", "execution_count": None, "id": "more", "metadata": {}, "outputs": [], "source": ["1"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_repository_of_this_book():
    url, branch = repository(REPO)
    assert url.startswith("https://github.com/") and branch


def test_the_cell_installs_this_version_of_the_book():
    version = book_version(REPO)
    cell = render_setup_cell(version)
    assert f'VERSION = "{version}"' in cell and "wordvec-rnn[corpora]==" in cell and cell.endswith(BOOK_SETUP)
    assert "WORDVEC_RNN_PACKAGE" in cell and "wordvec-rnn-tools" not in cell
    assert "WORDVEC_RNN_TOOLS_PACKAGE" in render_setup_cell(version, tools=True)


@pytest.mark.parametrize("installed, expected", [
    (None, ["wordvec-rnn[corpora]==2026.12.0"]),
    ("2025.9.0", ["wordvec-rnn[corpora]==2026.12.0"]),
    ("2026.12.0", []),
])
def test_the_cell_installs_only_when_the_version_differs(monkeypatch, capsys, installed, expected):
    import importlib.metadata
    import subprocess

    def version(name):
        if installed is None:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed

    commands = []
    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(subprocess, "run", lambda command, check: commands.append(command[-1]))
    monkeypatch.delenv("WORDVEC_RNN_PACKAGE", raising=False)
    install = render_setup_cell("2026.12.0").removesuffix(BOOK_SETUP)
    exec(compile(install, "setup", "exec"), {})
    assert commands == expected
    said = capsys.readouterr().out.strip()
    assert said.count("\n") == 0 and (said == "") == (not expected)
    if installed == "2025.9.0":
        assert said == "安装 wordvec-rnn[corpora]==2026.12.0（本机是 2025.9.0 版；装好后重启内核）"


def test_repository_reads_the_section(tmp_path):
    (tmp_path / "_config.yml").write_text(CONFIG, encoding="utf-8")
    assert repository(tmp_path) == ("https://github.com/someone/book", "dev")


@pytest.mark.parametrize(
    "config, message",
    [
        ("title: x\n", "没有 repository"),
        ("repository:\n  url: https://github.com/a/b\n", "缺少 branch"),
        ("repository:\n  url: http://example.org/a\n  branch: main\n", "https://github.com/"),
    ],
)
def test_repository_rejects_bad_config(tmp_path, config, message):
    (tmp_path / "_config.yml").write_text(config, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        repository(tmp_path)


def test_rendered_cell_runs_when_the_package_is_installed():
    namespace: dict = {}
    exec(compile(render_setup_cell(book_version(REPO)), "setup", "exec"), namespace)
    assert namespace["rng"].integers(10**6) == __import__("numpy").random.default_rng(0).integers(10**6)


def test_rewrite_replaces_only_the_first_code_cell(tmp_path):
    path = notebook(tmp_path, BOOK_SETUP)
    cell = render_setup_cell("2026.12.0")
    assert rewrite(path, cell, write=False) is not None
    assert rewrite(path, cell, write=True) is None
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "".join(data["cells"][1]["source"]) == cell and data["cells"][1]["id"] == "setup"
    assert data["cells"][2]["source"] == ["1"]
    assert path.read_text(encoding="utf-8") == json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    assert rewrite(path, cell, write=False) is None


def test_rewrite_leaves_other_first_cells_alone(tmp_path):
    path = notebook(tmp_path, "import numpy as np")
    before = path.read_text(encoding="utf-8")
    problem = rewrite(path, render_setup_cell("2026.12.0"), write=True)
    assert "不以设定绘图风格与随机种子的五行结尾" in problem
    assert path.read_text(encoding="utf-8") == before


def test_main_rewrites_the_notebooks_in_the_toc(tmp_path, capsys):
    (tmp_path / "_config.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "_toc.yml").write_text("root: intro\nchapters:\n  - file: nb\n", encoding="utf-8")
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "pyproject.toml").write_text('[project]\nversion = "2026.12.0"\n', encoding="utf-8")
    notebook(tmp_path, BOOK_SETUP)
    assert main(["--root", str(tmp_path), "--check"]) == 1
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--root", str(tmp_path), "--check"]) == 0
    assert "nb.ipynb" in capsys.readouterr().out


def test_figure_links_become_repository_urls(tmp_path):
    url, branch = "https://github.com/someone/book", "dev"
    assert figure_url(url, branch, "gru1.png") == "https://raw.githubusercontent.com/someone/book/dev/images/gru1.png"
    path = notebook(tmp_path, BOOK_SETUP)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cells"][0]["source"] = ["# 标题\n", "![GRU 的一步](../../images/gru1.png) 与 [链接](../other.ipynb)"]
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    cell, figures = render_setup_cell("2026.12.0"), figure_url(url, branch)
    assert rewrite(path, cell, figures, write=True) is None
    text = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
    assert text == "# 标题\n![GRU 的一步](https://raw.githubusercontent.com/someone/book/dev/images/gru1.png) 与 [链接](../other.ipynb)"
    assert rewrite(path, cell, figures, write=False) is None


def test_every_notebook_figure_is_a_repository_file():
    """书中笔记本的插图都是 images/ 里真实存在的文件，写成 _config.yml 的仓库网址（网页书构建时换回本地文件）。"""
    prefix = figure_url(*repository(REPO))
    found = []
    for path in sorted((REPO / "chapters").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"])
            assert "images/" not in text.replace(prefix, ""), f"{path.name}：插图应写成 {prefix}文件名"
            found += [name for name in text.split(prefix)[1:]]
    names = [name.split(")")[0] for name in found]
    assert names and all((REPO / "images" / name).is_file() for name in names), names
