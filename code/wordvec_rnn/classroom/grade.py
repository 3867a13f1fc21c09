"""给一个班的提交评分：每份提交在独立的进程里运行，出错、超时、无法解析都只影响这一份。

在仓库根目录运行（评分包由 ``python -m wordvec_rnn.classroom.generate`` 生成）::

    python -m wordvec_rnn.classroom.grade _build/assignments/autograder/01_skipgram.zip 提交目录/ --out 成绩/

提交可以是若干 ``.ipynb`` 文件或装着它们的目录；学生名取文件名（不含扩展名）。写出 ``成绩表.csv``
（每题得分，Excel 可直接打开）、``成绩表.md`` 和 ``反馈/<学生>.md``（每个测试通过与否、不通过的原因）。
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from wordvec_rnn.checks import check_int, check_positive, fail
from wordvec_rnn.classroom.spec import Assignment, load_tests, points_of, tests_of

# 每份提交一个进程。forkserver：服务进程预先导入评分要用的库，之后每个学生的进程从它 fork 出来，省下每份几秒的
# 导入时间；服务进程从不运行 torch 的计算，fork 是安全的。Windows 没有 forkserver，用 spawn（慢，但一样隔离）。
if "forkserver" in multiprocessing.get_all_start_methods():
    CONTEXT = multiprocessing.get_context("forkserver")
    CONTEXT.set_forkserver_preload(["wordvec_rnn.classroom.runner", "wordvec_rnn.classroom.grade"])
else:
    CONTEXT = multiprocessing.get_context("spawn")


@dataclass
class Report:
    """一个学生的成绩：每个测试的结果、备注（运行中的问题）与用时。"""

    student: str
    tests: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def score(self, question: str | None = None) -> int:
        return sum(t["points"] for t in self.tests if t["passed"] and question in (None, t["question"]))


def notebook_cells(path: Path) -> list[str]:
    """提交中全部代码单元的源码；读不出或不是笔记本时抛出 ValueError，说明原因。"""
    try:
        notebook = nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    except Exception as error:  # noqa: BLE001 —— 坏 JSON、不是 UTF-8、不是笔记本……
        raise ValueError(f"笔记本无法解析（{type(error).__name__}: {str(error).splitlines()[0][:200]}）") from None


class Grader:
    """一份评分包（zip、含 tests.py 的目录或 tests.py 本身）与评分的时限。"""

    def __init__(self, bundle: Path, *, timeout: float = 120, cell_timeout: float = 20, test_timeout: float = 10):
        self._tmp = tempfile.TemporaryDirectory(prefix="wordvec_rnn_grade_")
        self.tests_path = self._unpack(Path(bundle))
        module = load_tests(self.tests_path)
        self.assignment: Assignment = module.ASSIGNMENT
        self.slug = self.tests_path.parent.name
        self.tests = tests_of(module)
        self.points = points_of(self.tests)
        self.timeout = check_positive(timeout, "timeout")
        self.cell_timeout = check_positive(cell_timeout, "cell_timeout")
        self.test_timeout = check_positive(test_timeout, "test_timeout")

    def _unpack(self, bundle: Path) -> Path:
        if bundle.is_file() and bundle.suffix == ".zip":
            with zipfile.ZipFile(bundle) as archive:
                archive.extractall(self._tmp.name)
            found = sorted(Path(self._tmp.name).glob("*/tests.py"))
        elif bundle.is_dir():
            found = [bundle / "tests.py"] if (bundle / "tests.py").is_file() else []
        else:
            found = [bundle] if bundle.name == "tests.py" and bundle.is_file() else []
        if len(found) != 1:
            fail("bundle", "generate 生成的评分包（.zip）、含 tests.py 的目录或 tests.py", str(bundle))
        return found[0]

    @property
    def total(self) -> int:
        return sum(self.points.values())

    def grade(self, path: Path, student: str | None = None) -> Report:
        """评一份提交。任何问题都写进报告，不抛出。"""
        report = Report(student or Path(path).stem)
        start = time.perf_counter()
        try:
            cells = notebook_cells(path)
        except ValueError as error:
            report.notes.append(str(error))
        else:
            self._run(cells, report)
        if not report.tests:
            reason = report.notes[-1] if report.notes else "没有评分结果"
            report.tests = [{"name": t.name, "question": t.question, "points": t.points, "passed": False,
                             "message": reason} for t in self.tests]
        report.seconds = time.perf_counter() - start
        return report

    def _run(self, cells: list[str], report: Report) -> None:
        with tempfile.TemporaryDirectory(prefix="submission_") as work:
            result_path = Path(work) / "result.json"
            process = CONTEXT.Process(target=_child, args=(work, str(self.tests_path), cells, str(result_path),
                                                          self.cell_timeout, self.test_timeout))
            process.start()
            process.join(self.timeout)
            if process.is_alive():
                process.kill()
                process.join()
                report.notes.append(f"整份提交运行超过 {self.timeout:g} 秒，已终止（死循环？）")
                return
            if not result_path.is_file():
                report.notes.append(f"评分进程异常退出（退出码 {process.exitcode}）")
                return
            result = json.loads(result_path.read_text(encoding="utf-8"))
            report.tests, report.notes = result["tests"], report.notes + result["notes"]

    def grade_class(self, paths: list[Path], jobs: int = 0) -> list[Report]:
        """评一个班：``jobs`` 个提交同时评（默认 CPU 核数），按学生名排序返回。"""
        jobs = check_int(jobs, "jobs", low=0) or os.cpu_count() or 1
        names = student_names(paths)
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            reports = list(pool.map(self.grade, paths, names))
        return sorted(reports, key=lambda r: r.student)


def _child(work: str, *args) -> None:
    os.chdir(work)
    from wordvec_rnn.classroom.runner import run

    run(*args)


def student_names(paths: list[Path]) -> list[str]:
    """学生名：文件名去掉扩展名；重名时加上所在目录。"""
    stems = [Path(p).stem for p in paths]
    return [f"{Path(p).parent.name}/{s}" if stems.count(s) > 1 else s for p, s in zip(paths, stems)]


def submissions(arguments: list[Path]) -> list[Path]:
    found = []
    for path in map(Path, arguments):
        if path.is_dir():
            found += sorted(path.rglob("*.ipynb"))
        elif path.is_file():
            found.append(path)
        else:
            fail("提交", "存在的 .ipynb 文件或目录", str(path))
    found = [p for p in found if ".ipynb_checkpoints" not in p.parts]
    if not found:
        fail("提交", "至少一个 .ipynb 文件", [str(a) for a in arguments])
    return found


def table(grader: Grader, reports: list[Report]) -> list[list[str]]:
    questions = [q.number for q in grader.assignment.questions]
    head = ["学生"] + [f"{q}（{grader.points[q]}）" for q in questions] + [f"总分（{grader.total}）", "备注"]
    rows = [[r.student] + [str(r.score(q)) for q in questions] + [str(r.score()), "；".join(r.notes)]
            for r in reports]
    return [head] + rows


def feedback(grader: Grader, report: Report) -> str:
    a = grader.assignment
    lines = [f"# 作业 {a.number}：{a.title}", "", f"**{report.student}**：{report.score()} / {grader.total} 分"]
    if report.notes:
        lines += ["", *(f"- 注意：{note}" for note in report.notes)]
    for q in a.questions:
        lines += ["", f"## 第 {q.number} 题：{q.title}（{report.score(q.number)} / {grader.points[q.number]} 分）", ""]
        for t in (t for t in report.tests if t["question"] == q.number):
            mark = "✓" if t["passed"] else "✗"
            lines.append(f"- {mark} `{t['name']}`（{t['points']} 分）" + ("" if t["passed"] else f"：{t['message']}"))
    return "\n".join(lines) + "\n"


def write_reports(grader: Grader, reports: list[Report], out: Path) -> None:
    out = Path(out)
    (out / "反馈").mkdir(parents=True, exist_ok=True)
    rows = table(grader, reports)
    with open(out / "成绩表.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    markdown = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    markdown += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows[1:]]
    (out / "成绩表.md").write_text("\n".join(markdown) + "\n", encoding="utf-8")
    for report in reports:
        (out / "反馈" / f"{report.student.replace('/', '_')}.md").write_text(feedback(grader, report), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="评分包：_build/assignments/autograder/<作业>.zip")
    parser.add_argument("submissions", type=Path, nargs="+", help="提交的 .ipynb 文件或目录")
    parser.add_argument("--out", type=Path, default=None, help="成绩输出目录，默认 _build/grades/<作业>")
    parser.add_argument("--jobs", type=int, default=0, help="同时评几份，默认 CPU 核数")
    parser.add_argument("--timeout", type=float, default=120, help="每份提交的总时限（秒），默认 120")
    parser.add_argument("--cell-timeout", type=float, default=20, help="每个代码单元的时限（秒），默认 20")
    parser.add_argument("--test-timeout", type=float, default=10, help="每个测试的时限（秒），默认 10")
    args = parser.parse_args(argv)
    grader = Grader(args.bundle, timeout=args.timeout, cell_timeout=args.cell_timeout, test_timeout=args.test_timeout)
    paths = submissions(args.submissions)
    start = time.perf_counter()
    reports = grader.grade_class(paths, args.jobs)
    out = args.out or Path("_build") / "grades" / grader.slug
    write_reports(grader, reports, out)
    rows = table(grader, reports)
    for row in rows:
        print("  ".join(row[:-1]) + (f"  {row[-1]}" if row[-1] else ""))
    print(f"{len(reports)} 份提交，用时 {time.perf_counter() - start:.1f} 秒；成绩表与反馈写在 {out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
