"""作业的描述：题目、分值与测试。

``assignments/<编号_名字>/tests.py`` 定义 ``ASSIGNMENT``（:class:`Assignment`）和若干测试函数。测试函数用
:func:`check` 标出属于哪一题、值几分、是否公开；它的参数名就是学生要写的函数名，评分时传入学生的实现，
所以学生改写同名的自测函数不影响评分。公开测试原样放进学生版笔记本，只能用 tests.py 顶部导入的名字。
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import inspect
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

from wordvec_rnn.checks import check_int, check_str, fail


@dataclass(frozen=True)
class Question:
    """一道题：编号（如 ``"1.2"``）、标题、学生要实现的函数或类（在章节的 ``#@save`` 单元中有解答标记）、说明。"""

    number: str
    title: str
    functions: tuple[str, ...]
    text: str = ""

    def __post_init__(self):
        check_str(self.number, "number")
        check_str(self.title, "title")
        if isinstance(self.functions, str) or not self.functions or not all(
            isinstance(name, str) and name.isidentifier() for name in self.functions
        ):
            fail("functions", "非空的函数名元组，如 ('softmax',)", self.functions)


@dataclass(frozen=True)
class Assignment:
    """一次作业：编号、标题、解答所在的章节笔记本（相对仓库根目录）、导言与各题。"""

    number: int
    title: str
    chapters: tuple[str, ...]
    intro: str
    questions: tuple[Question, ...]

    def __post_init__(self):
        check_int(self.number, "number", low=1)
        check_str(self.title, "title")
        if isinstance(self.chapters, str) or not self.chapters:
            fail("chapters", "非空的笔记本路径元组", self.chapters)
        if not self.questions or not all(isinstance(q, Question) for q in self.questions):
            fail("questions", "非空的 Question 元组", self.questions)
        numbers = [q.number for q in self.questions]
        if len(set(numbers)) != len(numbers):
            fail("questions", "互不相同的题号", numbers)

    def question(self, number: str) -> Question:
        for q in self.questions:
            if q.number == number:
                return q
        fail("question", f"本作业的题号之一 {[q.number for q in self.questions]}", number)


def check(question: str, points: int, *, public: bool = False):
    """把一个函数标成作业的测试：属于第 ``question`` 题，通过得 ``points`` 分；``public`` 的测试也给学生。"""
    check_str(question, "question")
    check_int(points, "points", low=1)

    def mark(test):
        test.question, test.points, test.public = question, points, bool(public)
        return test

    return mark


@dataclass(frozen=True)
class Test:
    """tests.py 里的一个测试：函数本身与它的标记。``inputs`` 是它的参数名，即学生要写的函数名。"""

    name: str
    question: str
    points: int
    public: bool
    function: object

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(inspect.signature(self.function).parameters)


def load_tests(path: Path) -> ModuleType:
    """按路径导入一份 tests.py（模块名取自所在目录，互不冲突）。"""
    path = Path(path)
    if not path.is_file():
        fail("path", "存在的 tests.py 文件", str(path))
    return tests_module(f"wordvec_rnn_assignment_{path.parent.name}", path.read_bytes(), str(path))


def tests_module(name: str, source: bytes, filename: str) -> ModuleType:
    """把 tests.py 的源码导入成名为 ``name`` 的模块（``filename`` 出现在回溯与 inspect 里）。"""
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    exec(compile(source, filename, "exec"), module.__dict__)
    if not isinstance(getattr(module, "ASSIGNMENT", None), Assignment):
        fail("tests.py", "定义了 ASSIGNMENT = Assignment(...) 的测试文件", filename)
    return module


def tests_of(module: ModuleType) -> list[Test]:
    """模块中用 :func:`check` 标出的测试，按定义的先后；题号必须是 ASSIGNMENT 里的，参数必须是该作业要写的函数。"""
    assignment: Assignment = module.ASSIGNMENT
    written = {name for q in assignment.questions for name in q.functions}
    found = []
    for name, value in vars(module).items():
        if inspect.isfunction(value) and hasattr(value, "question") and value.__module__ == module.__name__:
            test = Test(name, value.question, value.points, value.public, value)
            assignment.question(test.question)
            unknown = set(test.inputs) - written
            if unknown:
                fail(f"{name} 的参数", f"本作业要写的函数名 {sorted(written)}", sorted(unknown))
            found.append(test)
    found.sort(key=lambda t: t.function.__code__.co_firstlineno)
    missing = [q.number for q in assignment.questions if not any(t.question == q.number for t in found)]
    if missing:
        fail("tests.py", "每道题至少一个测试", f"没有测试的题 {missing}")
    return found


def with_globals(function, **names):
    """``function`` 的副本，它读到的全局名字 ``names`` 换成给出的对象（只换副本的名字表，不动提交的命名空间）。

    隐藏测试用它把学生函数调用的前几题的函数换成参照实现：前一题的错误不连累后一题的分数。
    """
    if hasattr(function, "with_overrides"):  # 评分时的学生函数（在沙箱里）：换名字的事交给沙箱
        return function.with_overrides(names)
    namespace = {**function.__globals__, **names}
    copy = types.FunctionType(function.__code__, namespace, function.__name__, function.__defaults__,
                              function.__closure__)
    copy.__kwdefaults__ = function.__kwdefaults__
    return copy


def points_of(tests: list[Test]) -> dict[str, int]:
    """每道题的满分（它的测试分值之和）。"""
    points: dict[str, int] = {}
    for test in tests:
        points[test.question] = points.get(test.question, 0) + test.points
    return points


# ---------------------------------------------------------------- 隐藏测试的输入：由教师的秘密种子决定
#
# 公开仓库里有测试的代码，没有隐藏测试的具体输入：隐藏测试用 hidden_rng(k) / hidden_torch_generator(k) 取随机
# 输入，评分程序在 secret(...) 里运行它们（种子来自评分包，可再混入学生编号）。不在 secret(...) 里时（教师版笔记本、
# 本书自己的测试）两者等于 np.random.default_rng(k) 与 torch.Generator().manual_seed(k)。
_SECRET: contextvars.ContextVar[tuple[int, ...]] = contextvars.ContextVar("wordvec_rnn_secret", default=())


def secret_words(*parts: str) -> tuple[int, ...]:
    """把秘密种子（及学生编号等）变成 32 位整数：同样的字符串总给同样的数。"""
    digest = hashlib.sha256("\x00".join(parts).encode("utf-8")).digest()
    return tuple(int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4))


@contextlib.contextmanager
def secret(words: tuple[int, ...]):
    """在这段代码里，隐藏测试的输入由 ``words``（:func:`secret_words` 的结果）决定。"""
    token = _SECRET.set(tuple(int(w) for w in words))
    try:
        yield
    finally:
        _SECRET.reset(token)


def hidden_rng(k: int) -> np.random.Generator:
    """隐藏测试的第 ``k`` 个随机数生成器（numpy）。"""
    check_int(k, "k", low=0)
    words = _SECRET.get()
    return np.random.default_rng([k, *words] if words else k)


def hidden_torch_generator(k: int):
    """隐藏测试的第 ``k`` 个随机数生成器（torch）。"""
    import torch

    check_int(k, "k", low=0)
    words = _SECRET.get()
    seed = int(np.random.SeedSequence([k, *words]).generate_state(1, np.uint64)[0]) >> 1 if words else k
    return torch.Generator().manual_seed(seed)


def mismatch(got, expected) -> str:
    """隐藏测试评语里引用的数：形状不同时给两个形状，否则给相差最大的那个元素的期望值与得到的值。"""
    try:
        got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return f"应是形状 {np.shape(expected)} 的数组，得到 {type(got).__name__}"
    if got.shape != expected.shape:
        return f"的形状应是 {expected.shape}，得到 {got.shape}"
    if got.ndim == 0:
        return f"应是 {float(expected):.10g}，得到 {float(got):.10g}"
    diff = np.abs(got - expected)
    index = np.unravel_index(np.argmax(np.where(np.isnan(diff), np.inf, diff)), got.shape)
    return f"例如 [{', '.join(str(int(i)) for i in index)}] 处应是 {expected[index]:.10g}，得到 {got[index]:.10g}"
