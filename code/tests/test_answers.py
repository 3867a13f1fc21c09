"""wordvec_rnn.answers：练习的答案框怎样读数、怎样核对，以及两种环境下的界面。"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wordvec_rnn.answers import StaticAnswer, answer_box, check_answer, parse_answer

# 读者可能写出的形式（与 test_html_answers 里页面读数的核对共用）
FORMS = ["1301512", "1,301,512", "1 301 512", "1301512.0", "1.301512e6", "1.301512×10^6", "1.301512x10^6",
         "1/2", "50%", "−3.5", "+2", ".5", "2*10^-3", "1E3", "，", "", "abc", "1/0", "1.2.3", "10^6", "e5", "5%%"]
EXPECTED = [1301512.0] * 7 + [0.5, 0.5, -3.5, 2.0, 0.5, 0.002, 1000.0] + [None] * 8


@pytest.mark.parametrize("text, value", zip(FORMS, EXPECTED))
def test_parse_answer_reads_the_usual_ways_of_writing_a_number(text, value):
    assert parse_answer(text) == value


@given(st.floats(-1e12, 1e12, allow_nan=False))
def test_parse_answer_reads_what_python_prints(x):
    assert parse_answer(repr(x)) == x
    assert parse_answer(f"{x:,}") == pytest.approx(x, rel=1e-15, abs=0)


def test_check_answer_uses_the_tolerance():
    assert check_answer("1301512", 1301512, rtol=0) is True
    assert check_answer("1301513", 1301512, rtol=0) is False
    assert check_answer("3.1416", 3.14159265, rtol=1e-4) is True and check_answer("3.15", 3.14159265, rtol=1e-4) is False
    assert check_answer("0.001", 0.0, atol=0.01) is True
    assert check_answer("很多", 1.0) is None
    with pytest.raises(ValueError, match="`expected`"):
        check_answer("1", float("nan"))


def test_static_answer_form_carries_expected_value_tolerance_and_hint(monkeypatch):
    monkeypatch.setenv("WORDVEC_RNN_STATIC_SLIDERS", "1")
    box = answer_box("参数个数", 1301512, rtol=0, hint="别忘了 <偏置>")
    assert isinstance(box, StaticAnswer)
    page = box._repr_html_()
    assert re.search(r'data-expected="1301512.0" data-rtol="0.0" data-atol="0.0" data-hint="别忘了 &lt;偏置&gt;"', page)
    assert page.count("disabled") == 2 and "参数个数" in page
    assert 'data-expected="0.1"' in answer_box("概率", 0.1)._repr_html_()


def live_results(widget, texts: list[str]) -> list[str]:
    """在有内核时的答案框里依次写下 ``texts``，每次显示的话（框的值一变就核对，与按回车相同）。"""
    box, _button, result = widget.children
    shown = []
    for text in texts:
        box.value = text
        shown.append(result.value)
    return shown


def test_live_answer_box_checks_in_python(monkeypatch):
    monkeypatch.delenv("WORDVEC_RNN_STATIC_SLIDERS", raising=False)
    right, wrong, unreadable = live_results(answer_box("参数个数", 1301512, rtol=0, hint="数一数偏置。"),
                                            ["1,301,512", "1301000", "许多"])
    assert (right, wrong) == ("✓ 对了。", "✗ 不对。数一数偏置。") and unreadable.startswith("读不出一个数")
