"""由输入声明（wordvec_rnn.inputs）生成 hypothesis 策略：合乎声明的参数，以及每一类不合要求的改法。

维度字母在一次调用里只取一次值（1 到 5），所以生成的各参数形状彼此一致。声明里只能由调用者构造的参数
（``Instance``、``Satisfies`` 等）没有通用策略（见 :func:`supported`），由测试按函数给出。
"""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from wordvec_rnn import inputs

FLOATS = st.floats(-3.0, 3.0, allow_nan=False, width=64)


GENERIC = (inputs._Array, inputs.Params, inputs.Counts, inputs.Int, inputs.Real, inputs.Choice, inputs.Bool, inputs.Str, inputs.Rng,
           inputs.Shape, inputs.Elementwise)


def supported(spec) -> bool:
    """``spec`` 有通用策略（``Instance``、``Satisfies`` 这类由调用者构造的参数没有）。"""
    if isinstance(spec, inputs.Optional):
        return True  # 没有通用策略时取 None
    if isinstance(spec, inputs.ListOf):
        return supported(spec.item)
    if isinstance(spec, inputs.Params):
        return all(supported(entry) for entry in spec.entries.values())
    return isinstance(spec, GENERIC)


def size_of(letter, dims, draw) -> int:
    if isinstance(letter, int):  # 上界直接写成整数，如 below=100
        return letter
    factor, base, offset = inputs.derived(letter)
    if base not in dims:
        dims[base] = draw(st.integers(1, 5))
    return factor * dims[base] + offset


def draw_shape(spec, dims, draw) -> tuple[int, ...]:
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2))) if spec.leading else ()
    sizes = [draw(st.integers(1, 4)) if d is None else d if isinstance(d, int) else size_of(d, dims, draw)
             for d in spec.shape]
    return lead + tuple(sizes)


def draw_array(spec, dims, draw):
    shape = draw_shape(spec, dims, draw)
    if spec.dtype == "float":
        array = draw(hnp.arrays(np.float64, shape, elements=FLOATS))
        if spec.simplex:  # 概率分布：对随机的 logits 取 softmax
            array = np.exp(array - array.max(axis=-1, keepdims=True))
            array /= array.sum(axis=-1, keepdims=True)
    elif spec.dtype == "bool":
        array = draw(hnp.arrays(np.bool_, shape))
    else:
        high = 4 if spec.below is None else size_of(spec.below, dims, draw) - 1
        array = draw(hnp.arrays(np.int64, shape, elements=st.integers(min(spec.low, high), high)))
    return torch.from_numpy(array) if isinstance(spec, inputs.Tensor) else array


def draw_value(spec, dims, draw):
    if isinstance(spec, inputs._Array):
        return draw_array(spec, dims, draw)
    if isinstance(spec, inputs.Counts):
        counts = draw(hnp.arrays(np.int64, max(size_of(spec.letter, dims, draw), spec.min_words),
                                 elements=st.integers(0, 50)))
        counts[0] += 1  # 至少一个词出现过
        return counts
    if isinstance(spec, inputs.Int):
        if spec.dim is not None:
            return size_of(spec.dim, dims, draw)
        high = spec.high if spec.below is None else size_of(spec.below, dims, draw) - 1
        low = 0 if spec.low is None else spec.low
        return draw(st.integers(low, max(low, min(low + 5, high if high is not None else low + 5))))
    if isinstance(spec, inputs.Real):
        low = 1e-3 if spec.positive else (spec.low if spec.low is not None else -3.0)
        return draw(st.floats(low, spec.high if spec.high is not None else max(low, 3.0)))
    if isinstance(spec, inputs.Choice):
        return draw(st.sampled_from(spec.options))
    if isinstance(spec, inputs.Bool):
        return draw(st.booleans())
    if isinstance(spec, inputs.Str):
        return draw(st.sampled_from(["词", "北京", "a"]))
    if isinstance(spec, inputs.Rng):
        return np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if isinstance(spec, inputs.Shape):
        return tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    if isinstance(spec, inputs.Elementwise):
        return draw(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2), elements=st.floats(-50, 50)))
    if isinstance(spec, inputs.Optional):
        return draw_value(spec.spec, dims, draw) if supported(spec.spec) and draw(st.booleans()) else None
    if isinstance(spec, inputs.ListOf):
        n = size_of(spec.size, dims, draw) if spec.size else draw(st.integers(1, 3))
        return [draw_value(spec.item, dims, draw) for _ in range(n)]
    if isinstance(spec, inputs.Params):
        entries = sorted(spec.entries, key=lambda key: spec.entries[key].order)
        drawn = {key: draw_value(spec.entries[key], dims, draw) for key in entries}
        return {key: drawn[key] for key in spec.entries}
    raise TypeError(f"{type(spec).__name__} 没有通用策略")


def well_formed(specs: dict, fixed: dict | None = None):
    """一次合乎声明的调用的关键字参数；``fixed`` 里的参数（由测试构造）原样使用，它们的维度字母先定下。"""

    @st.composite
    def build(draw):
        dims = inputs.Dims()
        kwargs = dict(fixed or {})
        for name, spec in specs.items():
            if name in kwargs and spec.order == 0:
                spec.check(kwargs[name], name, dims)
        for name in sorted(specs, key=lambda n: specs[n].order):
            if name not in kwargs:
                kwargs[name] = draw_value(specs[name], dims, draw)
        return kwargs

    return build()


def corruptions(spec, value):
    """把合乎 ``spec`` 的 ``value`` 改坏的各种方式：(说明, 坏值)。"""
    if isinstance(spec, inputs._Array):
        other = value.numpy() if torch.is_tensor(value) else torch.from_numpy(np.asarray(value))
        yield "换成另一个库的数组", other
        if not spec.leading and spec.ndim is not None:
            yield "多一维", value[None]
        if spec.dtype == "float" and spec.finite and math.prod(value.shape):
            bad = value.copy() if isinstance(value, np.ndarray) else value.clone()
            bad.reshape(-1)[0] = float("nan")
            yield "含 NaN", bad
        yield "换了 dtype 种类", (value.astype(np.float64) if spec.dtype != "float" else value.astype(np.int64)) \
            if isinstance(value, np.ndarray) else (value.double() if spec.dtype != "float" else value.long())
        if spec.simplex and math.prod(value.shape):
            yield "不是概率分布", value * 2 + 0.5
    elif isinstance(spec, inputs.Params):
        yield "不是字典", list(value.values())
        yield "少一项", {k: v for k, v in list(value.items())[1:]}
        for key, entry in spec.entries.items():
            for how, bad in corruptions(entry, value[key]):
                yield f"[{key!r}] {how}", {**value, key: bad}
    elif isinstance(spec, inputs.Int):
        yield "小数", 1.5
        yield "布尔", True
    elif isinstance(spec, inputs.Real):
        yield "NaN", float("nan")
        yield "无穷大", float("inf")
    elif isinstance(spec, inputs.Rng):
        yield "旧式的 RandomState", np.random.RandomState(0)
