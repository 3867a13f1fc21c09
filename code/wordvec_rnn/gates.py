"""堆叠的门参数的行布局：全书只在这里写明各门在 V、W、b（以及 torch 的 ``weight_ih_l0`` 等）中的顺序。

GRU 与 LSTM 把各门的参数上下堆叠成一个张量：k 个门、每门 m 行，第 j 块（第 j·m 到 (j+1)·m − 1 行）属于
第 j 个门。本书沿用原讲义的顺序，PyTorch 用另一种顺序（GRU 还给门起了别的名字）：

============================  ==================  =========================================
布局                          顺序                用在哪里
============================  ==================  =========================================
``GRU_GATES``                 (r, u, g)           本书的 GRU，式 (eq-gru-stack)
``TORCH_GRU_GATES``           (r, z, n)           ``torch.nn.GRU``；z 即更新门 u，n 即候选值 g
``LSTM_GATES``                (g, i, o, f)        本书的 LSTM，式 (eq-lstm-stack)
``TORCH_LSTM_GATES``          (i, f, g, o)        ``torch.nn.LSTM``
============================  ==================  =========================================

一个布局就是门名的元组（可以像元组一样比较、迭代），另有按门取块的方法::

    LSTM_GATES.rows("f", m)                          # slice(3m, 4m)
    LSTM_GATES.block(b, "f", m)                      # b 中遗忘门那一块（视图，可原地修改）
    LSTM_GATES.split(W)                              # {"g": W_g, "i": W_i, "o": W_o, "f": W_f}（视图）
    LSTM_GATES.reorder(V, to=TORCH_LSTM_GATES)       # 重排成 nn.LSTM 的顺序（新张量）
"""

from __future__ import annotations

import torch

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import Int, Spec, Tensor, accepts

__all__ = ["GRU_GATES", "LSTM_GATES", "TORCH_GRU_GATES", "TORCH_LSTM_GATES", "GateLayout"]


class _GateName(Spec):
    """这个布局（方法的 ``self``）的一个门名，或它在本书中的名字。"""

    def check(self, value, name, dims):
        layout = dims.arguments["self"]
        if value not in layout and value not in layout.book_names:
            fail(name, f"{layout.describe()} 中的门名", value)
        return value


class _Stacked(Spec):
    """按这个布局堆叠的 torch 张量：第 ``dim`` 维（参数 ``dim``）的长度是门数的正整数倍。"""

    def check(self, value, name, dims):
        Tensor(..., None, finite=False).check(value, name, dims)
        layout, dim = dims.arguments["self"], dims.arguments["dim"]
        if not -value.ndim <= dim < value.ndim or value.shape[dim] == 0 or value.shape[dim] % len(layout):
            fail(name, f"第 {dim} 维的长度是 {len(layout)} 的正整数倍（{len(layout)} 个门各 m 个）", value)
        return value


class _SameGates(Spec):
    """与这个布局有同样的门（按本书的名字）的 ``GateLayout``。"""

    def check(self, value, name, dims):
        layout = dims.arguments["self"]
        if not isinstance(value, GateLayout) or sorted(value.book_names) != sorted(layout.book_names):
            fail(name, f"与 {tuple(layout)} 有同样的门的 GateLayout", value)
        return value


class GateLayout(tuple):
    """一种堆叠顺序：门名的元组，如 ``GateLayout(("g", "i", "o", "f"))``。

    ``book_names`` 是每个门在本书中的名字（默认与门名相同）；``torch.nn.GRU`` 的布局用它说明 z 是 u、n 是 g。
    取块的方法既接受这个布局自己的门名，也接受本书的名字；``reorder`` 按本书的名字对应两个布局的门。
    """

    book_names: tuple[str, ...]

    def __new__(cls, names, book_names=None):
        layout = super().__new__(cls, names)
        layout.book_names = tuple(names if book_names is None else book_names)
        if len(set(layout)) != len(layout) or len(set(layout.book_names)) != len(layout):
            fail("names", "互不相同的门名（book_names 与 names 一一对应）", (tuple(names), book_names))
        return layout

    def describe(self) -> str:
        """写进错误消息的门名，如 ``('r', 'z', 'n')（本书写作 ('r', 'u', 'g')）``。"""
        same = self.book_names == tuple(self)
        return str(tuple(self)) + ("" if same else f"（本书写作 {self.book_names}）")

    def _index(self, gate: str) -> int:
        return tuple.index(self, gate) if gate in self else self.book_names.index(gate)

    @accepts(gate=_GateName())
    def position(self, gate: str) -> int:
        """门 ``gate``（本布局的名字或本书的名字）是第几块（从 0 起）。"""
        return self._index(gate)

    @accepts(gate=_GateName(), m=Int(1))
    def rows(self, gate: str, m: int) -> slice:
        """门 ``gate`` 在堆叠的 k·m 行中占的行：``slice(j·m, (j+1)·m)``，j 是它的位置。"""
        j = self._index(gate)
        return slice(j * m, (j + 1) * m)

    @accepts(m=Int(1))
    def slices(self, m: int) -> dict[str, slice]:
        """每个门（本布局的名字）→ 它占的行，按堆叠顺序。"""
        return {gate: slice(j * m, (j + 1) * m) for j, gate in enumerate(self)}

    @accepts(A=Tensor(..., None, finite=False), gate=_GateName(), m=Int(1), dim=Int())
    def block(self, A: torch.Tensor, gate: str, m: int, dim: int = 0) -> torch.Tensor:
        """堆叠张量 ``A`` 中门 ``gate`` 的那一块：沿第 ``dim`` 维取 m 个，返回视图（可原地修改）。"""
        return A.narrow(dim, self._index(gate) * m, m)

    @accepts(dim=Int(), A=_Stacked())
    def split(self, A: torch.Tensor, dim: int = 0) -> dict[str, torch.Tensor]:
        """把 ``A`` 沿第 ``dim`` 维切成各门的块（视图）：门名 → 块，m 由第 ``dim`` 维的长度得出。"""
        return dict(zip(self, A.split(A.shape[dim] // len(self), dim=dim)))

    @accepts(dim=Int(), A=_Stacked(), to=_SameGates())
    def reorder(self, A: torch.Tensor, to: GateLayout, dim: int = 0) -> torch.Tensor:
        """按本布局堆叠的 ``A`` 重排成布局 ``to`` 的顺序（新张量）；两个布局的门按本书的名字对应。"""
        blocks = dict(zip(self.book_names, A.split(A.shape[dim] // len(self), dim=dim)))
        return torch.cat([blocks[gate] for gate in to.book_names], dim=dim)


GRU_GATES = GateLayout(("r", "u", "g"))                               # 原讲义：重置门、更新门、候选值
TORCH_GRU_GATES = GateLayout(("r", "z", "n"), book_names=("r", "u", "g"))   # torch.nn.GRU：顺序与本书相同
LSTM_GATES = GateLayout(("g", "i", "o", "f"))                         # 原讲义：候选值、输入门、输出门、遗忘门
TORCH_LSTM_GATES = GateLayout(("i", "f", "g", "o"))                   # torch.nn.LSTM
