"""公共函数在开头一次说清它接受什么输入，由 :func:`accepts` 统一检查，函数体里只剩公式。

例如负采样的损失::

    @accepts(center_vec=NDArray("d"), outside_idx=Int(0, below="V"),
             negative_idx=NDArray("k", dtype="int", below="V"), outside_vectors=NDArray("V", "d"))
    def neg_sampling_loss_and_gradient(center_vec, outside_idx, negative_idx, outside_vectors): ...

- 形状里的字母是符号维度，同名字母在所有参数间必须相等（上例中 ``d`` 把 v_c 与 U 的列数连起来）；
  ``"4m"`` 这样的写法表示「4 乘以 m」，``"T+1"`` 表示「T 加 1」；``None`` 表示该维不限；开头的 ``...`` 表示前面可以有任意多维
  （``NDArray(..., "q")`` 只约束最后一维）。
- :class:`NDArray` 只收 numpy 数组，:class:`Tensor` 只收 torch 张量，传错了会说清楚怎么转换。
- 浮点数组默认不许有 NaN 与 ±inf（``finite=False`` 可放开）；整数数组可用 ``below`` 要求元素在 ``[0, 上界)`` 内，
  上界可以是整数或维度字母（词表大小 ``V``，或 ``"T+1"``），``low`` 是下界（默认 0）；``simplex=True`` 要求沿最后一维是概率分布（非负、和为 1）。
- :class:`Params` 是参数字典（如 RNN 的 ``{"V": …, "W": …}``），逐项按规格检查，消息点名 ``params["W"]``。
- 不合要求时抛出 :class:`ValueError`，消息由 :func:`wordvec_rnn.checks.fail` 写出：哪个参数、期望什么、实际得到什么。
  类型不对也抛 ``ValueError``（而不是 ``TypeError``），读者只需认一种错误。

先检查数组（确定各维度字母的值），再检查其余参数（它们的范围可以引用维度字母），同一类按声明的顺序。
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from wordvec_rnn.checks import (DTYPE_KINDS, check_array, check_choice, check_float, check_ids, check_int, check_str,
                                fail, is_tensor)

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


class _Array(Spec):

    def __init__(self, *shape: Any, dtype: str = "float", finite: bool | None = None,
                 below: int | str | None = None, nonempty: bool = True, ndim: int | None = None,
                 simplex: bool = False, low: int = 0):
        check_choice(dtype, "dtype", DTYPE_KINDS)
        self.dtype, self.below, self.nonempty, self.simplex, self.low = dtype, below, nonempty, simplex, low
        self.leading = shape[:1] == (...,)  # (..., "q")：前面任意多维，只约束最后几维
        self.shape = shape[1:] if self.leading else shape
        self.ndim = None if self.leading else (len(shape) if shape else ndim)
        self.finite = dtype == "float" if finite is None else finite
        self.order = 0 if below is None else 1

    def check(self, value, name, dims):
        self.check_library(value, name)
        check_array(value, name, ndim=self.ndim, dtype=self.dtype, nonempty=self.nonempty)
        self.check_shape(value, name, dims)
        check_array(value, name, nonempty=False, finite=self.finite)
        if self.below is not None and math.prod(value.shape):
            bound = _resolve(self.below, dims)
            if self.low:
                if int(value.min()) < self.low or int(value.max()) >= bound:
                    fail(name, f"[{self.low}, {bound}) 内的整数", got=f"元素 {int(value.min())} … {int(value.max())}")
            else:
                check_ids(value, name, bound)
        if self.simplex and math.prod(value.shape):
            _check_simplex(value, name)
        return value

    def check_library(self, value, name):
        raise NotImplementedError

    def check_shape(self, value, name, dims):
        expected = ("...",) * self.leading + self.shape
        if self.leading and value.ndim < len(self.shape):
            fail(name, f"至少 {len(self.shape)} 维的数组，形状 {_shape_text(expected, dims, name)}", value)
        for want, got in zip(self.shape, value.shape[value.ndim - len(self.shape):]):
            if (isinstance(want, str) and not _bind(want, int(got), dims, name)) or (isinstance(want, int) and want != got):
                fail(name, f"形状 {_shape_text(expected, dims, name)}", value)


class NDArray(_Array):
    """numpy 数组；形状写成维度字母、整数或 ``None``。"""

    def check_library(self, value, name):
        if is_tensor(value):
            fail(name, "numpy 数组（这是 numpy 实现；torch 张量请先 .detach().numpy()）", value)
        if not isinstance(value, np.ndarray):
            fail(name, "numpy 数组", value)


class Tensor(_Array):
    """torch 张量；形状写成维度字母、整数或 ``None``。"""

    def check_library(self, value, name):
        if isinstance(value, np.ndarray):
            fail(name, "torch 张量（这是 torch 实现；numpy 数组请先 torch.from_numpy(...)）", value)
        if not is_tensor(value):
            fail(name, "torch 张量", value)


class Params(Spec):
    """参数字典：键恰好是 ``entries`` 的键，每个值满足对应的规格（形状字母在各项之间共用），如
    ``Params({"W": NDArray("m", "m"), "b": NDArray("m")})``。某项不合要求时消息点名 ``params["W"]``。原样返回字典
    （训练循环就地更新它）。"""

    def __init__(self, entries: dict[str, Spec]):
        self.entries = entries
        self.order = min(spec.order for spec in entries.values())

    def check(self, value, name, dims):
        if not isinstance(value, dict) or set(value) != set(self.entries):
            fail(name, f"键为 {', '.join(self.entries)} 的字典", value)
        for key in sorted(self.entries, key=lambda k: self.entries[k].order):
            self.entries[key].check(value[key], f'{name}["{key}"]', dims)
        return value


class Counts(Spec):
    """词频：一维非负的 numpy 数组（也收列表；长度记作维度字母 ``letter``），至少 ``min_words`` 个词、
    至少一个词出现过；``real=True`` 时也收浮点数（如按比例缩放过的次数）。"""

    def __init__(self, letter: str = "V", *, real: bool = False, min_words: int = 1):
        self.letter, self.real, self.min_words = letter, real, min_words

    def check(self, value, name, dims):
        if isinstance(value, (list, tuple)):
            value = np.asarray(value)
        is_float = isinstance(value, np.ndarray) and value.dtype.kind == "f"
        NDArray(self.letter, dtype="float" if self.real and is_float else "int").check(value, name, dims)
        if len(value) < self.min_words:
            fail(name, f"至少 {self.min_words} 个词的出现次数", value)
        if value.min() < 0:
            fail(name, "非负的出现次数", got=f"负数 {value.min()}")
        if value.max() == 0:
            fail(name, "至少一个词的出现次数大于 0", value)
        return value


class Elementwise(Spec):
    """逐元素函数的输入：有限实数，或任意形状的浮点 numpy 数组（不含 NaN 与 ±inf）。"""

    def check(self, value, name, dims):
        if isinstance(value, np.ndarray) or is_tensor(value):
            return NDArray(ndim=value.ndim, nonempty=False).check(value, name, dims)
        return check_float(value, name)


class Shape(Spec):
    """数组形状：正整数，或由正整数组成的非空元组，如 ``(B, k)``。"""

    def check(self, value, name, dims):
        sizes = value if isinstance(value, tuple) else (value,)
        if not sizes or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1
                                for n in sizes):
            fail(name, "正整数或由正整数组成的元组，如 (B, k)", value)
        return tuple(int(n) for n in sizes) if isinstance(value, tuple) else int(value)


class Int(Spec):
    """整数（不收 ``bool``），``low <= value <= high``；``below`` 给出开上界，可以是维度字母。``dim`` 把这个整数
    定为维度字母（如 ``one_hot`` 的 ``size``），这时它先于数组检查，数组的形状与 ``below`` 可以引用它。"""

    def __init__(self, low: int | None = None, high: int | None = None, *, below: int | str | None = None,
                 dim: str | None = None):
        self.low, self.high, self.below, self.dim = low, high, below, dim
        self.order = 0 if dim else 2

    def check(self, value, name, dims):
        high = self.high if self.below is None else _resolve(self.below, dims) - 1
        value = check_int(value, name, low=self.low, high=high)
        if self.dim is not None and not _bind(self.dim, value, dims, name):
            fail(name, f"{self.dim}={dims[self.dim]}（由参数 `{dims.origin[self.dim]}` 定下）", value)
        return value


class Real(Spec):
    """有限实数，``low <= value <= high``；``positive=True`` 要求大于 0。"""

    def __init__(self, low: float | None = None, high: float | None = None, *, positive: bool = False):
        self.low, self.high, self.positive = low, high, positive

    def check(self, value, name, dims):
        value = check_float(value, name, low=self.low, high=self.high)
        if self.positive and value <= 0:
            fail(name, "正实数", value)
        return value


class Choice(Spec):
    """``options`` 之一。"""

    def __init__(self, *options: Any):
        self.options = options

    def check(self, value, name, dims):
        return check_choice(value, name, self.options)


class Str(Spec):
    """非空字符串。"""

    def check(self, value, name, dims):
        return check_str(value, name)


class Bool(Spec):
    """``True`` 或 ``False``。"""

    def check(self, value, name, dims):
        if not isinstance(value, (bool, np.bool_)):
            fail(name, "True 或 False", value)
        return bool(value)


class Instance(Spec):
    """``kind`` 类（或类的元组）的实例；``what`` 是写进消息的中文说明。``sizes`` 把它的属性（或函数，如 ``len``）
    定为维度字母（如 ``{"V": "num_words"}``），这时它先于数组检查，数组的形状可以引用这些字母。"""

    def __init__(self, kind: type | tuple[type, ...], what: str, *,
                 sizes: dict[str, str | Callable[[Any], int]] | None = None):
        self.kind, self.what, self.sizes = kind, what, sizes or {}
        self.order = 0 if sizes else 2

    def check(self, value, name, dims):
        if not isinstance(value, self.kind):
            fail(name, self.what, value)
        for letter, attribute in self.sizes.items():
            if not callable(attribute) and not isinstance(getattr(value, attribute, None), (int, np.integer)):
                fail(name, f"{self.what}（带整数属性 {attribute}）", value)
            size = int(attribute(value) if callable(attribute) else getattr(value, attribute))
            if not _bind(letter, size, dims, name):
                fail(name, f"{letter}={dims[letter]}（由参数 `{dims.origin[letter]}` 定下）的{self.what}", got=f"{letter}={size}")
        return value


class Rng(Instance):
    """``numpy.random.Generator``（如 ``np.random.default_rng(0)``）。"""

    def __init__(self):
        super().__init__(np.random.Generator, "numpy.random.Generator（如 np.random.default_rng(0)）")


class Optional(Spec):
    """``None``，或满足 ``spec`` 的值。"""

    def __init__(self, spec: Spec):
        self.spec, self.order = spec, spec.order

    def check(self, value, name, dims):
        return None if value is None else self.spec.check(value, name, dims)


class ListOf(Spec):
    """列表或元组，每个元素满足 ``item``；``nonempty`` 时不收空列表；``size`` 是长度的维度字母。
    元素在消息里写作 ``name[i]``。"""

    def __init__(self, item: Spec, *, nonempty: bool = True, size: str | None = None):
        self.item, self.nonempty, self.size, self.order = item, nonempty, size, item.order

    def check(self, value, name, dims):
        if not isinstance(value, (list, tuple)) or (self.nonempty and not value):
            fail(name, "非空的列表" if self.nonempty else "列表", value)
        if self.size is not None and not _bind(self.size, len(value), dims, name):
            fail(name, f"{dims[self.size]} 个元素的列表（{self.size}={dims[self.size]}）", value)
        return type(value)(self.item.check(v, f"{name}[{i}]", dims) for i, v in enumerate(value))


class Satisfies(Spec):
    """``test(value)`` 为真的值；``what`` 是写进消息的中文说明。只在上面的规格都不合用时使用。"""

    def __init__(self, test: Callable[[Any], bool], what: str):
        self.test, self.what = test, what

    def check(self, value, name, dims):
        if not self.test(value):
            fail(name, self.what, value)
        return value


class Axes(Satisfies):
    """matplotlib 的坐标系（``plt.subplots()`` 返回的 ``ax``）。"""

    def __init__(self):
        super().__init__(lambda ax: hasattr(ax, "scatter") and hasattr(ax, "figure"),
                         "matplotlib 的 Axes（如 plt.subplots() 返回的 ax）")


def accepts(**specs: Spec) -> Callable[[Callable], Callable]:
    """声明函数每个参数的要求（每个参数都要声明；``self`` 可以不声明），调用时按声明检查，再调用原函数。"""

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        declared = [p for p in signature.parameters if p not in ("self", "cls") or p in specs]
        if set(declared) != set(specs):
            raise TypeError(f"{function.__qualname__}：声明的参数 {sorted(specs)} 与签名 {declared} 不一致")
        order = sorted(specs, key=lambda p: specs[p].order)

        @functools.wraps(function)
        def checked(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            dims = Dims()
            for parameter in order:
                bound.arguments[parameter] = specs[parameter].check(bound.arguments[parameter], parameter, dims)
            return function(*bound.args, **bound.kwargs)

        checked.__accepts__ = specs
        return checked

    return decorate


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
    """维度字母 → 大小；``origin`` 记下每个字母由哪个参数定下，写进消息里。"""

    def __init__(self):
        super().__init__()
        self.origin: dict[str, str] = {}


def _bind(letter: str, size: int, dims: Dims, name: str) -> bool:
    factor, base, offset = derived(letter)  # "4m"：m = size / 4；"T+1"：T = size - 1
    if size < offset or (size - offset) % factor:
        return False
    dims.origin.setdefault(base, name)
    return dims.setdefault(base, (size - offset) // factor) == (size - offset) // factor


def _check_simplex(value, name: str) -> None:
    """沿最后一维的每个向量都是概率分布：元素在 [0, 1] 内，和为 1（误差不超过 1e-6）。"""
    probs = np.asarray(value.detach().cpu() if is_tensor(value) else value, dtype=np.float64)
    if probs.min() < 0 or probs.max() > 1:
        fail(name, "概率（元素在 [0, 1] 内）", got=f"元素 {probs.min() if probs.min() < 0 else probs.max():.3g}")
    worst = np.abs(probs.sum(axis=-1) - 1).max()
    if worst > 1e-6:
        fail(name, "沿最后一维和为 1 的概率分布", got=f"和与 1 相差 {worst:.3g} 的向量")


def _resolve(bound: int | str, dims: Dims) -> int:
    if isinstance(bound, int):
        return bound
    factor, base, offset = derived(bound)  # 也可以写 "T+1"
    if base not in dims:
        raise TypeError(f"上界 {bound!r} 不是已声明数组的维度字母")
    return factor * dims[base] + offset


def _shape_text(shape: tuple, dims: Dims, name: str) -> str:
    parts = ["任意" if d is None else str(d) for d in shape]  # "..." 原样写出
    text = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    letters = {derived(d)[1] for d in shape if isinstance(d, str) and d != "..."}
    known = [f"{k}={v}" + (f"（由参数 `{dims.origin[k]}` 定下）" if dims.origin.get(k, name) != name else "")
             for k, v in dims.items() if k in letters]
    return text + (f"，其中 {', '.join(known)}" if known else "")


__all__ = ["Axes", "Bool", "Choice", "Counts", "Elementwise", "Instance", "Int", "ListOf", "NDArray", "Optional", "Params", "Real", "Rng", "Satisfies",
           "Shape", "Spec", "Str", "Tensor", "accepts", "declared_inputs", "returns"]
