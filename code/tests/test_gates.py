"""wordvec_rnn.gates：四种堆叠顺序、按门取行与块、布局之间的重排。"""

import pytest
import torch
from wordvec_rnn.gates import (
    GRU_GATES,
    LSTM_GATES,
    TORCH_GRU_GATES,
    TORCH_LSTM_GATES,
    GateLayout,
)


def test_layouts():
    assert GRU_GATES == ("r", "u", "g") and TORCH_GRU_GATES == ("r", "z", "n")
    assert LSTM_GATES == ("g", "i", "o", "f") and TORCH_LSTM_GATES == ("i", "f", "g", "o")
    assert TORCH_GRU_GATES.book_names == GRU_GATES


def test_rows_slices_and_book_names():
    assert LSTM_GATES.rows("f", 3) == slice(9, 12) and TORCH_LSTM_GATES.rows("f", 3) == slice(3, 6)
    assert LSTM_GATES.slices(2) == {"g": slice(0, 2), "i": slice(2, 4), "o": slice(4, 6), "f": slice(6, 8)}
    assert TORCH_GRU_GATES.rows("n", 4) == TORCH_GRU_GATES.rows("g", 4) == slice(8, 12)   # n 就是本书的 g
    assert TORCH_GRU_GATES.rows("z", 4) == TORCH_GRU_GATES.rows("u", 4) == slice(4, 8)


def test_block_is_a_view_and_split_along_a_dim():
    b = torch.zeros(12)
    LSTM_GATES.block(b, "o", 3).fill_(1.0)
    assert b.tolist() == [0.0] * 6 + [1.0] * 3 + [0.0] * 3
    Z = torch.arange(24.0).reshape(2, 12)
    parts = LSTM_GATES.split(Z, dim=-1)
    assert list(parts) == ["g", "i", "o", "f"] and torch.equal(parts["i"], Z[:, 3:6])
    assert torch.equal(LSTM_GATES.block(Z, "i", 3, dim=-1), Z[:, 3:6])


def test_reorder_between_layouts():
    V = torch.arange(8.0)[:, None]                        # 4 个门各 2 行：本书的 g, i, o, f
    V_torch = LSTM_GATES.reorder(V, to=TORCH_LSTM_GATES)
    assert V_torch.flatten().tolist() == [2, 3, 6, 7, 0, 1, 4, 5]   # torch 的 i, f, g, o
    assert torch.equal(TORCH_LSTM_GATES.reorder(V_torch, to=LSTM_GATES), V)
    W = torch.randn(6, 2)
    assert torch.equal(GRU_GATES.reorder(W, to=TORCH_GRU_GATES), W)   # 顺序相同，只是名字不同
    assert GRU_GATES.reorder(W, to=TORCH_GRU_GATES).data_ptr() != W.data_ptr()   # 新张量


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="`gate`"):
        GRU_GATES.rows("z", 2)                             # 本书的 GRU 布局没有 torch 的名字
    with pytest.raises(ValueError, match="`A`"):
        LSTM_GATES.split(torch.zeros(6))
    with pytest.raises(ValueError, match="`to`"):
        LSTM_GATES.reorder(torch.zeros(8), to=GRU_GATES)
    with pytest.raises(ValueError, match="`names`"):
        GateLayout(("a", "a"))
    with pytest.raises(ValueError, match="`m`"):
        LSTM_GATES.rows("f", 0)
