"""单个值的规格：整数、实数、标量、取值之一、字符串、布尔、某个类的实例、随机数发生器与自定义条件。"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from wordvec_rnn.checks import check_choice, check_float, check_int, check_str, fail

from .core import Spec, bind, resolve


class Int(Spec):
    """整数（不收 ``bool``），``low <= value <= high``；``below`` 给出开上界。三者都可以是维度字母，
    如 ``Int("m", "m")`` 要求恰好等于数组定下的 m。``dim`` 把这个整数定为维度字母（如 ``one_hot`` 的 ``size``），
    这时它先于数组检查，数组的形状与 ``below`` 可以引用它。"""

    def __init__(self, low: int | str | None = None, high: int | str | None = None, *,
                 below: int | str | None = None, dim: str | None = None):
        self.low, self.high, self.below, self.dim = low, high, below, dim
        self.order = 0 if dim else 2

    def check(self, value, name, dims):
        high = (None if self.high is None else resolve(self.high, dims)) if self.below is None \
            else resolve(self.below, dims) - 1
        value = check_int(value, name, low=None if self.low is None else resolve(self.low, dims), high=high)
        if self.dim is not None and not bind(self.dim, value, dims, name):
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
    """非空字符串；``blank=True`` 时也收只有空白的字符串（如字符级模型里的空格）。"""

    def __init__(self, *, blank: bool = False):
        self.blank = blank

    def check(self, value, name, dims):
        if self.blank and isinstance(value, str) and value:
            return value
        return check_str(value, name)


class Bool(Spec):
    """``True`` 或 ``False``。"""

    def check(self, value, name, dims):
        if not isinstance(value, (bool, np.bool_)):
            fail(name, "布尔值（True 或 False）", value)
        return bool(value)


class Instance(Spec):
    """``kind`` 类（或类的元组）的实例；``what`` 是写进消息的中文说明。``sizes`` 把它的属性（或函数，如 ``len``）
    定为维度字母（如 ``{"V": "num_words"}``；属性是方法时取它的返回值），这时它先于数组检查，数组的形状可以引用
    这些字母。"""

    def __init__(self, kind: type | tuple[type, ...], what: str, *,
                 sizes: dict[str, str | Callable[[Any], int]] | None = None):
        self.kind, self.what, self.sizes = kind, what, sizes or {}
        self.order = 0 if sizes else 2

    def check(self, value, name, dims):
        if not isinstance(value, self.kind):
            fail(name, self.what, value)
        for letter, attribute in self.sizes.items():
            size = attribute(value) if callable(attribute) else getattr(value, attribute, None)
            size = size() if callable(size) else size
            if not isinstance(size, (int, np.integer)):
                fail(name, f"{self.what}（带整数属性 {attribute}）", value)
            if not bind(letter, int(size), dims, name):
                fail(name, f"{letter}={dims[letter]}（由参数 `{dims.origin[letter]}` 定下）的{self.what}",
                     got=f"{letter}={size}")
        return value


class Rng(Instance):
    """``numpy.random.Generator``（如 ``np.random.default_rng(0)``）。"""

    def __init__(self):
        super().__init__(np.random.Generator, "numpy.random.Generator（如 np.random.default_rng(0)）")


class Scalar(Spec):
    """有限实数标量：Python 数，或 numpy、torch 的标量（0 维数组）；返回对应的 Python int 或 float。
    ``nonzero=True`` 时不收 0（如取数量级）。"""

    def __init__(self, *, nonzero: bool = False):
        self.nonzero = nonzero

    def check(self, value, name, dims):
        if hasattr(value, "item") and tuple(getattr(value, "shape", (None,))) == ():
            value = value.item()
        is_int = isinstance(value, numbers.Integral) and not isinstance(value, bool)
        value = int(value) if is_int else check_float(value, name)
        if self.nonzero and value == 0:
            fail(name, "非零的有限实数（0 没有数量级）", value)
        return value


class Satisfies(Spec):
    """``test(value)`` 为真的值；``what`` 是写进消息的中文说明。只在上面的规格都不合用时使用。
    ``uses=("a",)`` 时调用 ``test(value, a)``，``a`` 是先声明、已检查过的参数（如取值必须在另一个参数的列表里）。"""

    def __init__(self, test: Callable[..., bool], what: str, *, uses: tuple[str, ...] = ()):
        self.test, self.what, self.uses = test, what, uses

    def check(self, value, name, dims):
        if not self.test(value, *(dims.values[u] for u in self.uses)):
            fail(name, self.what, value)
        return value


class Axes(Satisfies):
    """matplotlib 的坐标系（``plt.subplots()`` 返回的 ``ax``）。"""

    def __init__(self):
        super().__init__(lambda ax: hasattr(ax, "scatter") and hasattr(ax, "figure"),
                         "matplotlib 的 Axes（如 plt.subplots() 返回的 ax）")
