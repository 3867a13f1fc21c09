"""基准：给一个班评分要多久，沙箱开着与关着（同一次运行里交替测，报告中位数与 CPU 时间之比）。

运行（在仓库根目录，先看 ``uptime``：1 分钟负载低于 1 才算数）::

    .venv/bin/python code/bench/bench_grader.py                          # 作业 01_skipgram，30 人与 300 人
    .venv/bin/python code/bench/bench_grader.py --sizes 30 --repeats 5

班级由参考解答、未动的学生版、每个常见错误、一份无法解析的笔记本和一份改写了自测与 ``numpy.allclose`` 的笔记本
轮流组成。不含死循环的提交：它们各自占满单元时限（默认 20 秒），评分时间由时限决定，与评分程序的快慢无关。
目标（两核机器，沙箱开着）：30 人 ≤ 60 秒，300 人 ≤ 5 分钟。
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from wordvec_classroom.generate import AssignmentSource
from wordvec_classroom.grade import Grader
from wordvec_classroom.submissions import write_class

TARGETS = {30: 60.0, 300: 300.0}  # 班级人数 → 秒


def make_class(source: AssignmentSource, directory: Path, students: int) -> list[Path]:
    """``students`` 份提交写进 ``directory``（各种提交轮流分给学生）。"""
    kinds = Path(directory) / "kinds"
    write_class(source, kinds)
    pool = [p for p in sorted(kinds.glob("*.ipynb")) if p.stem != "infinite_loop"]
    paths = []
    for k in range(students):
        path = Path(directory) / f"学生{k + 1:03d}.ipynb"
        shutil.copy(pool[k % len(pool)], path)
        paths.append(path)
    return paths


def own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def grade_once(bundle: Path, paths: list[Path], sandbox: bool, jobs: int) -> tuple[float, float, int]:
    """一次评完全班：墙钟秒数、CPU 秒数（评分程序自己的加上每个沙箱里的）与全班总分。"""
    grader = Grader(bundle, sandbox=sandbox)
    cpu, start = own_cpu_seconds(), time.perf_counter()
    reports = grader.grade_class(paths, [p.stem for p in paths], jobs)
    wall = time.perf_counter() - start
    return wall, own_cpu_seconds() - cpu + sum(r.cpu_seconds for r in reports), sum(r.score() for r in reports)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_skipgram", help="作业目录名，默认 01_skipgram")
    parser.add_argument("--sizes", default="30,300", help="班级人数，逗号分隔，默认 30,300")
    parser.add_argument("--repeats", type=int, default=3, help="每种设置交替测几次取中位数，默认 3")
    parser.add_argument("--jobs", type=int, default=0, help="同时评几份，默认 CPU 核数")
    args = parser.parse_args(argv)
    print(f"负载：{os.getloadavg()[0]:.2f}（1 分钟平均；高于 1 时结果不算数）；CPU 核数 {os.cpu_count()}")
    source = AssignmentSource(Path("."), Path("assignments") / args.assignment)
    with tempfile.TemporaryDirectory(prefix="bench_grader_") as work:
        bundle = source.write(Path(work) / "build").autograder
        for size in (int(s) for s in args.sizes.split(",")):
            paths = make_class(source, Path(work) / f"class{size}", size)
            runs = {True: [], False: []}
            for _ in range(args.repeats):
                for sandbox in (True, False):  # 交替：两边经历同样的机器状态
                    runs[sandbox].append(grade_once(bundle, paths, sandbox, args.jobs))
            report(size, runs)
    return 0


def report(size: int, runs: dict[bool, list[tuple[float, float, int]]]) -> None:
    wall = {s: statistics.median(r[0] for r in runs[s]) for s in runs}
    cpu = {s: statistics.median(r[1] for r in runs[s]) for s in runs}
    scores = {r[2] for s in runs for r in runs[s]}
    target = TARGETS.get(size)
    verdict = "" if target is None else f"（目标 ≤ {target:.0f} 秒：{'达到' if wall[True] <= target else '未达到'}）"
    print(f"{size} 人：沙箱开着 {wall[True]:.1f} 秒{verdict}，关着 {wall[False]:.1f} 秒；"
          f"CPU {cpu[True]:.1f} 与 {cpu[False]:.1f} 秒；比值（开/关）墙钟 {wall[True] / wall[False]:.2f}、"
          f"CPU {cpu[True] / cpu[False]:.2f}；全班总分 {sorted(scores)}（两边应相同）")


if __name__ == "__main__":
    sys.exit(main())
