"""输入声明的机制：规格的基类 :class:`Spec`、维度字母表 :class:`Dims`，以及 :func:`accepts`、:func:`returns`。"""

from __future__ import annotations

import functools
import inspect
import math
import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from wordvec_rnn.checks import all_finite as check_finite
from wordvec_rnn.checks import fail, is_tensor

PACKAGE = __name__.split(".")[0]  # "wordvec_rnn"
DERIVED_DIM = re.compile(r"^(\d*)([A-Za-z_]\w*?)(?:\+(\d+))?$")  # "m"、"4m"、"T+1"


def derived(letter: str) -> tuple[int, str, int]:
    """维度写法 → (倍数, 字母, 加数)：``"4m"`` → (4, "m", 0)，``"T+1"`` → (1, "T", 1)。"""
    match = DERIVED_DIM.match(letter)
    if not match:
        return 1, letter, 0
    return int(match.group(1) or 1), match.group(2), int(match.group(3) or 0)


class Spec:
    """一个参数的要求。子类实现 :meth:`check`：通过时返回（可能规范化后的）值，否则调用 ``fail``。"""

    order = 2  # 检查的先后：0 数组（确定维度字母），1 元素范围引用维度字母的数组，2 其余参数

    def check(self, value: Any, name: str, dims: Dims) -> Any:
        raise NotImplementedError


def accepts(**specs: Spec) -> Callable[[Callable], Callable]:
    """声明函数每个参数的要求（每个参数都要声明；``self`` 与原样转交的 ``*args``、``**kwargs`` 可以不声明），
    调用时按声明检查，再调用原函数。

    只检查从包外来的调用（读者的代码、笔记本、测试）：本包的函数互相调用时，参数来自已经检查过的输入，
    再查一遍只是重复的开销（GRU 的一步里 ``block`` 要调用四次）。"""

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        passed_on = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)  # *args、**kwargs 原样转交
        declared = [p for p, q in signature.parameters.items()
                    if p in specs or (p not in ("self", "cls") and q.kind not in passed_on)]
        if set(declared) != set(specs):
            raise TypeError(f"{function.__qualname__}：声明的参数 {sorted(specs)} 与签名 {declared} 不一致")
        deferred = [p for p in specs if getattr(specs[p], "deferred", False)]

        @functools.wraps(function)
        def checked(*args, **kwargs):
            if called_from_package():
                return function(*args, **kwargs)
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            check_arguments(specs, bound.arguments)
            if not deferred:
                return function(*bound.args, **bound.kwargs)
            try:
                result = function(*bound.args, **bound.kwargs)
            except ValueError:  # 公式里的函数先发现了 NaN：多半来自只查用到的行的大表
                blame_non_finite(deferred, bound.arguments)
                raise
            if not all_finite(result):
                blame_non_finite(deferred, bound.arguments)
            return result

        checked.__accepts__ = specs
        return checked

    return decorate


def called_from_package() -> bool:
    """调用 ``accepts`` 包装的函数的，是不是本包里的代码（看调用者所在的模块名）。"""
    caller = sys._getframe(2).f_globals.get("__name__", "")
    return caller == PACKAGE or caller.startswith(PACKAGE + ".")


def check_arguments(specs: dict[str, Spec], arguments: dict) -> Dims:
    """按声明检查 ``arguments``（就地换成规范化后的值），返回定下的维度字母。先查数组（定下字母），再查其余参数。"""
    dims = Dims(arguments)
    for parameter in sorted(specs, key=lambda p: specs[p].order):
        arguments[parameter] = dims.values[parameter] = specs[parameter].check(arguments[parameter], parameter, dims)
    return dims


def blame_non_finite(deferred: list[str], arguments: dict) -> None:
    """结果里出现了 NaN 或无穷大：点名含有它们的那张大表（这时才逐元素扫一遍）。"""
    for name in deferred:
        if not check_finite(arguments[name]):
            fail(name, "不含 NaN 或无穷大的数组（这次用到的元素里有）", arguments[name])


def all_finite(result: Any) -> bool:
    """结果（数、数组、张量，或它们的元组、列表、字典）里没有 NaN 与 ±inf；整数与其他对象不算。"""
    if isinstance(result, (tuple, list)):
        return all(map(all_finite, result))
    if isinstance(result, dict):
        return all(map(all_finite, result.values()))
    if isinstance(result, float):
        return math.isfinite(result)
    is_array = isinstance(result, np.ndarray) and result.dtype.kind == "f"
    if is_array or (is_tensor(result) and result.is_floating_point()):
        return check_finite(result)
    return True


def returns(*specs: Spec) -> Callable[[Callable], Callable]:
    """声明返回值（一个规格，或元组的各项），形状字母与输入的共用。只写进文档、由测试核对，调用时不检查。"""

    def decorate(function: Callable) -> Callable:
        function.__returns__ = specs
        return function

    return decorate


def declared_inputs(function: Callable) -> dict[str, Spec] | None:
    """``function`` 用 :func:`accepts` 声明的输入；没有声明时返回 ``None``。"""
    return getattr(function, "__accepts__", None)


class Dims(dict):
    """维度字母 → 大小；``origin`` 记下每个字母由哪个参数定下，写进消息里；``shapes``、``keys``、``values`` 记下
    已检查的数组的形状、字典的键与参数的值，供 ``shape_of``、``same_keys_as``、``uses`` 比较；``dtypes``、``same_shapes``
    是 dtype、形状的字母 → (dtype 或形状, 定下它的参数)；``arguments`` 是这次调用的全部参数（``Params`` 的条件键要看）。"""

    def __init__(self, arguments: dict | None = None):
        super().__init__()
        self.origin: dict[str, str] = {}
        self.shapes: dict[str, tuple[int, ...]] = {}
        self.keys: dict[str, list] = {}
        self.values: dict[str, Any] = {}
        self.dtypes: dict[str, tuple] = {}
        self.same_shapes: dict[str, tuple] = {}
        self.arguments = {} if arguments is None else arguments


def bind(letter: str, size: int, dims: Dims, name: str) -> bool:
    """把维度 ``letter`` 定为 ``size``（已定下时比较）；``"4m"``：m = size / 4，``"T+1"``：T = size - 1。"""
    factor, base, offset = derived(letter)
    if size < offset or (size - offset) % factor:
        return False
    dims.origin.setdefault(base, name)
    return dims.setdefault(base, (size - offset) // factor) == (size - offset) // factor


def resolve(bound: int | str, dims: Dims) -> int:
    """界限的值：整数原样，维度写法（``"V"``、``"T+1"``）取已定下的大小。"""
    if isinstance(bound, int):
        return bound
    factor, base, offset = derived(bound)
    if base not in dims:
        raise TypeError(f"上界 {bound!r} 不是已声明数组的维度字母")
    return factor * dims[base] + offset


def shape_text(shape: tuple, dims: Dims, name: str) -> str:
    parts = ["任意" if d is None else str(d) for d in shape]  # "..." 原样写出
    text = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    letters = {derived(d)[1] for d in shape if isinstance(d, str) and d != "..."}
    known = [f"{k}={v}" + (f"（由参数 `{dims.origin[k]}` 定下）" if dims.origin.get(k, name) != name else "")
             for k, v in dims.items() if k in letters]
    return text + (f"，其中 {', '.join(known)}" if known else "")
