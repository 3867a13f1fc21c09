"""公共函数的输入检查。

每个检查在输入不合要求时抛出 :class:`ValueError`，消息写明三件事：哪个参数、期望什么、实际得到什么，
让读者不必到 numpy 或 torch 的深处去读回溯。数组既可以是 ``numpy.ndarray`` 也可以是 ``torch.Tensor``。
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

import numpy as np

# "float" 只收 float32 与 float64：本书的公式在这两种精度下计算，float16、bfloat16 在 numpy 里丢精度，torch 的 CPU 循环层也不支持
DTYPE_KINDS = {"float": "浮点（float32 或 float64）", "int": "整数", "bool": "布尔"}


def fail(name: str, expected: str, value: Any = None, *, got: str | None = None) -> NoReturn:
    """抛出统一格式的 ``ValueError``：参数 ``name`` 期望 ``expected``，实际得到 ``value``（或文字 ``got``）。"""
    space = " " if expected[:1].isascii() and expected[:1].isalnum() else ""  # 期望 dtype …、期望 0 或 1，中文紧接
    raise ValueError(f"参数 `{name}`：期望{space}{expected}，实际得到 {describe(value) if got is None else got}。")


def describe(value: Any) -> str:
    """简短描述一个值，用在错误消息里（数组只报类型、形状和 dtype，不打印内容）。"""
    if is_tensor(value) or isinstance(value, np.ndarray):
        return f"形状为 {tuple(value.shape)}、dtype 为 {value.dtype} 的 {type(value).__name__}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def check_str(value: Any, name: str) -> str:
    """``value`` 必须是非空、且不全是空白的字符串。"""
    if not isinstance(value, str) or not value.strip():
        fail(name, "非空字符串", value)
    return value


def check_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """``value`` 必须是整数（不接受 ``bool``），且满足 ``low <= value <= high``（给出时）。"""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(name, "整数", value)
    if (low is not None and value < low) or (high is not None and value > high):
        fail(name, f"范围 {_interval(low, high)} 内的整数", value)
    return int(value)


def check_float(value: Any, name: str, *, low: float | None = None, high: float | None = None) -> float:
    """``value`` 必须是有限实数，且满足 ``low <= value <= high``（给出时）。"""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        fail(name, "有限实数", value)
    if (low is not None and value < low) or (high is not None and value > high):
        fail(name, f"范围 {_interval(low, high)} 内的实数", value)
    return float(value)


def check_positive(value: Any, name: str) -> float:
    """``value`` 必须是正的有限实数（学习率、温度、时间上限等）。"""
    value = check_float(value, name)
    if value <= 0:
        fail(name, "正实数", value)
    return value


def check_choice(value: Any, name: str, choices: Iterable[Any]) -> Any:
    """``value`` 必须是 ``choices`` 之一。"""
    choices = list(choices)
    if value not in choices:
        fail(name, f"{'、'.join(map(repr, choices))} 之一", value)
    return value


def check_array(
    value: Any,
    name: str,
    *,
    ndim: int | None = None,
    dtype: str | None = None,
    nonempty: bool = True,
    finite: bool = False,
):
    """检查一个 numpy 数组或 torch 张量，原样返回它（形状与跨参数的维度字母由 :mod:`wordvec_rnn.inputs` 检查）。

    - ``ndim``：维数；``dtype``：``"float"``（float32 或 float64）、``"int"`` 或 ``"bool"``，整数不查位宽。
    - ``nonempty``：不接受元素个数为 0 的数组；``finite``：不接受 NaN 与 ±inf。
    """
    if not (is_tensor(value) or isinstance(value, np.ndarray)):
        fail(name, "numpy 数组或 torch 张量", value)
    actual = tuple(value.shape)
    if ndim is not None and len(actual) != ndim:
        fail(name, f"{ndim} 维数组", value)
    if dtype is not None:
        check_choice(dtype, "dtype", DTYPE_KINDS)
        if _dtype_kind(value) != dtype:
            fail(name, f"{DTYPE_KINDS[dtype]}类型的数组", value)
    if nonempty and math.prod(actual) == 0:
        fail(name, "非空数组", value)
    if finite and not bool(all_finite(value)):
        fail(name, "不含 NaN 或无穷大的数组", value)
    return value


def check_ids(value: Any, name: str, vocab_size: int):
    """``value`` 必须是整数数组，元素都是 ``[0, vocab_size)`` 内的词元编号。"""
    check_array(value, name, dtype="int")
    low, high = int(value.min()), int(value.max())
    if low < 0 or high >= vocab_size:
        fail(name, f"词表编号，在 [0, {vocab_size}) 内", got=f"越界的编号 {low if low < 0 else high}")
    return value


def is_tensor(value: Any) -> bool:
    """``value`` 是 torch 张量。"""
    torch = sys.modules.get("torch")  # 只在 torch 已被导入时才可能是张量，这样本模块不必导入 torch
    return torch is not None and isinstance(value, torch.Tensor)


def _dtype_kind(value: Any) -> str:
    name = str(value.dtype).removeprefix("torch.")
    if name in ("float16", "bfloat16"):
        return "half"
    if is_tensor(value):
        if value.dtype.is_floating_point:
            return "float"
        return "bool" if name == "bool" else ("complex" if value.dtype.is_complex else "int")
    return {"f": "float", "i": "int", "u": "int", "b": "bool"}.get(value.dtype.kind, value.dtype.kind)


def all_finite(value: Any) -> bool:
    """先看总和（比逐元素判断快）：总和有限则没有 NaN 与 ±inf；总和溢出时再逐元素判断。"""
    if is_tensor(value):
        torch = sys.modules["torch"]
        return bool(torch.isfinite(value.sum())) or bool(torch.isfinite(value).all())
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(value.sum())) or bool(np.isfinite(value).all())


def _interval(low: float | None, high: float | None) -> str:
    return f"[{'-∞' if low is None else low}, {'+∞' if high is None else high}]"
