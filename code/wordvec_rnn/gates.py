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

from wordvec_rnn.checks import check_choice, check_int, fail

__all__ = ["GRU_GATES", "LSTM_GATES", "TORCH_GRU_GATES", "TORCH_LSTM_GATES", "GateLayout"]


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

    def position(self, gate: str) -> int:
        """门 ``gate``（本布局的名字或本书的名字）是第几块（从 0 起）。"""
        if gate not in self and gate in self.book_names:
            return self.book_names.index(gate)
        return tuple.index(self, check_choice(gate, "gate", tuple(self)))

    def rows(self, gate: str, m: int) -> slice:
        """门 ``gate`` 在堆叠的 k·m 行中占的行：``slice(j·m, (j+1)·m)``，j 是它的位置。"""
        m = check_int(m, "m", low=1)
        j = self.position(gate)
        return slice(j * m, (j + 1) * m)

    def slices(self, m: int) -> dict[str, slice]:
        """每个门（本布局的名字）→ 它占的行，按堆叠顺序。"""
        return {gate: self.rows(gate, m) for gate in self}

    def block(self, A: torch.Tensor, gate: str, m: int, dim: int = 0) -> torch.Tensor:
        """堆叠张量 ``A`` 中门 ``gate`` 的那一块：沿第 ``dim`` 维取 m 个，返回视图（可原地修改）。"""
        rows = self.rows(gate, m)
        return A.narrow(dim, rows.start, m)

    def split(self, A: torch.Tensor, dim: int = 0) -> dict[str, torch.Tensor]:
        """把 ``A`` 沿第 ``dim`` 维切成各门的块（视图）：门名 → 块，m 由第 ``dim`` 维的长度得出。"""
        size = A.shape[dim]
        if size == 0 or size % len(self):
            fail("A", f"第 {dim} 维的长度是 {len(self)} 的正整数倍（{len(self)} 个门各 m 个）", tuple(A.shape))
        return dict(zip(self, A.split(size // len(self), dim=dim)))

    def reorder(self, A: torch.Tensor, to: GateLayout, dim: int = 0) -> torch.Tensor:
        """按本布局堆叠的 ``A`` 重排成布局 ``to`` 的顺序（新张量）；两个布局的门按本书的名字对应。"""
        if not isinstance(to, GateLayout) or sorted(to.book_names) != sorted(self.book_names):
            fail("to", f"与 {tuple(self)} 有同样的门的 GateLayout", to)
        blocks = dict(zip(self.book_names, self.split(A, dim).values()))
        return torch.cat([blocks[gate] for gate in to.book_names], dim=dim)


GRU_GATES = GateLayout(("r", "u", "g"))                               # 原讲义：重置门、更新门、候选值
TORCH_GRU_GATES = GateLayout(("r", "z", "n"), book_names=("r", "u", "g"))   # torch.nn.GRU：顺序与本书相同
LSTM_GATES = GateLayout(("g", "i", "o", "f"))                         # 原讲义：候选值、输入门、输出门、遗忘门
TORCH_LSTM_GATES = GateLayout(("i", "f", "g", "o"))                   # torch.nn.LSTM
