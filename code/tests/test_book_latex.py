"""book/_ext/book_latex*.py（PDF 版）：长输出截短、表格列宽、滑块图挑选的关键帧。"""

import sys

from docutils import nodes

from conftest import REPO

sys.path.insert(0, str(REPO / "book" / "_ext"))
from book_latex import KEEP_HEAD, KEEP_TAIL, LINE_CHARACTERS, _column_widths, _trim  # noqa: E402
from book_latex_widgets import KEY_FRAMES, key_frames  # noqa: E402


def test_long_outputs_keep_their_head_and_tail():
    lines = [f"第 {i} 行" for i in range(100)]
    block = nodes.literal_block("", "\n".join(lines), classes=["output"])
    _trim(block)
    kept = block.astext().splitlines()
    assert kept[:KEEP_HEAD] == lines[:KEEP_HEAD] and kept[-KEEP_TAIL:] == lines[-KEEP_TAIL:]
    assert kept[KEEP_HEAD] == f"……（省略 {100 - KEEP_HEAD - KEEP_TAIL} 行，网页版有完整的输出）……"
    short = nodes.literal_block("", "\n".join(lines[:KEEP_HEAD + KEEP_TAIL + 2]))
    _trim(short)
    assert short.astext().splitlines() == lines[:KEEP_HEAD + KEEP_TAIL + 2]


def table(*rows) -> nodes.tgroup:
    group = nodes.tgroup()
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", nodes.paragraph("", "", *cell))
        group += row
    return group


def test_columns_fit_the_line_but_never_cut_inline_code():
    code = "neg_sampling_batch_loss_and_gradient"
    group = table([[nodes.Text("2.2")], [nodes.literal("", code)], [nodes.Text("说明" * 30)], [nodes.Text("是")]])
    widths = _column_widths(group, 4)
    assert sum(widths) <= LINE_CHARACTERS + 1
    assert widths[1] >= len(code) + 2 and widths[0] == widths[3] == 6
    narrow = table([[nodes.Text("符号")], [nodes.Text("含义")]])
    assert _column_widths(narrow, 2) == [6, 6]


def test_key_frames_are_the_ends_of_each_slider_at_the_default_of_the_others():
    data = {"params": [{"values": ["a", "b", "c"]}, {"values": [1, 2, 3, 4]}], "default": "1,1"}
    assert key_frames(data) == ["0,1", "2,1", "1,0", "1,3"][:KEY_FRAMES]
    assert key_frames({"params": [{"values": [1, 2]}], "default": "0"}) == ["1"]
