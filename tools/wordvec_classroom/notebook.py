"""评分前在评分程序里整理一份提交的代码单元（只处理文本，不运行任何代码）。

- 读不出、太大或不是笔记本时给出原因；
- IPython 语法（``%matplotlib inline``、``!pip install …``）交给 IPython 自己的转换器变成普通 Python，
  沙箱里的 ``get_ipython()`` 什么也不做，并记一条备注；``%%time`` 等只计时的单元魔法去掉第一行照常运行；
- 生成的第一个单元（安装本书的包、设定种子）换成沙箱里等效的设定，省下导入 torch 的时间；
- 自测单元里的测试定义与调用去掉：评分程序自己会运行全部测试，学生改没改自测都无关紧要。
  去掉的行换成空行，错误位置的行号不变。
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from wordvec_book.setup_cell import render_setup_cell
from wordvec_classroom.syntax import parse

SIZE_LIMIT = 20 * 2**20  # 一份提交的文件大小上限（字节）
TIMING_MAGICS = ("time", "timeit", "capture", "prun")


@dataclass
class Cells:
    """整理好的代码单元（``(编号, 源码)``，编号是第几个代码单元，从 1 数）、备注与笔记本元数据里的作业信息。"""

    cells: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    metadata: dict = field(default_factory=dict)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """读一份提交；读不出、太大或不是笔记本时抛出 ValueError，说明原因。"""
    path = Path(path)
    try:
        if path.stat().st_size > SIZE_LIMIT:
            raise ValueError(f"文件超过 {SIZE_LIMIT // 2**20} MB")
        return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except Exception as error:  # noqa: BLE001 —— 坏 JSON、不是 UTF-8、不是笔记本……
        first = (str(error).splitlines() or [""])[0][:200]
        raise ValueError(f"笔记本无法解析（{type(error).__name__}: {first}）") from None


def recorded_release(path: Path) -> str | None:
    """提交的笔记本元数据里记的测试指纹（生成时写入）；读不出时为 None。"""
    try:
        return str(read_notebook(path).metadata["wordvec_rnn"]["tests_sha256"])
    except (ValueError, KeyError, TypeError):
        return None


def prepare(path: Path, test_names: set[str]) -> Cells:
    notebook = read_notebook(path)
    out = Cells(metadata=dict(notebook.get("metadata", {}).get("wordvec_rnn", {}) or {}))
    sources = [str(cell.get("source", "")) for cell in notebook.cells if cell.get("cell_type") == "code"]
    for k, source in enumerate(sources, 1):
        if k == 1 and is_setup_cell(source):
            continue
        source = python_source(source, k, out.notes)
        out.cells.append((k, without_self_checks(source, test_names)))
    return out


SETUP_VERSION = re.compile(r'^VERSION = "([^"]+)"', re.M)


def is_setup_cell(source: str) -> bool:
    """是不是生成的第一个单元原样（安装本书的包、设定绘图风格与种子；教师版还装评分框架）。"""
    match = SETUP_VERSION.search(source)
    return match is not None and any(source.strip() == render_setup_cell(match.group(1), tools=tools).strip()
                                     for tools in (False, True))


def python_source(source: str, k: int, notes: list[str]) -> str:
    """IPython 语法转成普通 Python；跳过的命令记进 ``notes``。"""
    first = source.lstrip().splitlines()[0] if source.strip() else ""
    if first.startswith("%%"):
        magic = first[2:].split()[0] if first[2:].split() else ""
        body = source.lstrip().split("\n", 1)[1] if "\n" in source.lstrip() else ""
        if magic in TIMING_MAGICS:
            return "\n" + body
        notes.append(f"第 {k} 个代码单元是单元魔法 %%{magic}，评分时没有运行")
        return ""
    commands = [line.strip() for line in source.splitlines() if line.lstrip().startswith(("%", "!"))]
    if not commands:
        return source
    from IPython.core.inputtransformer2 import TransformerManager

    shown = "、".join(f"`{c[:40]}`" for c in commands[:3])
    notes.append(f"第 {k} 个代码单元的 IPython 命令 {shown} 评分时跳过")
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 —— 转换器不认识的写法：原样交给沙箱，让它报语法错误
        return source


def without_self_checks(source: str, test_names: set[str]) -> str:
    """去掉顶层的测试定义（名字在 ``test_names`` 里）、对它们的调用和紧跟着的「✓ … 通过」打印，保留行号。"""
    try:
        tree = parse(source)
    except SyntaxError:
        return source
    lines = source.splitlines()
    for node in tree.body:
        if _is_self_check(node, test_names):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            for i in range(start - 1, node.end_lineno):
                lines[i] = ""
    return "\n".join(lines)


def _is_self_check(node: ast.stmt, test_names: set[str]) -> bool:
    if isinstance(node, ast.FunctionDef):
        return node.name in test_names
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
        call = node.value
        if call.func.id in test_names:
            return True
        text = call.args[0].value if call.func.id == "print" and call.args and isinstance(call.args[0], ast.Constant) else ""
        return isinstance(text, str) and text.startswith("✓ test_")
    return False


def book_copies(cells: Cells, book: dict[str, str]) -> list[str]:
    """提交里与书中解答 ``book``（``{名字: 源码}``）逐字相同（比较语法树，不管空白与注释）的函数名：
    供教师参考，不影响分数。"""
    from wordvec_classroom.source import same_definition

    found = set()
    for _, source in cells.cells:
        try:
            tree = parse(source)
        except SyntaxError:
            continue
        found |= {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                  and node.name in book and same_definition(ast.get_source_segment(source, node), book[node.name])}
    return sorted(found)
