"""读者安装的包（code/ 的 wordvec_rnn）只有模型、数据、绘图与滑块；书的构建工具与课堂作业在 tools/ 的工具包里。"""

from __future__ import annotations

import ast
import tomllib

from conftest import REPO

READER = REPO / "code" / "wordvec_rnn"
# 只有作者与教师用到的库与包：读者的包不导入它们
TOOLING_IMPORTS = {"wordvec_book", "wordvec_classroom", "nbformat", "nbclient", "jupyter_cache", "yaml", "latex2mathml"}


def imported_top_levels(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_reader_package_imports_no_tooling():
    found = {str(p.relative_to(READER)): sorted(imported_top_levels(p) & TOOLING_IMPORTS) for p in READER.rglob("*.py")}
    assert not {k: v for k, v in found.items() if v}, "读者的包导入了作者或教师的工具"


def test_tooling_lives_in_the_tools_package():
    modules = {p.stem for p in READER.glob("*.py")} | {p.name for p in READER.iterdir() if p.is_dir()}
    assert not modules & {"export", "setup_cell", "diagrams", "diagram_parts", "classroom"}
    for package in ("wordvec_book", "wordvec_classroom"):
        assert (REPO / "tools" / package / "__init__.py").exists()


def test_reader_dependencies_have_no_tooling_extra():
    project = tomllib.loads((REPO / "code" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    assert "classroom" not in extras, "课堂作业的依赖属于工具包（tools/pyproject.toml）"
    tools = tomllib.loads((REPO / "tools" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f"wordvec-rnn=={project['version']}" in tools["dependencies"], "工具包依赖同一版的读者的包"
