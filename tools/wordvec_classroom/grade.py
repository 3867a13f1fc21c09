"""给一个班的提交评分：每份提交在自己的沙箱里运行，测试与判分都在沙箱外。

在仓库根目录运行（评分包由 ``python -m wordvec_classroom.generate`` 生成，发下去之后不要重新生成）::

    python -m wordvec_classroom.grade _build/assignments/autograder/01_skipgram.zip 提交目录/ --out 成绩/

沙箱（bwrap）里只运行学生的代码：评分程序把测试选定的输入传进去，拿回数据，自己算参照值、自己判分。
学生的代码改不了测试、分数和别人的文件，也看不到隐藏测试。写出 ``成绩表.csv``、``成绩表.md``、可导入
Canvas/Moodle 的 ``gradebook.csv``、``反馈/<学生>.md`` 与 ``.html``、``日志/<学生>.log`` 与 ``评分记录.json``。
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from wordvec_rnn.checks import check_int, check_positive, fail
from wordvec_classroom.bundle import Bundle
from wordvec_classroom.isolation import Limits, SandboxClosed, sandbox_problem
from wordvec_classroom.notebook import Cells, book_copies, prepare, recorded_release
from wordvec_classroom.remote import (
    MissingName,
    Session,
    StudentError,
    StudentFunction,
    StudentTimeout,
)
from wordvec_classroom.spec import Test, secret

MESSAGE_LIMIT = 500  # 反馈里每条说明的长度上限（字符）
LOG_LIMIT = 20_000  # 每个学生的日志里保留的打印输出（字符）


@dataclass
class Report:
    """一个学生的成绩：每个测试的结果、备注、用时与日志。"""

    student: str
    path: str = ""
    tests: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)
    output_chars: int = 0
    cpu_seconds: float = 0.0  # 沙箱里用掉的 CPU 时间（基准测试用）
    copies: list[str] = field(default_factory=list)  # 与书中解答逐字相同的函数（只给教师看，不影响分数）

    def score(self, question: str | None = None) -> int:
        return sum(t["points"] for t in self.tests if t["passed"] and question in (None, t["question"]))

    def record_output(self, text: str) -> None:
        if text and self.output_chars < LOG_LIMIT:
            self.log.append("输出：" + text[: LOG_LIMIT - self.output_chars].rstrip())
        self.output_chars += len(text)


class Grader:
    """一份评分包与评分的时限、沙箱设置。"""

    def __init__(self, bundle: Path, *, timeout: float = 120, cell_timeout: float = 20, test_timeout: float = 10,
                 limits: Limits | None = None, sandbox: bool = True):
        self.timeout = check_positive(timeout, "timeout")
        self.cell_timeout = check_positive(cell_timeout, "cell_timeout")
        self.test_timeout = check_positive(test_timeout, "test_timeout")
        self.bundle = Bundle.load(bundle)
        self.limits = limits or Limits()
        self.sandboxed = bool(sandbox)
        self.run_id = f"wordvec-rnn-grading-{secrets.token_hex(6)}"  # 本次评分的每个沙箱进程的命令行都带着它
        problem = sandbox_problem() if self.sandboxed else None
        if problem:
            raise RuntimeError(f"{problem}\n确实要在没有沙箱的情况下评分（学生的代码能读写你的文件），加 --no-sandbox。")

    @property
    def total(self) -> int:
        return self.bundle.total

    def grade(self, path: Path, student: str | None = None) -> Report:
        """评一份提交。任何问题都写进这份报告，不抛出，也不影响别的学生。"""
        report = Report(student or Path(path).stem, str(path))
        start = time.monotonic()
        try:
            cells = prepare(path, {t.name for t in self.bundle.tests})
        except ValueError as error:
            report.notes.append(str(error))
            cells = None
        if cells is not None:
            report.notes += cells.notes + self._release_notes(cells)
            report.copies = book_copies(cells, self.bundle.reference_sources)
            try:
                Runner(self, cells, report).run()
            except Exception as error:  # noqa: BLE001 —— 评分程序自己的错误也只落在这一份上
                report.notes.append(f"评分程序内部错误（{type(error).__name__}: {str(error)[:200]}）")
        done = {t["name"] for t in report.tests}
        reason = report.notes[-1] if report.notes else "没有评分结果"
        report.tests += [_result(t, False, reason) for t in self.bundle.tests if t.name not in done]
        report.seconds = time.monotonic() - start
        return report

    def _release_notes(self, cells: Cells) -> list[str]:
        recorded = cells.metadata.get("tests_sha256")
        if recorded and recorded != self.bundle.record["tests_sha256"]:
            return [f"这份笔记本来自另一次发放（测试指纹 {str(recorded)[:12]}），按本评分包评分"]
        return []

    def grade_class(self, paths: list[Path], names: list[str] | None = None, jobs: int = 0) -> list[Report]:
        """评一个班：``jobs`` 份同时评（默认 CPU 核数），按 ``names`` 的顺序返回。"""
        jobs = check_int(jobs, "jobs", low=0) or os.cpu_count() or 1
        names = names or [Path(p).stem for p in paths]
        if len(names) != len(paths):
            fail("names", f"{len(paths)} 个学生名", len(names))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(self.grade, paths, names))


def _result(test: Test, passed: bool, message: str, seconds: float = 0.0) -> dict:
    return {"name": test.name, "question": test.question, "points": test.points, "passed": passed,
            "message": message[:MESSAGE_LIMIT], "seconds": round(seconds, 3)}


class Runner:
    """一份提交的评分过程：先运行单元（最多用总时限的一半），再逐个测试；沙箱意外退出时重开，重放已运行的单元。"""

    def __init__(self, grader: Grader, cells: Cells, report: Report):
        self.grader, self.cells, self.report = grader, cells, report
        self.bundle = grader.bundle
        self.session: Session | None = None
        self.ran: list[tuple[int, str]] = []
        self.looping: dict[str, str] = {}
        self.end = time.monotonic() + grader.timeout
        self.secret = self.bundle.secret_for(report.student)

    def run(self) -> None:
        try:
            self.start()
            self.run_cells()
            for test in self.bundle.tests:
                self.report.tests.append(self.run_test(test))
        finally:
            self.stop("评分结束")

    def start(self) -> None:
        self.session = Session(self.grader.limits, self.grader.sandboxed, self.bundle.record.get("solutions", {}),
                               self.bundle.preload, self.grader.run_id, self.report.record_output)
        for k, source in self.ran:
            self.session.request({"op": "exec", "cell": k, "source": source}, self.grader.cell_timeout)

    def stop(self, why: str) -> None:
        if self.session is not None:
            self.report.log.append(f"沙箱结束（{why}）：{self.session.close()}")
            self.report.cpu_seconds += self.session.process.cpu_seconds
            errors = self.session.process.stderr.decode("utf-8", errors="replace").strip()
            if errors:
                self.report.log.append("标准错误（沙箱里绕过 print 的输出）：" + errors[:4000])
            self.session = None

    def restart(self, reason: str) -> None:
        self.report.log.append(f"沙箱意外结束：{reason}")
        self.stop(reason)
        try:
            self.start()
        except (SandboxClosed, StudentError) as error:
            self.report.notes.append(f"重开沙箱时又出错（{error}），后面的测试没有运行")
            self.stop("无法恢复")

    def run_cells(self) -> None:
        cell_end = time.monotonic() + self.grader.timeout / 2
        for k, source in self.cells.cells:
            left = cell_end - time.monotonic()
            if left <= 0 or self.session is None:
                self.report.notes.append(f"运行单元用完了 {self.grader.timeout / 2:g} 秒：第 {k} 个及以后的代码单元没有运行")
                return
            seconds = min(self.grader.cell_timeout, left)
            started = time.monotonic()
            try:
                reply = self.session.request({"op": "exec", "cell": k, "source": source}, seconds)
            except (SandboxClosed, StudentError) as error:
                self.report.notes.append(f"第 {k} 个代码单元：{getattr(error, 'reason', error)}")
                self.restart(str(error))
                continue
            self.report.log.append(f"单元 {k}：{time.monotonic() - started:.2f} 秒，{reply.get('kind') or '完成'}")
            note = cell_note(k, reply, seconds)
            if note:
                self.report.notes.append(note)
            if reply.get("kind") != "timeout":
                self.ran.append((k, source))

    def inputs(self, test: Test) -> list:
        """测试的参数：本题的函数是提交里的（调用前几题的函数时用参照实现），前几题的函数直接用参照实现。"""
        index = self.bundle.question_index
        current = max(index(name) for name in test.inputs)
        earlier = {name: ref for name, ref in self.bundle.references.items() if index(name) < current}
        self.session.test_overrides = earlier
        return [earlier[name] if name in earlier else StudentFunction(self, name, earlier) for name in test.inputs]

    def run_test(self, test: Test) -> dict:
        stuck = [name for name in test.inputs if name in self.looping]
        if stuck:
            return _result(test, False, f"跳过：`{stuck[0]}` 在测试 {self.looping[stuck[0]]} 中超时或让沙箱退出了")
        left = self.end - time.monotonic()
        if left <= 0 or self.session is None:
            why = f"整份提交超过 {self.grader.timeout:g} 秒" if left <= 0 else "沙箱无法恢复"
            return _result(test, False, f"{why}：这个测试没有运行")
        seconds = min(self.grader.test_timeout, left)
        self.session.deadline = time.monotonic() + seconds
        started = time.monotonic()
        passed, message = self.judge(test, seconds)
        elapsed = time.monotonic() - started
        self.report.log.append(f"测试 {test.name}：{elapsed:.2f} 秒，{'通过' if passed else '不通过'}")
        return _result(test, passed, message, elapsed)

    def judge(self, test: Test, seconds: float) -> tuple[bool, str]:
        """在评分程序里运行一个测试（它调用的学生函数在沙箱里），返回 ``(是否通过, 给学生的一句话)``。"""
        try:
            with secret(self.secret):
                test.function(*self.inputs(test))
        except StudentTimeout:
            self.looping.update(dict.fromkeys(test.inputs, test.name))
            return False, f"超过 {seconds:g} 秒没有返回（死循环？）"
        except AssertionError as error:
            return False, str(error).strip() or "断言失败"
        except NotImplementedError as error:
            return False, f"还没有实现（{getattr(error, 'student_where', '') or 'NotImplementedError'}）"
        except MissingName as error:
            return False, f"提交里没有 `{error}`（改了名字，或者定义它的单元出错了？）"
        except SandboxClosed as error:  # 硬时限、os._exit、传回太大的数据……：重开沙箱，用到这些函数的测试不再运行
            self.looping.update(dict.fromkeys(test.inputs, test.name))
            self.restart(error.reason)
            return False, f"运行中{error.reason}"
        except StudentError as error:
            if error.name == "BookSolutionUnavailable":
                return False, error.message
            return False, f"运行出错：{error}" + (f"（{error.where}）" if error.where else "")
        except Exception as error:  # noqa: BLE001 —— 学生传回的东西让测试出错：算这个测试不通过
            place = getattr(error, "student_where", "")
            text = f"运行出错：{type(error).__name__}: {(str(error).splitlines() or [''])[0][:300]}".rstrip(": ")
            return False, text + (f"（{place}）" if place else "")
        return True, ""


def cell_note(k: int, reply: dict, seconds: float) -> str:
    """一个单元运行的结果给教师的备注；没做完的题与没通过的自测不记（测试会逐个报告）。"""
    kind = reply.get("kind")
    if kind == "timeout":
        return f"第 {k} 个代码单元运行超过 {seconds:g} 秒，已中断（死循环？）"
    if kind == "syntax":
        return f"第 {k} 个代码单元有语法错误（{reply.get('where', '')}）：{reply.get('message', '')}"
    if kind in ("error", "internal") and reply.get("error") != "AssertionError":
        text = f"{reply.get('error', '')}: {reply.get('message', '')}".rstrip(": ")
        return f"第 {k} 个代码单元出错：{text}"
    return ""


def main(argv: list[str] | None = None) -> int:
    from wordvec_classroom.roster import find_submissions, identify
    from wordvec_classroom.sheet import write_all

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="评分包：_build/assignments/autograder/<作业>.zip")
    parser.add_argument("submissions", type=Path, nargs="+", help="提交的 .ipynb 文件或目录")
    parser.add_argument("--out", type=Path, default=None, help="成绩输出目录，默认 _build/grades/<作业>")
    parser.add_argument("--roster", type=Path, default=None, help="名单 CSV（列：学号,姓名，可选 登录名）")
    parser.add_argument("--jobs", type=int, default=0, help="同时评几份，默认 CPU 核数")
    parser.add_argument("--timeout", type=float, default=120, help="每份提交的总时限（秒），默认 120；单元最多用一半")
    parser.add_argument("--cell-timeout", type=float, default=20, help="每个代码单元的时限（秒），默认 20")
    parser.add_argument("--test-timeout", type=float, default=10, help="每个测试的时限（秒），默认 10")
    parser.add_argument("--memory", type=float, default=2.0, help="沙箱的内存上限（GB），默认 2")
    parser.add_argument("--no-sandbox", action="store_true", help="不用沙箱（学生的代码能读写你的文件；成绩表会写明）")
    parser.add_argument("--force", action="store_true", help="提交全都来自另一次发放（测试不同）时仍然评分")
    args = parser.parse_args(argv)
    limits = Limits(memory=int(check_positive(args.memory, "--memory") * 2**30))
    try:
        grader = Grader(args.bundle, timeout=args.timeout, cell_timeout=args.cell_timeout,
                        test_timeout=args.test_timeout, limits=limits, sandbox=not args.no_sandbox)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 2
    paths = find_submissions(args.submissions)
    recorded = {r for r in map(recorded_release, paths) if r}
    if recorded and grader.bundle.record["tests_sha256"] not in recorded and not args.force:
        print(f"这些提交来自另一次发放（测试指纹 {'、'.join(sorted(r[:12] for r in recorded))}），评分包是 "
              f"{grader.bundle.record['tests_sha256'][:12]}：请用发下去的那份评分包（确需如此时加 --force）", file=sys.stderr)
        return 2
    students = identify(paths, args.submissions, args.roster)
    start = time.monotonic()
    reports = grader.grade_class(paths, [s.id for s in students], args.jobs)
    out = args.out or Path("_build") / "grades" / grader.bundle.slug
    summary = write_all(grader, students, reports, out, time.monotonic() - start)
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
