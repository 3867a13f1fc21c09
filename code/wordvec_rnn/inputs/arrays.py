"""数组的规格：numpy 数组、torch 张量、两者皆可，以及词频、逐元素函数的输入与形状。"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from wordvec_rnn.checks import DTYPE_KINDS, check_array, check_choice, check_float, check_ids, fail, is_tensor

from .core import Spec, bind, resolve, shape_text


class ArraySpec(Spec):
    """数组规格的共同部分。``dtype`` 是种类（``"float"``、``"int"``、``"bool"``），``"float64"`` 要求恰好是 float64；
    ``shape_of="a"`` 要求与参数 ``a``（先声明）形状相同。"""

    def __init__(self, *shape: Any, dtype: str = "float", finite: bool | str | None = None, below: int | str | None = None,
                 nonempty: bool = True, ndim: int | None = None, shape_of: str = "", same_dtype: str | None = None,
                 simplex: bool = False, low: int = 0):
        self.exact = dtype == "float64"
        dtype = "float" if self.exact else dtype
        check_choice(dtype, "dtype", DTYPE_KINDS)
        self.dtype, self.below, self.nonempty, self.shape_of = dtype, below, nonempty, shape_of
        self.same_dtype, self.simplex, self.low = same_dtype, simplex, low
        self.leading = shape[:1] == (...,)  # (..., "q")：前面任意多维，只约束最后几维
        self.shape = shape[1:] if self.leading else shape
        self.ndim = None if self.leading else (len(shape) if shape else ndim)
        # finite="used"：大表（如 U、Huffman 树的节点向量）每次只用到几行，逐元素扫一遍会让 O(log|V|) 的算法变成
        # O(|V|)；这时不扫，改由 accepts 检查结果：结果有 NaN 或无穷大时点名这个参数（用不到的行不影响结果）
        self.deferred = finite == "used"
        self.finite = (dtype == "float" if finite is None else finite) and not self.deferred
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
        check_array(value, name, nonempty=False, finite=self.finite and not self.simplex)  # 概率分布自然有限
        if self.below is not None and math.prod(value.shape):
            self.check_range(value, name, resolve(self.below, dims))
        if self.simplex and math.prod(value.shape):
            check_simplex(value, name)
        return value

    def check_library(self, value, name):
        raise NotImplementedError

    def check_range(self, value, name, bound):
        """整数元素在 [low, bound) 内（low = 0 时是词表编号）。"""
        if not self.low:
            check_ids(value, name, bound)
        elif int(value.min()) < self.low or int(value.max()) >= bound:
            fail(name, f"[{self.low}, {bound}) 内的整数", got=f"元素 {int(value.min())} … {int(value.max())}")

    def check_shape(self, value, name, dims):
        expected = ("...",) * self.leading + self.shape
        if self.leading and value.ndim < len(self.shape):
            fail(name, f"至少 {len(self.shape)} 维的数组，形状 {shape_text(expected, dims, name)}", value)
        for want, got in zip(self.shape, value.shape[value.ndim - len(self.shape):]):
            if (isinstance(want, str) and not bind(want, int(got), dims, name)) or (isinstance(want, int) and want != got):
                fail(name, f"形状 {shape_text(expected, dims, name)}", value)


class NDArray(ArraySpec):
    """numpy 数组；形状写成维度字母、整数或 ``None``。"""

    def check_library(self, value, name):
        if is_tensor(value):
            fail(name, "numpy 数组（这是 numpy 实现；torch 张量请先 .detach().numpy()）", value)
        if not isinstance(value, np.ndarray):
            fail(name, "numpy 数组", value)


class Tensor(ArraySpec):
    """torch 张量；形状写成维度字母、整数或 ``None``。"""

    def check_library(self, value, name):
        if isinstance(value, np.ndarray):
            fail(name, "torch 张量（这是 torch 实现；numpy 数组请先 torch.from_numpy(...)）", value)
        if not is_tensor(value):
            fail(name, "torch 张量", value)


class ArrayLike(ArraySpec):
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


def check_simplex(value, name: str) -> None:
    """沿最后一维的每个向量都是概率分布：元素非负，和为 1（误差不超过 1e-6），于是每个元素也有限、不超过 1 + 1e-6。

    大的 ŷ 每步都要查，只扫两遍（最小值、各行之和）；不合格时再找出是哪一种毛病。"""
    probs = value.detach().cpu().numpy() if is_tensor(value) else value   # 不复制
    low = probs.min()
    worst = np.abs(probs.sum(axis=-1, dtype=np.float64) - 1).max()
    if low >= 0 and worst <= 1e-6:   # 有 NaN 时两个比较都不成立
        return
    check_array(value, name, nonempty=False, finite=True)
    if low < 0:
        fail(name, "概率（元素非负）", got=f"元素 {low:.3g}")
    fail(name, "沿最后一维和为 1 的概率分布", got=f"和与 1 相差 {worst:.3g} 的向量")
