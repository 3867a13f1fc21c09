"""基准：给一个 30 人的班评分要多久（目标：两核机器上 5 分钟以内）。

运行（在仓库根目录）::

    .venv/bin/python code/bench/bench_grader.py                        # 作业 01_skipgram，30 份提交
    .venv/bin/python code/bench/bench_grader.py --assignment 05_lstm --students 60

生成一个班：参考解答、未动的学生版、每个常见错误，以及一份无法解析的笔记本、一份带死循环单元的笔记本、一份改写了
自测与 ``numpy.allclose`` 的笔记本，轮流分给学生，凑够 ``--students`` 份，然后用评分程序（默认时限，默认并行数 =
CPU 核数）评完全班，打印总用时、每份的平均用时与分数分布。

对照（同一次运行中测得）：用 nbclient 在 Jupyter 内核里从头执行参考提交（nbgrader、otter-grader 评分前都要这样
执行一遍笔记本），打印每份的用时，以及比值「本评分程序每份用时 / nbclient 每份用时」。
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from wordvec_rnn.classroom.generate import AssignmentSource
from wordvec_rnn.classroom.grade import Grader
from wordvec_rnn.classroom.submissions import write_class

BUDGET = 300.0  # 秒：30 人的班 5 分钟以内


def make_class(source: AssignmentSource, directory: Path, students: int) -> dict[str, str]:
    """``students`` 份提交写进 ``directory``，返回 {学生: 提交的种类}。"""
    kinds = Path(directory) / "kinds"
    write_class(source, kinds)
    pool = sorted(kinds.glob("*.ipynb"))
    who = {}
    for k in range(students):
        original = pool[k % len(pool)]
        name = f"学生{k + 1:02d}"
        shutil.copy(original, Path(directory) / f"{name}.ipynb")
        who[name] = original.stem
    return who


def nbclient_seconds(notebook: Path, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        nb = nbformat.read(notebook, as_version=4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_skipgram", help="作业目录名，默认 01_skipgram")
    parser.add_argument("--students", type=int, default=30, help="班级人数，默认 30")
    parser.add_argument("--jobs", type=int, default=0, help="同时评几份，默认 CPU 核数")
    parser.add_argument("--repeats", type=int, default=3, help="nbclient 对照执行几次取中位数，默认 3")
    args = parser.parse_args(argv)

    source = AssignmentSource(Path("."), Path("assignments") / args.assignment)
    with tempfile.TemporaryDirectory(prefix="bench_grader_") as work:
        work = Path(work)
        built = source.write(work / "build")
        who = make_class(source, work / "class", args.students)
        grader = Grader(built.autograder)
        start = time.perf_counter()
        reports = grader.grade_class(sorted((work / "class").glob("*.ipynb")), args.jobs)
        wall = time.perf_counter() - start
        reference = nbclient_seconds(work / "class" / "kinds" / "reference.ipynb", args.repeats)

    per_student = statistics.mean(r.seconds for r in reports)
    median = statistics.median(r.seconds for r in reports)
    kinds: dict[str, list[int]] = {}
    for report in reports:
        kinds.setdefault(who[report.student], []).append(report.score())
    print(f"作业 {args.assignment}（满分 {grader.total}）：{len(reports)} 份提交，同时评 {args.jobs or os.cpu_count()} 份")
    for kind, scores in sorted(kinds.items()):
        print(f"  {kind:<32} {len(scores):>2} 份，得分 {sorted(set(scores))}")
    verdict = "达到" if wall < BUDGET * args.students / 30 else "未达到"
    print(f"全班用时 {wall:.1f} 秒（目标 30 人 < {BUDGET:.0f} 秒：{verdict}）；每份平均 {per_student:.2f} 秒、中位数 {median:.2f} 秒"
          "（死循环的提交各占满单元时限）")
    print(f"对照：nbclient 在 Jupyter 内核里执行参考提交每份 {reference:.2f} 秒（只执行、不评分）；"
          f"比值 本评分程序（中位数）/ nbclient = {median / reference:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
