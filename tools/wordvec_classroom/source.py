"""读写作业的源码：章节 ``#@save`` 单元里的解答标记、函数的定义、它们用到的外部名字。

解答在章节里这样标出（两行注释，读章节的人一眼能看懂）::

    def softmax(x):
        check_array(x, "x", dtype="float")
        # 解答开始：先减去每行的最大值，再取 exp 并归一化
        ...
        # 解答结束
        return y

学生版把两行之间（含这两行）换成 ``raise NotImplementedError("第 1.1 题：先减去……")``。
"""

from __future__ import annotations

import ast
import builtins
import importlib
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from wordvec_rnn.checks import fail
from wordvec_book.export import SOLUTION_BEGIN as BEGIN
from wordvec_book.export import SOLUTION_END as END
from wordvec_book.export import saved_cells
from wordvec_classroom.syntax import parse


def strip_solutions(source: str, label: str) -> str:
    """把 ``source`` 中每段解答换成一行 ``raise NotImplementedError``，消息是 ``label`` 加上标记里的提示。"""
    out, inside = [], None
    for number, line in enumerate(source.splitlines(), 1):
        begin, end = BEGIN.match(line), END.match(line)
        if begin and inside is None:
            inside = number
            hint = begin.group("hint")
            message = f"{label}：{hint}" if hint else f"{label}：请在这里写出解答"
            out.append(f"{begin.group('indent')}raise NotImplementedError({message!r})")
        elif (begin and inside is not None) or (end and inside is None):
            fail("源码", f"成对出现的「# 解答开始」与「# 解答结束」（{label}）", f"第 {number} 行：{line.strip()}")
        elif end:
            inside = None
        elif inside is None:
            out.append(line)
    if inside is not None:
        fail("源码", f"与第 {inside} 行「# 解答开始」配对的「# 解答结束」（{label}）", "文件结尾")
    return "\n".join(out)


def has_solution(source: str) -> bool:
    return any(BEGIN.match(line) for line in source.splitlines())


@dataclass(frozen=True)
class Definition:
    """章节里一个顶层函数或类的源码（连同装饰器），以及它导出到的包模块。"""

    name: str
    module: str
    source: str


def definition_span(node: ast.FunctionDef | ast.ClassDef) -> tuple[int, int]:
    """一个定义在源码中占的行（从 1 数起，含两端），从第一个装饰器算起。"""
    return min([node.lineno] + [d.lineno for d in node.decorator_list]), node.end_lineno


def _segment(text: str, node: ast.FunctionDef | ast.ClassDef) -> str:
    first, last = definition_span(node)
    return "\n".join(text.splitlines()[first - 1 : last])


def definitions(root: Path, chapters: tuple[str, ...]) -> dict[str, Definition]:
    """``chapters`` 里所有 ``#@save`` 单元的顶层函数与类，按名字。"""
    found = {}
    for chapter in chapters:
        path = Path(root) / chapter
        if not path.is_file():
            fail("chapters", "仓库里存在的笔记本路径", chapter)
        for cell in saved_cells(path):
            for node in parse(cell.body).body:
                if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                    found[node.name] = Definition(node.name, f"wordvec_rnn.{cell.module}", _segment(cell.body, node))
    return found


def definition_node(source: str) -> ast.FunctionDef | ast.ClassDef:
    """``source`` 中唯一的顶层函数或类定义。"""
    nodes = [n for n in parse(textwrap.dedent(source)).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    if len(nodes) != 1:
        fail("source", "恰好一个顶层函数或类的定义", f"{len(nodes)} 个")
    return nodes[0]


def without_decorators(source: str) -> str:
    """去掉装饰器行的定义源码（测试函数放进学生版时不要 ``@check(...)``）。"""
    source = textwrap.dedent(source)
    node = definition_node(source)
    return "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno])


def same_definition(a: str, b: str) -> bool:
    """两段定义是否相同（比较语法树，不管空白、注释与装饰器）。"""
    def shape(source):
        node = definition_node(source)
        node.decorator_list = []
        return ast.dump(node)

    try:
        return shape(a) == shape(b)
    except (SyntaxError, ValueError):
        return False


def free_names(source: str) -> set[str]:
    """一段定义读到、却没有在自身内部绑定的名字（不含内置名）：它需要从外面得到的名字。"""
    tree = parse(textwrap.dedent(source))
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound - set(dir(builtins))


def import_line(module: ModuleType, name: str) -> str:
    """在 ``module`` 中名为 ``name`` 的对象的导入语句：模块用 ``import``，其余从定义它的模块导入。"""
    value = getattr(module, name)
    if isinstance(value, ModuleType):
        return f"import {value.__name__}" + ("" if value.__name__ == name else f" as {name}")
    home = getattr(value, "__module__", None)
    if not (home and getattr(importlib.import_module(home), name, None) is value):
        home = module.__name__
    return f"from {home} import {name}"


def given_imports(needed: dict[str, set[str]], extra: list[str] = ()) -> list[str]:
    """``{包模块: 名字}`` 与另外几行导入语句 ``extra`` 合并成的导入语句：先 ``import``，再按模块合并的 ``from``。"""
    plain, grouped = set(), {}
    for module_name, names in needed.items():
        module = importlib.import_module(module_name)
        for name in names:
            if not hasattr(module, name):
                fail("章节源码", f"模块 {module_name} 中存在的名字", name)
            extra = [*extra, import_line(module, name)]
    for line in extra:
        for node in parse(line).body:
            if isinstance(node, ast.Import):
                plain.update(f"import {a.name}" + (f" as {a.asname}" if a.asname else "") for a in node.names)
            else:
                grouped.setdefault(node.module, set()).update(
                    a.name + (f" as {a.asname}" if a.asname else "") for a in node.names)
    return sorted(plain) + [f"from {home} import {', '.join(sorted(names))}" for home, names in sorted(grouped.items())]


def module_imports(path: Path, skip: str = "wordvec_classroom") -> list[str]:
    """一个 Python 文件顶层的导入语句（原文），跳过 ``from __future__`` 与来自 ``skip`` 的导入。"""
    text = Path(path).read_text(encoding="utf-8")
    lines = []
    for node in parse(text).body:
        if isinstance(node, ast.ImportFrom) and node.module in ("__future__", skip):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            lines.append(ast.get_source_segment(text, node))
    return lines


def imported_names(lines: list[str]) -> set[str]:
    return {alias.asname or alias.name.split(".")[0] for line in lines for node in parse(line).body
            for alias in node.names}
