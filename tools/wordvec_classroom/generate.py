"""从章节笔记本与 ``assignments/*/tests.py`` 生成每次作业的学生版、教师版笔记本与自动评分包。

在仓库根目录运行（输出只写进 ``_build/``，不提交）::

    python -m wordvec_classroom.generate                 # 全部作业
    python -m wordvec_classroom.generate 01_skipgram     # 只生成一次作业

写出::

    _build/assignments/student/01_skipgram.ipynb      发给学生：解答换成 NotImplementedError 与提示，保留公开自测
    _build/assignments/instructor/01_skipgram.ipynb   教师版：完整解答，公开与隐藏测试都在
    _build/assignments/autograder/01_skipgram.zip     评分包：tests.py（全部测试），交给 grade 命令

加 ``--colab https://github.com/账号/仓库/blob/分支/目录``（学生版将要放到的 GitHub 位置）时，另写出
``_build/assignments/colab_links.md``：每份学生版在 Colab 中打开的链接。
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import secrets
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from wordvec_rnn.checks import fail
from wordvec_classroom.bundle import MANIFEST, manifest, sha256, write_bundle
from wordvec_classroom.source import (
    definitions,
    free_names,
    given_imports,
    has_solution,
    imported_names,
    module_imports,
    strip_solutions,
    without_decorators,
)
from wordvec_classroom.spec import Assignment, Test, load_tests, points_of, tests_of
from wordvec_book.edition import book_version
from wordvec_book.setup_cell import render_setup_cell, repository

ASSIGNMENTS_DIR = Path("assignments")
OUTPUT_DIR = Path("_build") / "assignments"
ROLES = ("student", "instructor")

HOW_TO = """**怎样完成**：每道题的代码单元里有一行 `raise NotImplementedError(...)`，括号里是提示。把这一行换成你的实现，
运行这个单元和它下面的「自测」单元；自测通过时打印 ✓。自测是评分测试中公开的一部分，评分时还会运行隐藏的测试，
检查更多情形，所以自测通过不等于满分。

- 从上到下依次运行；第一个代码单元在 Colab 等新环境里会先装上本书的包。
- 只改题目里要你写的部分。评分时不运行笔记本里的自测单元，而是用原版测试重新检查，改自测不起作用。
- 评分时本书包里的答案函数不可用：从包里导入答案（例如 `from wordvec_rnn.skipgram import softmax`）或包一层调用，
  这道题都得 0 分。
- 说明白什么是公开的：本书网页版与它的代码包里有这些函数的完整解答，测试的代码也在公开仓库里；隐藏测试的具体输入
  由老师的秘密种子决定，不公开。照抄得来的分数不说明你学会了。
- 评分在一个没有网络、看不到别人文件的沙箱里运行你的代码，每个单元、每个测试都有时限。
- 完成后保存，把这个 `.ipynb` 文件原样交给老师。"""


@dataclass(frozen=True)
class Built:
    """一次作业生成的三个文件。"""

    student: Path
    instructor: Path
    autograder: Path


def test_cell_source(test: Test) -> str:
    """一个测试放进笔记本时的单元：测试的定义（去掉装饰器），然后用学生的函数调用它。"""
    call = f"{test.name}({', '.join(test.inputs)})"
    return f"{without_decorators(test_source(test))}\n\n\n{call}\nprint(\"✓ {test.name} 通过（{test.points} 分）\")"


def test_source(test: Test) -> str:
    return inspect.getsource(test.function)


def _check_public(test: Test, available: set[str]) -> None:
    missing = free_names(without_decorators(test_source(test))) - available - set(test.inputs)
    if missing:
        fail(f"公开测试 {test.name}", "只用 tests.py 顶部导入的名字（它要原样放进学生版）", sorted(missing))


class AssignmentSource:
    """一次作业的全部来源：tests.py 中的描述与测试，章节里的解答。"""

    def __init__(self, root: Path, directory: Path):
        self.root, self.directory = Path(root), Path(directory)
        self.slug = self.directory.name
        self.tests_path = self.directory / "tests.py"
        self.module = load_tests(self.tests_path)
        self.assignment: Assignment = self.module.ASSIGNMENT
        self.tests = tests_of(self.module)
        self.points = points_of(self.tests)
        found = definitions(self.root, self.assignment.chapters)
        self.definitions = {}
        for question in self.assignment.questions:
            for name in question.functions:
                if name not in found:
                    fail(f"第 {question.number} 题的 functions", f"{self.assignment.chapters} 的 #@save 单元里定义的函数或类", name)
                if not has_solution(found[name].source):
                    fail(f"第 {question.number} 题的 {name}", "章节源码里有「# 解答开始」「# 解答结束」标记", "没有标记")
                self.definitions[name] = found[name]
        self.test_imports = module_imports(self.tests_path)  # 学生版：不含 wordvec_classroom（评分框架）
        for test in self.tests:
            if test.public:
                _check_public(test, imported_names(self.test_imports))

    @property
    def total(self) -> int:
        return sum(self.points.values())

    def given_code(self, role: str) -> str:
        """学生要写的函数用到、却不由学生写的名字：从本书的包导入；再加上测试用到的导入（教师版含隐藏测试的）。"""
        written = set(self.definitions)
        needed: dict[str, set[str]] = {}
        for definition in self.definitions.values():
            outside = free_names(definition.source) - written
            needed.setdefault(definition.module, set()).update(outside)
        imports = self.test_imports if role == "student" else module_imports(self.tests_path, skip="")
        lines = given_imports(needed, imports)
        return "# 已给出的代码：题目中的函数与自测要用到的工具\n" + "\n".join(lines)

    def test_helpers(self) -> str:
        """tests.py 里不是测试的函数（隐藏测试用的辅助函数），教师版要带上它们。"""
        helpers = [value for value in vars(self.module).values()
                   if inspect.isfunction(value) and value.__module__ == self.module.__name__
                   and not hasattr(value, "question")]
        return "\n\n\n".join(inspect.getsource(f).strip() for f in helpers)

    def notebook(self, role: str) -> nbformat.NotebookNode:
        """``role`` 为 ``"student"`` 或 ``"instructor"`` 的笔记本。"""
        a = self.assignment
        url, branch = repository(self.root)
        cells = [nbformat.v4.new_markdown_cell(self._header(role, url, branch)),
                 nbformat.v4.new_code_cell(render_setup_cell(book_version(self.root), tools=role == "instructor")),
                 nbformat.v4.new_code_cell(self.given_code(role))]
        if role == "instructor" and self.test_helpers():
            cells.append(nbformat.v4.new_code_cell("# 隐藏测试用的辅助函数\n" + self.test_helpers()))
        for question in a.questions:
            heading = f"## 第 {question.number} 题：{question.title}（{self.points[question.number]} 分）"
            cells.append(nbformat.v4.new_markdown_cell(f"{heading}\n\n{question.text}".strip()))
            for name in question.functions:
                source = self.definitions[name].source
                if role == "student":
                    source = strip_solutions(source, f"第 {question.number} 题")
                cells.append(nbformat.v4.new_code_cell(source))
            for hidden in (False, True):
                shown = [t for t in self.tests if t.question == question.number and t.public != hidden]
                if not shown or (hidden and role == "student"):
                    continue
                label = "隐藏测试（只在教师版与评分包里）" if hidden else "自测"
                cells.append(nbformat.v4.new_markdown_cell(f"**{label}**"))
                cells += [nbformat.v4.new_code_cell(test_cell_source(t)) for t in shown]
        cells.append(nbformat.v4.new_markdown_cell(
            "## 提交\n\n保存笔记本，把这个 `.ipynb` 文件交给老师。评分时会在一个全新的沙箱里从头运行它，"
            "再用全部测试（公开的和隐藏的）检查每道题，每个测试附一句说明哪里不对的话。"))
        nb = nbformat.v4.new_notebook(cells=cells)
        nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                       "language_info": {"name": "python"},
                       "wordvec_rnn": {"assignment": self.slug, "role": role,
                                       "tests_sha256": sha256(self.tests_path.read_bytes())}}
        for k, cell in enumerate(nb.cells):
            cell.id = f"{self.slug}-{k:02d}"
        nbformat.validate(nb)
        return nb

    def _header(self, role: str, url: str, branch: str) -> str:
        a = self.assignment
        title = f"# 作业 {a.number}：{a.title}" + ("（教师版）" if role == "instructor" else "")
        links = "、".join(f"[`{c}`]({url}/blob/{branch}/{c})" for c in a.chapters)
        rows = "\n".join(
            f"| {q.number} | {q.title} | {self.points[q.number]} | "
            f"{sum(t.points for t in self.tests if t.question == q.number and t.public)} |"
            for q in a.questions
        )
        table = f"| 题 | 内容 | 分值 | 其中公开自测 |\n|---|---|---|---|\n{rows}\n| | 合计 | {self.total} | |"
        parts = [title, a.intro, f"对应的章节：{links}。", table]
        if role == "student":
            parts.append(HOW_TO)
        else:
            parts.append("教师版含完整解答和全部测试（隐藏测试也在内），不要发给学生。学生版与评分包见 "
                         "`_build/assignments/student/` 与 `_build/assignments/autograder/`。")
        return "\n\n".join(parts)

    def solutions(self) -> dict[str, str]:
        """每道题要写的函数在本书包里的模块（评分时它们在沙箱里换成替身，在评分程序里作参照实现）。"""
        return {name: d.module for name, d in self.definitions.items()}

    def write(self, out: Path, secret: str | None = None, per_student: bool = False, force: bool = False) -> Built:
        """写出三个文件。已经发放过（评分包在）而测试变了时拒绝覆盖，除非 ``force``；测试没变时沿用原来的秘密种子。"""
        out = Path(out)
        bundle = out / "autograder" / f"{self.slug}.zip"
        tests = self.tests_path.read_bytes()
        old = _old_record(bundle)
        if old and old.get("tests_sha256") != sha256(tests) and not force:
            raise ValueError(f"{bundle} 已经发放，它的测试与现在的 tests.py 不同：发放后不要重新生成（确需覆盖时加 --force）")
        if secret is None:
            keep = old and old.get("tests_sha256") == sha256(tests)
            secret = old["secret"] if keep else secrets.token_hex(16)
        paths = {}
        for role in ROLES:
            path = out / role / f"{self.slug}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(self.notebook(role), path)
            paths[role] = path
        write_bundle(bundle, self.slug, tests, manifest(self.slug, tests, secret, per_student, self.solutions()))
        return Built(paths["student"], paths["instructor"], bundle)


def _old_record(bundle: Path) -> dict | None:
    """已有评分包里的发放记录；没有或读不出时为 None。"""
    try:
        with zipfile.ZipFile(bundle) as archive:
            name = next(n for n in archive.namelist() if n.endswith(f"/{MANIFEST}"))
            return json.loads(archive.read(name))
    except (OSError, StopIteration, zipfile.BadZipFile, ValueError):
        return None


def assignment_dirs(root: Path, names: list[str] | None = None) -> list[Path]:
    """``assignments/`` 下的作业目录（含 tests.py），按编号；``names`` 只选其中几个。"""
    found = sorted(p.parent for p in (Path(root) / ASSIGNMENTS_DIR).glob("*/tests.py"))
    if names:
        known = {p.name: p for p in found}
        unknown = [n for n in names if n not in known]
        if unknown:
            fail("作业名", f"{sorted(known)} 之一", unknown)
        found = [known[n] for n in names]
    return found


def colab_links(prefix: str, slugs: list[str]) -> str:
    """学生版放到 GitHub 的 ``prefix``（``https://github.com/账号/仓库/blob/分支/目录``）之后，在 Colab 中打开的链接。"""
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+/blob/[^\s]+?)/?", prefix)
    if match is None:
        fail("--colab", "https://github.com/账号/仓库/blob/分支/目录 形式的网址", prefix)
    return "\n".join(f"- {slug}：https://colab.research.google.com/github/{match.group(1)}/{slug}.ipynb"
                     for slug in slugs) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="只生成这些作业（目录名，如 01_skipgram）；默认全部")
    parser.add_argument("--root", type=Path, default=Path("."), help="仓库根目录，默认当前目录")
    parser.add_argument("--out", type=Path, default=None, help=f"输出目录，默认 {OUTPUT_DIR}")
    parser.add_argument("--colab", default=None, help="学生版将放到的 GitHub 目录网址；给出时写出 Colab 链接")
    parser.add_argument("--secret", default=None, help="秘密种子（隐藏测试的输入由它决定）；默认随机生成，记在评分包里")
    parser.add_argument("--per-student", action="store_true", help="每个学生的隐藏测试输入各不相同（种子再混入学生编号）")
    parser.add_argument("--force", action="store_true", help="覆盖已发放、但测试已经不同的评分包")
    args = parser.parse_args(argv)
    out = args.out or args.root / OUTPUT_DIR
    directories = assignment_dirs(args.root, args.names)
    for directory in directories:
        source = AssignmentSource(args.root, directory)
        try:
            built = source.write(out, args.secret, args.per_student, args.force)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        print(f"作业 {source.assignment.number}（{source.slug}，{source.total} 分，{len(source.tests)} 个测试）："
              f"{built.student}  {built.instructor}  {built.autograder}")
    if args.colab:
        links = colab_links(args.colab, [d.name for d in directories])
        (out / "colab_links.md").write_text(links, encoding="utf-8")
        print(f"Colab 链接（把 {out / 'student'} 里的文件推送到 {args.colab} 之后可用）：\n{links}", end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
