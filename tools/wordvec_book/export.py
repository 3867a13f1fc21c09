"""把章节笔记本里标记 ``#@save`` 的代码单元导出到本包（单一来源，沿用《动手学深度学习》的做法）。

一个代码单元的第一行写 ``#@save 模块名``，它就是 ``wordvec_rnn/模块名.py`` 的一部分：章节里推导并实现的
代码只写在笔记本中，后面的章节 ``from wordvec_rnn.模块名 import ...`` 复用它。同一模块的单元按阅读顺序
（``_toc.yml`` 中章节的顺序）拼接。生成的模块读起来像手写的：文件头的注释之后是模块文档字符串（说明
哪一章哪几节定义了它），然后是唯一的一段 import（各单元顶层的 import 提到这里，去重、合并、按 ruff 的
isort 规则排序），最后是各单元的代码；课堂作业的解答标记（``# 解答开始``、``# 解答结束``）只留在笔记本里。
在仓库根目录运行::

    python -m wordvec_book.export          # 重新生成导出的模块
    python -m wordvec_book.export --check  # 只比较，不一致时列出并以状态 1 退出（测试用它）
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import NamedTuple

import yaml

MARKER = re.compile(r"^#@save\s+([a-z_][a-z0-9_]*)\s*$")
HEADER = "# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save {module}` 的代码单元生成，\n# 请勿直接修改：改笔记本，再重新导出。来源：\n"
PACKAGE = "wordvec_rnn"
PACKAGE_DIR = Path("code") / PACKAGE
LINE_LENGTH = 120  # 与 code/pyproject.toml 里 ruff 的 line-length 一致：更长的 from-import 用括号分行
# 课堂作业的解答标记（wordvec_classroom 从笔记本读它们）：整行注释，导出到包时删掉
SOLUTION_BEGIN = re.compile(r"^(?P<indent>[ \t]*)# 解答开始(?:[：:]\s*(?P<hint>.*?))?\s*$")
SOLUTION_END = re.compile(r"^[ \t]*# 解答结束\s*$")
HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*$", re.M)


class SavedCell(NamedTuple):
    """笔记本里的一个 ``#@save`` 单元。"""

    module: str  # 导出到的模块名
    body: str  # 去掉 ``#@save`` 标记行的源码（解答标记还在）
    title: str  # 笔记本的一级标题
    section: str  # 单元所在的小节（二、三级标题），在第一个小节之前为空

    @property
    def where(self) -> str:
        """单元所在的节，写成「标题」§「小节」。"""
        return f"「{self.title}」" + (f"§「{self.section}」" if self.section else "")


class CellParts(NamedTuple):
    """一个 ``#@save`` 单元拆成的三部分：拼成模块时它们各放到不同的位置。"""

    docstring: str  # 单元开头的文档字符串（没有时为空），并入模块文档字符串
    imports: list[ast.Import | ast.ImportFrom]  # 顶层的 import 语句，提到模块开头
    code: str  # 其余的源码，去掉解答标记


def toc_files(root: Path) -> list[str]:
    """``_toc.yml`` 里列出的全部文件（不带扩展名），按目录顺序：先是 ``root``，再逐层是各部分、章与节。"""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [toc["root"], *_entry_files(toc.get("parts", []) + toc.get("chapters", []))]


def _entry_files(entries: list[dict]):
    for entry in entries:
        if "file" in entry:
            yield entry["file"]
        for key in ("chapters", "sections"):
            yield from _entry_files(entry.get(key, []))


def notebooks_in_reading_order(root: Path) -> list[Path]:
    """``_toc.yml`` 里列出的笔记本，按目录顺序。"""
    return [root / f"{name}.ipynb" for name in toc_files(root) if (root / f"{name}.ipynb").exists()]


def saved_cells(notebook: Path) -> list[SavedCell]:
    """一个笔记本中的 ``#@save`` 单元，按单元顺序。"""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found, title, section = [], "", ""
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            for level, text in HEADING.findall(source):
                title, section = (text, "") if level == "#" else (title, text)
        first, _, body = source.partition("\n")
        match = MARKER.match(first)
        if cell["cell_type"] == "code" and match:
            found.append(SavedCell(match.group(1), body.strip("\n"), title, section))
    return found


def split_cell(body: str) -> CellParts:
    """把单元拆开：开头的文档字符串、顶层的 import（含跨行的）、其余源码（整行的解答标记删掉，其余行原样）。"""
    tree = ast.parse(body)
    docstring = ast.get_docstring(tree, clean=True) or ""
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    moved = imports + tree.body[:1] if docstring else imports
    dropped = {number for node in moved for number in range(node.lineno, node.end_lineno + 1)}
    kept = [
        line
        for number, line in enumerate(body.splitlines(), 1)
        if number not in dropped and not SOLUTION_BEGIN.match(line) and not SOLUTION_END.match(line)
    ]
    return CellParts(docstring, imports, "\n".join(kept).strip("\n"))


def _natural(text: str) -> list[str | int]:
    """不分大小写、数字按数值比较的排序键（ruff 的 isort 规则这样比较模块名与名字）。"""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def _member_key(member: tuple[str, str | None]) -> tuple:
    """from-import 中名字的顺序（ruff 的 order-by-type）：常量、类、其余，各自按名字。"""
    name, asname = member
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[0].isupper() else 2
    return kind, _natural(name), name, asname or ""


def _section(module: str) -> int:
    """isort 的分段：``__future__``、标准库、第三方、本包。"""
    top = module.split(".")[0]
    if module == "__future__":
        return 0
    return 1 if top in sys.stdlib_module_names else 3 if top == PACKAGE else 2


class ImportSet:
    """一个模块的全部顶层 import，去重、合并；同一个名字从两处导入时报错。"""

    def __init__(self, module: str):
        self.module = f"{PACKAGE}.{module}"
        self.plain: set[tuple[str, str | None]] = set()  # import 模块 [as 别名]
        self.members: dict[str, set[tuple[str, str | None]]] = {}  # from 模块 import 名字 [as 别名]
        self.origins: dict[str, tuple[str, str]] = {}  # 绑定的名字 → (它指的东西, 哪个单元导入的)

    def add(self, node: ast.Import | ast.ImportFrom, where: str) -> None:
        """加入一条 import 语句（``where`` 说明它在哪个单元，用于报错）；从本模块自身导入的名字丢掉。"""
        for alias in node.names:
            if isinstance(node, ast.Import):
                if alias.name == self.module:
                    continue
                top = alias.name.split(".")[0]
                self._bind(alias.asname or top, alias.name if alias.asname else top, where)
                self.plain.add((alias.name, alias.asname))
            elif node.module != self.module:
                self._bind(alias.asname or alias.name, f"{node.module}.{alias.name}", where)
                self.members.setdefault(node.module, set()).add((alias.name, alias.asname))

    def _bind(self, name: str, target: str, where: str) -> None:
        known, first_where = self.origins.setdefault(name, (target, where))
        if known != target:
            raise ValueError(
                f"模块 {self.module} 的 #@save 单元从两个地方导入了同一个名字 `{name}`："
                f"{first_where} 中是 {known}，{where} 中是 {target}。请在笔记本里统一导入，或改用不同的别名。"
            )

    def statements(self) -> list[tuple[int, int, tuple, str]]:
        """全部 import 语句，每条带排序键 ``(分段, import 在前 from 在后, 模块与第一个名字, 语句)``。"""
        found = []
        for name, asname in self.plain:
            statement = f"import {name}" + (f" as {asname}" if asname else "")
            found.append((_section(name), 0, (_natural(name), name, asname or ""), statement))
        for module, members in self.members.items():
            # 与 ruff 的默认设置（combine-as-imports = false）一致：带别名的名字各占一条语句
            plain = sorted((m for m in members if m[1] is None), key=_member_key)
            groups = [plain] + [[m] for m in members if m[1] is not None]
            for group in filter(None, groups):
                key = (_natural(module), module, _member_key(group[0]))
                found.append((_section(module), 1, key, _from_line(module, group)))
        return sorted(found)

    def render(self) -> str:
        """合并后的 import 段：各分段之间空一行；没有 import 时为空字符串。"""
        lines, previous = [], None
        for section, _kind, _key, statement in self.statements():
            if previous is not None and section != previous:
                lines.append("")
            lines.append(statement)
            previous = section
        return "\n".join(lines)


def _from_line(module: str, members: list[tuple[str, str | None]]) -> str:
    """一条 from-import；超过 ``LINE_LENGTH`` 列时像 ruff 那样用括号、每行一个名字。"""
    names = [name + (f" as {asname}" if asname else "") for name, asname in members]
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_LENGTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def _short(section: str) -> str:
    """小节标题的短形式：冒号之前的部分，去掉数学与代码记号（``$K$`` → ``K``）。"""
    return re.sub(r"[$`]", "", section.split("：")[0]).strip()


def module_docstring(cells: list[tuple[str, SavedCell]], docstrings: list[str]) -> str:
    """模块文档字符串的内容：哪一章、哪个笔记本（一级标题与路径）、哪几节定义了它；单元自带的文档字符串接在后面。"""
    sections: dict[str, list[str]] = {}
    titles = {}
    for origin, cell in cells:
        titles[origin] = cell.title
        short = _short(cell.section)
        if short and short not in sections.setdefault(origin, []):
            sections[origin].append(short)
    chapters = sorted({match.group(1) for origin in titles if (match := re.match(r"chapters/(\d+)_", origin))})
    books = "与".join(f"「{title}」（{origin}）" for origin, title in titles.items())
    listed = "；".join("、".join(found) for found in sections.values() if found)
    summary = (f"第 {'、'.join(chapters)} 章" if chapters else "") + f"{books}中推导并实现的代码"
    return "\n\n".join([_wrap(summary + (f"：{listed}。" if listed else "。")), *docstrings])


def _wrap(text: str, width: int = LINE_LENGTH - 3) -> str:
    """按显示宽度（汉字算两列）折行，留出开头引号的三列；只在标点、空格之后与标题后的左括号之前断开。"""
    lines, line = [], ""
    for token in filter(None, re.split(r"(?<=[，。；、：\s])|(?<=」)(?=（)", text)):
        if line and sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line + token) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return "\n".join([*lines, line])


def _docstring_literal(text: str) -> str:
    """文档字符串的源码：一行的写在一行里，多段的把结尾的引号放在单独一行（含反斜杠时用原始字符串）。"""
    prefix = "r" if "\\" in text else ""
    return f'{prefix}"""{text}"""' if "\n" not in text else f'{prefix}"""{text}\n"""'


def render_module(module: str, cells: list[tuple[str, SavedCell]]) -> str:
    """一个导出模块的源码：文件头注释、文档字符串、唯一的 import 段、各单元的代码（每段前注明出处，如 d2l 的
    "Defined in"）。"""
    imports, docstrings, bodies = ImportSet(module), [], []
    for origin, cell in cells:
        parts = split_cell(cell.body)
        for node in parts.imports:
            imports.add(node, f"{origin} {cell.where}")
        docstrings += [parts.docstring] if parts.docstring else []
        if parts.code:
            bodies.append(f"# 定义于 {origin} {cell.where}\n{parts.code}")
    sources = "".join(f"#   {origin}\n" for origin in dict.fromkeys(origin for origin, _ in cells))
    blocks = [_docstring_literal(module_docstring(cells, docstrings)), imports.render()]
    text = HEADER.format(module=module) + sources + "\n" + "\n\n".join(filter(None, blocks))
    if not bodies:
        return text + "\n"
    # ruff 的 isort 规则：import 段之后，下一条语句是函数或类时空两行，否则空一行
    first = ast.parse(bodies[0]).body[0]
    gap = "\n\n\n" if isinstance(first, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else "\n\n"
    return text + gap + "\n\n\n".join(bodies) + "\n"


def render_modules(root: Path) -> dict[str, str]:
    """模块名 → 生成的源码。"""
    cells: dict[str, list[tuple[str, SavedCell]]] = {}
    for notebook in notebooks_in_reading_order(root):
        origin = notebook.relative_to(root).as_posix()
        for cell in saved_cells(notebook):
            cells.setdefault(cell.module, []).append((origin, cell))
    return {module: render_module(module, found) for module, found in cells.items()}


def generated_files(root: Path) -> dict[str, Path]:
    """包里已有的、由本工具生成的模块（凭文件头识别）。"""
    prefix = HEADER.split("{module}")[0]
    return {
        path.stem: path
        for path in sorted((root / PACKAGE_DIR).glob("*.py"))
        if path.read_text(encoding="utf-8").startswith(prefix)
    }


def plan(root: Path) -> tuple[dict[Path, str], list[Path]]:
    """要写的模块（路径 → 新内容，只含与现有文件不同的）和要删的旧模块（已没有来源的 ``#@save`` 单元）。"""
    wanted = render_modules(root)
    to_write = {}
    for module, text in wanted.items():
        path = root / PACKAGE_DIR / f"{module}.py"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            to_write[path] = text
    to_delete = [path for module, path in generated_files(root).items() if module not in wanted]
    return to_write, to_delete


def differences(root: Path) -> list[str]:
    """笔记本与包不一致之处，每条一句话；一致时为空。"""
    to_write, to_delete = plan(root)
    return [f"{path.relative_to(root)} 与笔记本中的 `#@save {path.stem}` 单元不一致" for path in to_write] + [
        f"{path.relative_to(root)} 已没有对应的 `#@save {path.stem}` 单元" for path in to_delete
    ]


def export(root: Path) -> list[Path]:
    """写出所有导出模块，删掉已没有来源的旧模块；返回写过或删过的文件。"""
    to_write, to_delete = plan(root)
    for path in to_delete:
        path.unlink()
    for path, text in to_write.items():
        path.write_text(text, encoding="utf-8")
    return to_delete + list(to_write)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（含 _toc.yml），默认当前目录")
    parser.add_argument("--check", action="store_true", help="只比较，不写文件")
    args = parser.parse_args(argv)
    if not (args.root / "_toc.yml").exists():
        parser.error(f"参数 --root：期望含 _toc.yml 的仓库根目录，实际得到 {args.root}")
    try:
        changed = differences(args.root) if args.check else export(args.root)
    except ValueError as error:  # 笔记本里的单元无法合成一个模块（例如同一个名字从两处导入）
        parser.exit(1, f"{error}\n")
    for item in changed:
        print(item if args.check else f"已更新 {item.relative_to(args.root)}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
