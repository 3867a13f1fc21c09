"""造出各种提交，用来检验评分程序（测试与基准脚本共用）。

- 参考提交：学生版里的每个存根换回章节中的解答，应得满分；
- 常见错误：``assignments/<作业>/mistakes/*.py``，文档字符串说明错在哪里，``EXPECT`` 列出必须不通过的测试与
  评语中应出现的字样；错误的实现写成对章节解答的几处改动 ``EDITS``，或者（写法整个不同时）完整的定义，
  换进参考提交；
- 坏提交：无法解析的笔记本、永不结束的单元、改写自测与 ``numpy.allclose`` 的提交。
"""

from __future__ import annotations

import ast
import copy
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import nbformat

from wordvec_rnn.checks import fail
from wordvec_classroom.generate import AssignmentSource, test_source
from wordvec_classroom.source import (
    definition_node,
    definition_span,
    without_decorators,
)
from wordvec_classroom.syntax import parse


def replace_definitions(notebook: nbformat.NotebookNode, sources: dict[str, str]) -> nbformat.NotebookNode:
    """``notebook`` 的副本：代码单元里与 ``sources`` 同名的顶层函数或类换成给出的源码。"""
    notebook = copy.deepcopy(notebook)
    remaining = set(sources)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        tree = parse(cell.source)
        lines = cell.source.splitlines()
        for node in reversed(tree.body):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in sources:
                first, last = definition_span(node)
                lines[first - 1 : last] = sources[node.name].splitlines()
                remaining.discard(node.name)
        cell.source = "\n".join(lines)
    if remaining:
        fail("sources", "笔记本中有定义的名字", sorted(remaining))
    return notebook


@dataclass(frozen=True)
class Mistake:
    """一个常见错误：名字（文件名）、说明、必须不通过的测试 → 评语里应有的字样、错误的实现。"""

    name: str
    description: str
    expect: dict[str, str]
    sources: dict[str, str]


def apply_edits(source: str, edits: list[tuple[str, str]], where: str) -> str:
    """把 ``source`` 中的每个 ``old`` 换成 ``new``；``old`` 必须恰好出现一次（章节改了，错误就要跟着改）。"""
    for old, new in edits:
        if source.count(old) != 1:
            fail(where, f"在解答中恰好出现一次的原文 {old!r}", f"出现 {source.count(old)} 次")
        source = source.replace(old, new)
    return source


def load_mistake(path: Path, solutions: dict[str, str]) -> Mistake:
    """读一个常见错误。错误的实现可以写成完整的定义，也可以写成对解答的改动 ``EDITS = {函数名: [(原文, 改成), ...]}``。"""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"mistake_{path.parent.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = path.read_text(encoding="utf-8")
    sources = {node.name: ast.get_source_segment(text, node) for node in parse(text).body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    for name, edits in getattr(module, "EDITS", {}).items():
        if name not in solutions:
            fail(f"{path.name} 的 EDITS", f"本作业要写的函数之一 {sorted(solutions)}", name)
        sources[name] = apply_edits(solutions[name], edits, f"{path.name} 的 EDITS[{name!r}]")
    expect = getattr(module, "EXPECT", None)
    if not module.__doc__ or not sources or not isinstance(expect, dict) or not expect:
        fail(str(path), "有文档字符串、EXPECT = {测试名: 评语字样}，以及错误的函数或 EDITS", "缺了其中一样")
    return Mistake(path.stem, module.__doc__.strip(), expect, sources)


def mistakes(source: AssignmentSource) -> list[Mistake]:
    solutions = {name: d.source for name, d in source.definitions.items()}
    return [load_mistake(p, solutions) for p in sorted((source.directory / "mistakes").glob("*.py"))]


def reference(source: AssignmentSource) -> nbformat.NotebookNode:
    """满分的提交：学生版填上章节里的解答。"""
    solutions = {name: d.source for name, d in source.definitions.items()}
    return replace_definitions(source.notebook("student"), solutions)


def with_mistake(source: AssignmentSource, mistake: Mistake) -> nbformat.NotebookNode:
    return replace_definitions(reference(source), mistake.sources)


def infinite_loop(source: AssignmentSource) -> nbformat.NotebookNode:
    """参考提交，外加一个永不结束的单元（比如忘了改循环条件）。"""
    notebook = reference(source)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("step = 0\nwhile step < 10:\n    print(step)"))
    return notebook


def rewritten_checker(source: AssignmentSource, mistake: Mistake) -> nbformat.NotebookNode:
    """带错误的提交，还把每个自测改成什么也不做、把 ``numpy.allclose`` 改成总是 True，想骗过检查（骗不过：
    评分程序不运行笔记本里的自测，判分用的 numpy 在沙箱外）。"""
    notebook = with_mistake(source, mistake)
    public = {t.name: t for t in source.tests if t.public}
    emptied = {}
    for name in public:
        node = definition_node(without_decorators(test_source(public[name])))
        emptied[name] = f"def {name}({', '.join(a.arg for a in node.args.args)}):\n    pass"
    notebook = replace_definitions(notebook, emptied)
    notebook.cells.insert(3, nbformat.v4.new_code_cell("import numpy as np\nnp.allclose = lambda *args, **kwargs: True"))
    return notebook


UNPARSEABLE = '{"cells": [{"cell_type": "code", "source": "def softmax(x):\\n'  # 写到一半的文件（JSON 被截断）


def write_class(source: AssignmentSource, directory: Path) -> dict[str, Mistake | None]:
    """把一整套检验用的提交写进 ``directory``：参考、未动的学生版、每个常见错误与三种坏提交。

    返回 ``{学生名: 对应的常见错误或 None}``。
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    found = mistakes(source)
    if not found:
        fail(f"{source.slug}/mistakes", "至少一个常见错误", "没有")
    notebooks = {"reference": (reference(source), None), "empty": (source.notebook("student"), None),
                 "infinite_loop": (infinite_loop(source), None),
                 "rewritten_checker": (rewritten_checker(source, found[0]), found[0])}
    notebooks.update({f"mistake_{m.name}": (with_mistake(source, m), m) for m in found})
    for name, (notebook, _) in notebooks.items():
        nbformat.write(notebook, directory / f"{name}.ipynb")
    (directory / "unparseable.ipynb").write_text(UNPARSEABLE, encoding="utf-8")
    return {name: m for name, (_, m) in notebooks.items()} | {"unparseable": None}
