"""公共函数在开头一次说清它接受什么输入，由 :func:`accepts` 统一检查，函数体里只剩公式。

例如负采样的损失::

    @accepts(center_vec=NDArray("d"), outside_idx=Int(0, below="V"),
             negative_idx=NDArray("k", dtype="int", below="V"), outside_vectors=NDArray("V", "d"))
    def neg_sampling_loss_and_gradient(center_vec, outside_idx, negative_idx, outside_vectors): ...

- 形状里的字母是符号维度，同名字母在所有参数间必须相等（上例中 ``d`` 把 v_c 与 U 的列数连起来）；
  ``"4m"`` 这样的写法表示「4 乘以 m」；``None`` 表示该维不限；开头的 ``...`` 表示前面可以有任意多维
  （``NDArray(..., "q")`` 只约束最后一维）。
- :class:`NDArray` 只收 numpy 数组，:class:`Tensor` 只收 torch 张量，传错了会说清楚怎么转换。
- ``same_dtype="θ"`` 是 dtype 的字母：同一字母的数组 dtype 必须完全相同（如 float32 与 float64 不能混用），
  由第一个检查的数组定下。
- 浮点数组默认不许有 NaN 与 ±inf（``finite=False`` 可放开）；整数数组可用 ``below`` 要求元素在 ``[0, 上界)`` 内，
  上界可以是整数或维度字母（词表大小 ``V``）。
- 不合要求时抛出 :class:`ValueError`，消息由 :func:`wordvec_rnn.checks.fail` 写出：哪个参数、期望什么、实际得到什么。
  类型不对也抛 ``ValueError``（而不是 ``TypeError``），读者只需认一种错误。

先检查数组（确定各维度字母的值），再检查其余参数（它们的范围可以引用维度字母），同一类按声明的顺序。
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from wordvec_rnn.checks import (DTYPE_KINDS, check_array, check_choice, check_float, check_ids, check_int, check_str,
                                fail, is_tensor)

DERIVED_DIM = re.compile(r"^(\d+)([A-Za-z_]\w*)$")


class Spec:
    """一个参数的要求。子类实现 :meth:`check`：通过时返回（可能规范化后的）值，否则调用 ``fail``。"""

    order = 2  # 检查的先后：0 数组（确定维度字母），1 元素范围引用维度字母的数组，2 其余参数

    def check(self, value: Any, name: str, dims: Dims) -> Any:
        raise NotImplementedError


class _Array(Spec):
    """数组规格的共同部分。``dtype`` 是种类（``"float"``、``"int"``、``"bool"``），``"float64"`` 要求恰好是 float64；
    ``shape_of="a"`` 要求与参数 ``a``（先声明）形状相同。"""

    def __init__(self, *shape: Any, dtype: str = "float", finite: bool | None = None, below: int | str | None = None,
                 nonempty: bool = True, ndim: int | None = None, shape_of: str = "", same_dtype: str | None = None):
        self.exact = dtype == "float64"
        dtype = "float" if self.exact else dtype
        check_choice(dtype, "dtype", DTYPE_KINDS)
        self.dtype, self.below, self.nonempty, self.shape_of = dtype, below, nonempty, shape_of
        self.same_dtype = same_dtype
        self.leading = shape[:1] == (...,)  # (..., "q")：前面任意多维，只约束最后几维
        self.shape = shape[1:] if self.leading else shape
        self.ndim = None if self.leading else (len(shape) if shape else ndim)
        self.finite = dtype == "float" if finite is None else finite
        self.order = 0 if below is None else 1

    def check(self, value, name, dims):
        self.check_library(value, name)
        check_array(value, name, ndim=self.ndim, dtype=self.dtype, nonempty=self.nonempty)
        if self.exact and str(value.dtype).removeprefix("torch.") != "float64":
            fail(name, "float64 类型的数组", value)
        self.check_shape(value, name, dims)
        dims.shapes[name] = tuple(value.shape)
        if self.shape_of and dims.shapes.get(self.shape_of) != tuple(value.shape):
            fail(name, f"与参数 `{self.shape_of}` 相同的形状 {dims.shapes.get(self.shape_of)}", value)
        dtype, origin = dims.dtypes.setdefault(self.same_dtype, (value.dtype, name)) if self.same_dtype else (value.dtype, name)
        if value.dtype != dtype:  # same_dtype：与同一字母的第一个数组 dtype 相同
            fail(name, f"dtype 为 {dtype} 的数组（与参数 `{origin}` 相同；混用精度请先 .to({origin}.dtype)）", value)
        check_array(value, name, nonempty=False, finite=self.finite)
        if self.below is not None and math.prod(value.shape):
            check_ids(value, name, _resolve(self.below, dims))
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


class ArrayLike(_Array):
    """numpy 数组、torch 张量都收（与库无关的函数）；整数或实数的列表、元组先转成 numpy 数组。"""

    def check(self, value, name, dims):
        if isinstance(value, (list, tuple)):
            value = np.asarray(value, dtype=np.int64 if self.dtype == "int" and not value else None)
        return super().check(value, name, dims)

    def check_library(self, value, name):
        if not (is_tensor(value) or isinstance(value, np.ndarray)):
            fail(name, "numpy 数组或 torch 张量", value)


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
    """逐元素函数的输入：有限实数，或任意形状的浮点 numpy 数组（不含 NaN 与 ±inf）。``same_shape="S"`` 是形状的
    字母：同一字母的参数形状必须完全相同（实数的形状是 ``()``）。"""

    def __init__(self, *, same_shape: str | None = None):
        self.same_shape = same_shape

    def check(self, value, name, dims):
        is_array = isinstance(value, np.ndarray) or is_tensor(value)
        value = NDArray(ndim=value.ndim, nonempty=False).check(value, name, dims) if is_array else check_float(value, name)
        if self.same_shape is not None:
            shape, origin = dims.same_shapes.setdefault(self.same_shape, (np.shape(value), name))
            if np.shape(value) != shape:
                fail(name, f"与参数 `{origin}` 同形状 {shape} 的{'数组' if shape else '实数'}", value)
        return value


class Shape(Spec):
    """数组形状：正整数，或由正整数组成的非空元组，如 ``(B, k)``。"""

    def check(self, value, name, dims):
        sizes = value if isinstance(value, tuple) else (value,)
        if not sizes or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1
                                for n in sizes):
            fail(name, "正整数或由正整数组成的元组，如 (B, k)", value)
        return tuple(int(n) for n in sizes) if isinstance(value, tuple) else int(value)


class Int(Spec):
    """整数（不收 ``bool``），``low <= value <= high``；``below`` 给出开上界。三者都可以是维度字母，
    如 ``Int("m", "m")`` 要求恰好等于数组定下的 m。"""

    def __init__(self, low: int | str | None = None, high: int | str | None = None, *,
                 below: int | str | None = None):
        self.low, self.high, self.below = low, high, below

    def check(self, value, name, dims):
        high = (None if self.high is None else _resolve(self.high, dims)) if self.below is None \
            else _resolve(self.below, dims) - 1
        return check_int(value, name, low=None if self.low is None else _resolve(self.low, dims), high=high)


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
    """``kind`` 类（或类的元组）的实例；``what`` 是写进消息的中文说明。``sizes`` 把它的属性定为维度字母
    （如 ``{"V": "num_words"}``；属性是方法时取它的返回值，如 ``"__len__"``），这时它先于数组检查，
    数组的形状可以引用这些字母。"""

    def __init__(self, kind: type | tuple[type, ...], what: str, *, sizes: dict[str, str] | None = None):
        self.kind, self.what, self.sizes = kind, what, sizes or {}
        self.order = 0 if sizes else 2

    def check(self, value, name, dims):
        if not isinstance(value, self.kind):
            fail(name, self.what, value)
        for letter, attribute in self.sizes.items():
            size = getattr(value, attribute)
            _bind(letter, int(size() if callable(size) else size), dims, name)
        return value


class Rng(Instance):
    """``numpy.random.Generator``（如 ``np.random.default_rng(0)``）。"""

    def __init__(self):
        super().__init__(np.random.Generator, "numpy.random.Generator（如 np.random.default_rng(0)）")


class Optional(Spec):
    """``None``，或满足 ``spec`` 的值；``only_if=(参数名, 取值)`` 时只有那个参数等于该取值才可以不是 ``None``，
    如 ``Optional(Real(), only_if=("cell", "lstm"))``。"""

    def __init__(self, spec: Spec, *, only_if: tuple[str, Any] | None = None):
        self.spec, self.order, self.only_if = spec, spec.order, only_if

    def check(self, value, name, dims):
        if value is not None and self.only_if and dims.arguments.get(self.only_if[0]) != self.only_if[1]:
            fail(name, f"None（只在 {self.only_if[0]}={self.only_if[1]!r} 时可以给出）", value)
        return None if value is None else self.spec.check(value, name, dims)


class ListOf(Spec):
    """列表或元组（生成器等迭代器先转成列表），每个元素满足 ``item``；``nonempty`` 时不收空列表；``size`` 是长度的维度字母；
    ``what`` 是写进消息的中文说明。元素在消息里写作 ``name[i]``。"""

    def __init__(self, item: Spec, *, nonempty: bool = True, size: str | None = None, what: str = ""):
        self.item, self.nonempty, self.size, self.order = item, nonempty, size, item.order
        self.what = what or ("非空的列表" if nonempty else "列表")

    def check(self, value, name, dims):
        if isinstance(value, Iterator):
            value = list(value)  # 生成器等迭代器：先取出全部元素
        if not isinstance(value, (list, tuple)) or (self.nonempty and not value):
            fail(name, self.what, value)
        if self.size is not None and not _bind(self.size, len(value), dims, name):
            fail(name, f"{dims[self.size]} 个元素的列表（{self.size}={dims[self.size]}）", value)
        if isinstance(self.item, Satisfies) and not self.item.uses and all(map(self.item.test, value)):
            return value  # 常见情形（如语料的每个词元）：元素都合格，不必逐个写出 name[i]
        checked = [self.item.check(v, f"{name}[{i}]", dims) for i, v in enumerate(value)]
        return value if all(a is b for a, b in zip(checked, value)) else type(value)(checked)


class DictOf(Spec):
    """非空字典，每个值满足 ``item``（在消息里写作 ``name["键"]``）；``same_keys_as="a"`` 要求与参数 ``a`` 的键相同，
    同键的数组形状也相同。"""

    def __init__(self, item: Spec, *, same_keys_as: str = "", what: str = "非空的字典"):
        self.item, self.same_keys_as, self.what, self.order = item, same_keys_as, what, item.order

    def check(self, value, name, dims):
        if not isinstance(value, Mapping) or not value:
            fail(name, self.what, value)
        keys = sorted(value, key=str)
        if self.same_keys_as and keys != dims.keys.get(self.same_keys_as):
            fail(name, f"与参数 `{self.same_keys_as}` 同样的键 {dims.keys.get(self.same_keys_as)}", got=f"键 {keys}")
        dims.keys[name] = keys
        checked = {k: self.item.check(v, f'{name}["{k}"]', dims) for k, v in value.items()}
        for k in checked:  # 同键的数组形状也要相同（如梯度与参数）
            mine, theirs = dims.shapes.get(f'{name}["{k}"]'), dims.shapes.get(f'{self.same_keys_as}["{k}"]')
            if self.same_keys_as and theirs is not None and mine != theirs:
                fail(f'{name}["{k}"]', f'与参数 `{self.same_keys_as}["{k}"]` 相同的形状 {theirs}', value[k])
        return checked


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


class TupleOf(Spec):
    """长度固定的元组或列表，第 i 个元素满足 ``items[i]``，如状态 ``(h_0, c_0)``；元素在消息里写作 ``name[i]``。"""

    def __init__(self, *items: Spec):
        self.items, self.order = items, min(item.order for item in items)

    def check(self, value, name, dims):
        if not isinstance(value, (list, tuple)) or len(value) != len(self.items):
            fail(name, f"{len(self.items)} 个元素的元组", value)
        return tuple(item.check(v, f"{name}[{i}]", dims) for i, (item, v) in enumerate(zip(self.items, value)))


class Params(Spec):
    """参数字典：键 → 规格，每一项在消息里写作 ``name["W"]``，如
    ``Params({"W": Tensor("4m", "m"), "V": Tensor("4m", "n"), "b": Tensor("4m")})``。先写定下维度的那一项。

    ``optional`` 里的键可有可无；给出 ``(参数名, 取值)`` 时，这个键当且仅当那个参数等于该取值时必须有，
    如 ``optional={"b_hg": ("variant", "torch")}``。
    """

    def __init__(self, entries: dict[str, Spec], *, optional: dict[str, tuple[str, Any] | None] | None = None):
        self.entries, self.optional = entries, optional or {}
        self.order = min(spec.order for spec in entries.values())

    def keys_for(self, arguments: dict) -> tuple[set[str], set[str]]:
        """(必须有的键, 可以有的键)。"""
        conditional = {k for k, rule in self.optional.items() if rule and arguments.get(rule[0]) == rule[1]}
        required = {k for k in self.entries if k not in self.optional} | conditional
        return required, required | {k for k, rule in self.optional.items() if rule is None}

    def check(self, value, name, dims):
        required, allowed = self.keys_for(dims.arguments)
        if not isinstance(value, dict) or not required <= set(value) <= allowed:
            must = ", ".join(k for k in self.entries if k in required)
            may = ", ".join(k for k in self.entries if k in allowed - required)
            fail(name, f"键为 {must} 的字典" + (f"（可以另有 {may}）" if may else "") if must else f"键取自 {may} 的字典", value)
        for key in sorted((k for k in self.entries if k in value), key=lambda k: self.entries[k].order):
            self.entries[key].check(value[key], f'{name}["{key}"]', dims)
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


def accepts(**specs: Spec) -> Callable[[Callable], Callable]:
    """声明函数每个参数的要求（每个参数都要声明；``self`` 与原样转交的 ``*args``、``**kwargs`` 可以不声明），
    调用时按声明检查，再调用原函数。"""

    def decorate(function: Callable) -> Callable:
        signature = inspect.signature(function)
        passed_on = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)  # *args、**kwargs 原样转交
        declared = [p for p, q in signature.parameters.items()
                    if p in specs or (p not in ("self", "cls") and q.kind not in passed_on)]
        if set(declared) != set(specs):
            raise TypeError(f"{function.__qualname__}：声明的参数 {sorted(specs)} 与签名 {declared} 不一致")
        order = sorted(specs, key=lambda p: specs[p].order)

        @functools.wraps(function)
        def checked(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            dims = Dims(bound.arguments)
            for parameter in order:
                value = specs[parameter].check(bound.arguments[parameter], parameter, dims)
                bound.arguments[parameter] = dims.values[parameter] = value
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


def _bind(letter: str, size: int, dims: Dims, name: str) -> bool:
    match = DERIVED_DIM.match(letter)
    factor, base = (int(match.group(1)), match.group(2)) if match else (1, letter)  # "4m"：m = size / 4
    if size % factor:
        return False
    dims.origin.setdefault(base, name)
    return dims.setdefault(base, size // factor) == size // factor


def _resolve(bound: int | str, dims: Dims) -> int:
    if isinstance(bound, int):
        return bound
    if bound not in dims:
        raise TypeError(f"上界 {bound!r} 不是已声明数组的维度字母")
    return dims[bound]


def _shape_text(shape: tuple, dims: Dims, name: str) -> str:
    parts = ["任意" if d is None else str(d) for d in shape]  # "..." 原样写出
    text = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    letters = {DERIVED_DIM.sub(r"\2", d) for d in shape if isinstance(d, str) and d != "..."}
    known = [f"{k}={v}" + (f"（由参数 `{dims.origin[k]}` 定下）" if dims.origin.get(k, name) != name else "")
             for k, v in dims.items() if k in letters]
    return text + (f"，其中 {', '.join(known)}" if known else "")
