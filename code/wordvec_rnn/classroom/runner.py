"""在一个独立的进程里评一份提交（由 :mod:`wordvec_rnn.classroom.grade` 启动，每个学生一个进程）。

进程由 multiprocessing 的 forkserver 从一个预先导入了本模块（numpy、torch、matplotlib 与本书的绘图风格）的服务
进程中 fork 出来，每份提交不必再花几秒导入这些库；没有 forkserver 的系统（Windows）用 spawn。

先逐个运行提交的代码单元（每个单元有时限，出错记下后继续），再用评分包里的测试检查学生的函数（每个测试有时限）。
测试函数来自评分包，学生的函数作为参数传进去：提交里改写同名的自测函数不影响评分，只会被记下；
提交若改写了评分要用的库函数（如 ``numpy.allclose``），记下并在评分前恢复。这些防的是误操作和简单的作弊，
不是沙箱：一个进程里的代码总能找到办法干扰同一进程里的评分。
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import json
import os
import signal
import sys
import traceback
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # 在导入 pyplot 之前：评分不开窗口

import matplotlib.pyplot  # noqa: E402,F401 —— 预先导入：学生笔记本的第一个单元要用
import numpy as np  # noqa: E402
import torch  # noqa: E402

import wordvec_rnn.plotting  # noqa: E402,F401
from wordvec_rnn.classroom.source import same_definition, without_decorators  # noqa: E402
from wordvec_rnn.classroom.spec import Test, load_tests, tests_of  # noqa: E402

# 评分要用的库：提交改写其中任何已有的属性，都会被记下并恢复
GUARDED = ("builtins", "math", "numpy", "numpy.linalg", "numpy.random", "numpy.testing", "torch", "torch.autograd",
           "torch.testing", "wordvec_rnn.checks", "wordvec_rnn.gradcheck")
OUTPUT_LIMIT = 2000  # 每份提交保留的打印输出（字符）


class TimeLimit(BaseException):
    """超时。继承 BaseException：学生代码里的 ``except Exception`` 拦不住它。"""


@contextlib.contextmanager
def time_limit(seconds: float):
    def on_alarm(signum, frame):
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def snapshot() -> dict[str, dict]:
    return {name: dict(vars(sys.modules[name])) for name in GUARDED if name in sys.modules}


def restore(before: dict[str, dict]) -> list[str]:
    """把 ``before`` 之后被改写或删掉的属性恢复原样，返回它们的名字。"""
    changed = []
    for name, attributes in before.items():
        current = vars(sys.modules[name])
        for key, value in attributes.items():
            if key not in current or current[key] is not value:
                changed.append(f"{name}.{key}")
                setattr(sys.modules[name], key, value)
    return changed


def where(error: BaseException) -> str:
    """出错位置：回溯里属于提交的最后一帧（「单元 k 第 n 行」），没有时为空。"""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<单元")]
    return f"{frames[-1].filename.strip('<>')} 第 {frames[-1].lineno} 行" if frames else ""


def describe_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first[:300]}".rstrip(": ")


class Capture(io.StringIO):
    """收集打印输出，超过上限的部分丢掉（死循环里的 print 不会撑爆内存）。"""

    def write(self, text):
        if self.tell() < OUTPUT_LIMIT:
            super().write(text[: OUTPUT_LIMIT - self.tell()])
        return len(text)


def run_cells(cells: list[str], namespace: dict, seconds: float, output: Capture) -> list[str]:
    notes = []
    for k, source in enumerate(cells, 1):
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output), time_limit(seconds):
                exec(compile(source, f"<单元 {k}>", "exec"), namespace)
        except TimeLimit:
            notes.append(f"单元 {k} 运行超过 {seconds:g} 秒，已中断（死循环？）")
        except SyntaxError as error:
            notes.append(f"单元 {k} 有语法错误（第 {error.lineno} 行）：{error.msg}")
        except (NotImplementedError, AssertionError):
            pass  # 没做完的题与没通过的自测：测试会逐个报告
        except BaseException as error:  # noqa: BLE001 —— 学生代码的任何错误（含 sys.exit）都只记下
            notes.append(f"单元 {k} 出错：{describe_error(error)}")
    return notes


def rewritten_tests(cells: list[str], tests: list[Test]) -> list[str]:
    """提交中与原版不同的自测函数的名字。"""
    originals = {t.name: without_decorators(inspect.getsource(t.function)) for t in tests if t.public}
    changed = set()
    for source in cells:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in originals:
                if not same_definition(ast.get_source_segment(source, node), originals[node.name]):
                    changed.add(node.name)
    return sorted(changed)


def run_test(test: Test, namespace: dict, seconds: float, output: Capture) -> tuple[bool, str, bool]:
    """运行一个测试，返回 ``(是否通过, 给学生的一句话, 是否超时)``。"""
    inputs = []
    for name in test.inputs:
        value = namespace.get(name)
        if value is None:
            return False, f"提交里没有 `{name}`（改了名字，或者定义它的单元出错了？）", False
        if str(getattr(value, "__module__", "")).startswith("wordvec_rnn"):
            return False, f"`{name}` 是从本书的包导入的，不是提交里写的", False
        inputs.append(value)
    np.random.seed(0)
    torch.manual_seed(0)
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output), time_limit(seconds):
            test.function(*inputs)
    except TimeLimit:
        return False, f"超过 {seconds:g} 秒没有返回（死循环？）", True
    except NotImplementedError as error:
        return False, f"还没有实现（{where(error) or 'NotImplementedError'}）", False
    except AssertionError as error:
        return False, str(error).strip() or f"断言失败（{where(error)}）", False
    except BaseException as error:  # noqa: BLE001
        place = where(error)
        return False, f"运行出错：{describe_error(error)}" + (f"（{place}）" if place else ""), False
    return True, "", False


def grade(tests_path: Path, cells: list[str], cell_seconds: float, test_seconds: float) -> dict:
    module = load_tests(tests_path)
    tests = tests_of(module)
    before = snapshot()
    output = Capture()
    namespace = {"__name__": "__main__"}
    notes = run_cells(cells, namespace, cell_seconds, output)
    changed = restore(before)
    if changed:
        notes.append(f"提交改写了评分要用的 {', '.join(changed[:5])}；评分前已恢复原样")
    rewritten = rewritten_tests(cells, tests)
    if rewritten:
        notes.append(f"提交改写了自测 {', '.join(rewritten)}；评分用的是原版")
    results, looping = [], {}
    for test in tests:
        stuck = [name for name in test.inputs if name in looping]
        if stuck:
            results.append({"name": test.name, "question": test.question, "points": test.points, "passed": False,
                            "message": f"跳过：`{stuck[0]}` 在测试 {looping[stuck[0]]} 中超时"})
            continue
        passed, message, timed_out = run_test(test, namespace, test_seconds, output)
        if timed_out:
            looping.update(dict.fromkeys(test.inputs, test.name))
        results.append({"name": test.name, "question": test.question, "points": test.points,
                        "passed": passed, "message": message})
    return {"tests": results, "notes": notes, "output": output.getvalue()}


def run(tests_path: str, cells: list[str], result_path: str, cell_seconds: float, test_seconds: float) -> None:
    """子进程的入口：在当前目录（父进程给的空的临时目录）里评分，结果写成 JSON。"""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # 学生代码绕过 sys.stdout 的输出（C 扩展、子进程）不进评分者的终端
    os.dup2(devnull, 2)
    torch.set_num_threads(1)
    result = grade(Path(tests_path), cells, cell_seconds, test_seconds)
    Path(result_path).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
