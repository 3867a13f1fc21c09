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
GENERIC = (inputs.ArraySpec, inputs.Counts, inputs.Int, inputs.Real, inputs.Choice, inputs.Bool, inputs.Str, inputs.Rng,
           inputs.Shape, inputs.Elementwise, inputs.Scalar)
CONTAINERS = (inputs.ListOf, inputs.DictOf, inputs.TupleOf, inputs.Params)


def items_of(spec) -> list:
    """容器规格里各元素的规格。"""
    if isinstance(spec, inputs.Params):
        return list(spec.entries.values())
    if isinstance(spec, inputs.TupleOf):
        return list(spec.items)
    return [spec.item]


def supported(spec) -> bool:
    """``spec`` 有通用策略（``Instance``、``Satisfies`` 这类由调用者构造的参数没有）。"""
    if isinstance(spec, inputs.Optional):
        return True  # 没有通用策略时取 None
    if isinstance(spec, CONTAINERS):
        return all(map(supported, items_of(spec)))
    return isinstance(spec, GENERIC)


def size_of(letter, dims, draw) -> int:
    if isinstance(letter, int):  # 上界直接写成整数，如 below=100
        return letter
    factor, base, offset = inputs.derived(letter)
    if base not in dims:
        dims[base] = draw(st.integers(1, 5))
    return factor * dims[base] + offset


def draw_shape(spec, dims, draw) -> tuple[int, ...]:
    if spec.shape_of:
        return dims.shapes[spec.shape_of]
    if spec.ndim is None and not spec.leading and not spec.shape:
        return tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2))) if spec.leading else ()
    sizes = [draw(st.integers(1, 4)) if d is None else d if isinstance(d, int) else size_of(d, dims, draw)
             for d in spec.shape]
    return lead + tuple(sizes)


def draw_array(spec, dims, draw, name):
    shape = draw_shape(spec, dims, draw)
    dims.shapes[name] = shape
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


def bound_of(value, dims, draw):
    """``Int`` 的上下界：整数原样，维度字母取它的大小。"""
    return size_of(value, dims, draw) if isinstance(value, str) else value


def draw_number(spec, dims, draw):
    if isinstance(spec, inputs.Int) and spec.dim is not None:
        return size_of(spec.dim, dims, draw)
    if isinstance(spec, inputs.Int):
        high = bound_of(spec.high, dims, draw) if spec.below is None else size_of(spec.below, dims, draw) - 1
        low = 0 if spec.low is None else bound_of(spec.low, dims, draw)
        return draw(st.integers(low, max(low, min(low + 5, high if high is not None else low + 5))))
    if isinstance(spec, inputs.Real):
        low = 1e-3 if spec.positive else (spec.low if spec.low is not None else -3.0)
        return draw(st.floats(low, spec.high if spec.high is not None else max(low, 3.0)))
    if isinstance(spec, inputs.Scalar):
        return draw(st.floats(0.5, 3.0) | st.integers(1, 100)) * draw(st.sampled_from([1, -1]))
    if isinstance(spec, inputs.Counts):
        counts = draw(hnp.arrays(np.int64, max(size_of(spec.letter, dims, draw), spec.min_words),
                                 elements=st.integers(0, 50)))
        counts[0] += 1  # 至少一个词出现过
        return counts
    return draw_elementwise(spec, dims, draw)


def draw_elementwise(spec, dims, draw):
    if spec.same_shape is not None and spec.same_shape in dims.same_shapes:
        shape = dims.same_shapes[spec.same_shape][0]
    else:
        shape = draw(hnp.array_shapes(max_dims=2))
        if spec.same_shape is not None:
            dims.same_shapes[spec.same_shape] = (shape, "")
    return draw(hnp.arrays(np.float64, shape, elements=st.floats(-50, 50)))


def draw_container(spec, dims, draw, name):
    if isinstance(spec, inputs.Optional):
        allowed = not spec.only_if or dims.arguments.get(spec.only_if[0]) == spec.only_if[1]
        return draw_value(spec.spec, dims, draw, name) if allowed and supported(spec.spec) and draw(st.booleans()) \
            else None
    if isinstance(spec, inputs.ListOf):
        n = size_of(spec.size, dims, draw) if spec.size else draw(st.integers(1, 3))
        return [draw_value(spec.item, dims, draw, f"{name}[{i}]") for i in range(n)]
    if isinstance(spec, inputs.DictOf):
        keys = dims.keys.get(spec.same_keys_as) or ["a", "b"]
        return {k: draw_value(spec.item, dims, draw, f'{name}["{k}"]') for k in keys}
    if isinstance(spec, inputs.TupleOf):
        return tuple(draw_value(item, dims, draw, f"{name}[{i}]") for i, item in enumerate(spec.items))
    required, allowed = spec.keys_for(dims.arguments)  # Params
    keys = [k for k in spec.entries if k in required or (k in allowed and draw(st.booleans()))]
    values = {k: draw_value(spec.entries[k], dims, draw, f'{name}["{k}"]')
              for k in sorted(keys, key=lambda k: spec.entries[k].order)}
    return {k: values[k] for k in keys}


def draw_value(spec, dims, draw, name):
    """``spec`` 的一个合乎要求的值；``name`` 是参数名（记下数组的形状，供 ``shape_of`` 引用）。"""
    if isinstance(spec, inputs.ArraySpec):
        return draw_array(spec, dims, draw, name)
    if isinstance(spec, (inputs.Int, inputs.Real, inputs.Scalar, inputs.Counts, inputs.Elementwise)):
        return draw_number(spec, dims, draw)
    if isinstance(spec, (inputs.Optional, *CONTAINERS)):
        return draw_container(spec, dims, draw, name)
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
    raise TypeError(f"{type(spec).__name__} 没有通用策略")


def well_formed(specs: dict, fixed: dict | None = None):
    """一次合乎声明的调用的关键字参数；``fixed`` 里的参数（由测试构造）原样使用，它们的维度字母先定下。"""

    @st.composite
    def build(draw):
        kwargs = dict(fixed or {})
        dims = inputs.Dims(kwargs)
        for name, spec in specs.items():
            if name in kwargs and spec.order == 0:
                dims.values[name] = spec.check(kwargs[name], name, dims)
        first = {rule[0] for spec in specs.values() if isinstance(spec, inputs.Params)
                 for rule in spec.optional.values() if rule is not None}  # 条件键、only_if 所看的参数先取
        first |= {spec.only_if[0] for spec in specs.values() if isinstance(spec, inputs.Optional) and spec.only_if}
        for name in sorted(specs, key=lambda n: (n not in first, specs[n].order)):
            if name not in kwargs:
                kwargs[name] = draw_value(specs[name], dims, draw, name)
        return kwargs

    return build()


def dtype_letters(spec) -> set[str]:
    if isinstance(spec, inputs.ArraySpec):
        return {spec.same_dtype} - {None}
    items = [spec.spec] if isinstance(spec, inputs.Optional) else items_of(spec) if isinstance(spec, CONTAINERS) else []
    return set().union(*(dtype_letters(item) for item in items))


def dtype_leaders(specs: dict) -> set[str]:
    """按检查的先后，最先定下某个 dtype 字母的参数：改它的精度时，报错的是同组后面的参数。"""
    leaders, seen = set(), set()
    for name in sorted(specs, key=lambda n: specs[n].order):
        letters = dtype_letters(specs[name])
        if letters - seen:
            leaders.add(name)
        seen |= letters
    return leaders


def other_kind(spec, value):
    """同样的数，换成另一种 dtype（浮点 → 整数，其余 → 浮点）。"""
    to_float = spec.dtype != "float"
    if isinstance(value, np.ndarray):
        return value.astype(np.float64 if to_float else np.int64)
    return value.double() if to_float else value.long()


def array_corruptions(spec, value, leads_dtype):
    if not isinstance(spec, inputs.ArrayLike):
        other = value.numpy() if torch.is_tensor(value) else torch.from_numpy(np.asarray(value))
        yield "换成另一个库的数组", other
    if not spec.leading and spec.ndim is not None:
        yield "多一维", value[None]
    if spec.dtype == "float" and (spec.finite or spec.deferred) and math.prod(value.shape):
        bad = value.copy() if isinstance(value, np.ndarray) else value.clone()
        index = slice(None) if spec.deferred else 0  # 只查用到的行的大表：整张表都是 NaN，哪一行都算用到
        bad.reshape(-1)[index] = float("nan")
        yield "含 NaN", bad
    if not getattr(spec, "converts_integers", False):  # 把整数转成浮点数的规格本来就收整数
        yield "换了 dtype 种类", other_kind(spec, value)
    if spec.same_dtype is not None and not leads_dtype and spec.dtype == "float" and torch.is_tensor(value):
        yield "换了精度（与同组的数组 dtype 不同）", value.float()
    if spec.simplex and math.prod(value.shape):
        yield "不是概率分布", value * 2 + 0.5


def container_corruptions(spec, value):
    if isinstance(spec, inputs.Params):
        yield "不是字典", list(value.values())
        for key, item in spec.entries.items():
            if key in value:
                for how, bad in corruptions(item, value[key]):
                    yield f"[{key!r}] {how}", {**value, key: bad}
        required = [k for k in value if k not in spec.optional]
        if required:
            yield "少一个键", {k: v for k, v in value.items() if k != required[0]}
        yield "多一个键", {**value, "?": 0}
    elif isinstance(spec, inputs.TupleOf):
        for i, item in enumerate(spec.items):
            for how, bad in corruptions(item, value[i]):
                yield f"[{i}] {how}", tuple(bad if j == i else v for j, v in enumerate(value))
        yield "少一个元素", tuple(value[1:])


def corruptions(spec, value, *, leads_dtype: bool = False):
    """把合乎 ``spec`` 的 ``value`` 改坏的各种方式：(说明, 坏值)。``leads_dtype``：这个参数定下 dtype 字母
    （见 :func:`dtype_leaders`），不改它的精度。"""
    if isinstance(spec, inputs.ArraySpec):
        yield from array_corruptions(spec, value, leads_dtype)
    elif isinstance(spec, (inputs.Params, inputs.TupleOf)):
        yield from container_corruptions(spec, value)
    elif isinstance(spec, inputs.Int):
        yield "小数", 1.5
        yield "布尔", True
    elif isinstance(spec, inputs.Real):
        yield "NaN", float("nan")
        yield "无穷大", float("inf")
    elif isinstance(spec, inputs.Rng):
        yield "旧式的 RandomState", np.random.RandomState(0)
