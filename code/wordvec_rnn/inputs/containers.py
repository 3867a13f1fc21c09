"""容器的规格：可以为 None 的值、列表、字典、定长元组与参数字典；元素在消息里写作 ``name[i]``、``name["键"]``。"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from wordvec_rnn.checks import fail

from .core import Spec, bind
from .values import Satisfies


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
        if self.size is not None and not bind(self.size, len(value), dims, name):
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
