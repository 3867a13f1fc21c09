"""wordvec_rnn.formula_answers：答案是式子的练习怎样读式子、怎样核对，以及两种环境下的界面。"""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_answers import live_results
from wordvec_rnn.formula_answers import StaticFormula, check_formula, formula_box, formula_feedback, parse_formula

# 第 02 章第 2 节练习 2、3 的答案在 T = 2, 3, 4, 5, 8 上的值（与章里数出的相同）
POINTS = (2, 3, 4, 5, 8)
JACOBIANS = {T: T - 1 for T in POINTS}
PRODUCTS = {T: (T - 1) * T * (T + 1) // 6 for T in POINTS}
# 读者可能写出的对的式子（test_html_formulas 在网页上也用它们）
RIGHT = {
    "jacobians": ["T-1", "T−1", "T - 1", "-1+T", "(T-1)", "（T－1）", "2T-T-1", "T^1-T^0"],
    "products": ["(T-1)T(T+1)/6", "(T−1)·T·(T+1)/6", "(T-1)*T*(T+1)/6", "T(T-1)(T+1)/6", "T(T^2-1)/6",
                 "(T^3-T)/6", "(T**3 - T)/6", "T³/6-T/6", "1/6T^3-1/6T", "（T－1）T（T＋1）／６", "(T-1) T (T+1) / 6",
                 "(T^2-1)T÷6", "T×(T−1)×(T+1)÷6"],
}
# 错的式子与读不出的写法
WRONG = {"jacobians": ["T", "T+1", "T-2", "2T-3", "T^2-T"],
         "products": ["T^3/6", "T(T-1)/2", "(T-1)T(T+1)/3", "T^2/2", "(T-1)T(T+1)", "T(T+1)(T+2)/6"]}
UNREADABLE = ["", "  ", "t-1", "T2", "T-", "(T-1", "T-1)", "T+*2", "()", "1.2.3", "T//2", "x", "T=1", "T−1 个",
              "sqrt(T)", "T!", "[T-1]", "1,5T"]


@pytest.mark.parametrize("text", RIGHT["jacobians"])
def test_usual_spellings_of_t_minus_one_are_right(text):
    assert check_formula(text, JACOBIANS) is True
    assert formula_feedback(text, JACOBIANS, hint="提示。") == "✓ 对了。"


@pytest.mark.parametrize("text", RIGHT["products"])
def test_usual_spellings_of_the_double_sum_count_are_right(text):
    assert check_formula(text, PRODUCTS) is True


@pytest.mark.parametrize("answer, text", [(a, t) for a, texts in WRONG.items() for t in texts])
def test_wrong_formulas_are_wrong(answer, text):
    assert check_formula(text, {"jacobians": JACOBIANS, "products": PRODUCTS}[answer]) is False


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_text_is_not_a_formula(text):
    assert parse_formula(text) is None and check_formula(text, JACOBIANS) is None
    message = formula_feedback(text, JACOBIANS, hint="提示。")
    assert message.startswith("读不出式子：") and message.endswith("变量是 T，如 (T+1)^2/2。"), message


def test_unreadable_says_why():
    reasons = {"": "框里是空的", "t-1": "不认识「t」", "T2": "数要写在字母与括号的前面（2T，不写 T2）",
               "T-": "式子没写完", "(T-1": "括号没有配对", "T-1)": "括号没有配对", "T+*2": "「*」放在这里读不通",
               "1.2.3": "数里多了小数点"}
    for text, reason in reasons.items():
        assert formula_feedback(text, JACOBIANS).startswith(f"读不出式子：{reason}。"), text


def test_wrong_formula_is_shown_at_the_first_differing_sample():
    assert formula_feedback("T^3/6", PRODUCTS, hint="数一数连乘。") == "✗ 不对。T=2 时你的式子得 1.333333，应为 1。数一数连乘。"
    assert formula_feedback("(T-1)T(T+1)/6 + (T-5)", PRODUCTS) == "✗ 不对。T=2 时你的式子得 -2，应为 1。"
    assert formula_feedback("(T-1)T(T+1)/6 + (T-2)(T-3)(T-4)", PRODUCTS) == "✗ 不对。T=5 时你的式子得 26，应为 20。"
    assert formula_feedback("(T-1)(T-4)/(T-4)", JACOBIANS) == "✗ 不对。T=4 时你的式子没有定义（如除以零），应为 3。"
    assert formula_feedback("2^(T^3)", {2: 256, 20: 1}) == "✗ 不对。T=20 时你的式子没有定义（如除以零），应为 1。"
    assert formula_feedback("T*1e15", {1: 1.0}).startswith("读不出式子")   # 没有科学记数：e 不是变量
    assert formula_feedback("T^8", {100: 1.0}) == "✗ 不对。T=100 时你的式子得 1.000000e+16，应为 1。"


def test_precedence_is_pythons():
    values = {"-T^2": -9, "2^-1": 0.5, "T^2^2": 81, "2^3T": 24, "1/2T": 1.5, "T/2/3": 0.5, "2-T-1": -2, "--T": 3,
              "2*-T": -6, "2T^2": 18, "(T)(T)": 9, "TT": 9, "T(T)": 9, "T²": 9, "T⁻¹": 1 / 3, "T**-1": 1 / 3}
    for text, value in values.items():
        assert parse_formula(text)(3) == pytest.approx(value, rel=1e-15), text


def test_check_formula_uses_the_tolerance_at_every_sample():
    assert check_formula("T/3", {3: 1.0, 6: 2.0}, rtol=0) is True
    assert check_formula("0.333T", {3: 1.0, 6: 2.0}, rtol=1e-2) is True
    assert check_formula("0.333T", {3: 1.0, 6: 2.0}) is False
    assert check_formula("n+1", {1: 2.0}, variable="n") is True and check_formula("T+1", {1: 2.0}, variable="n") is None
    assert check_formula("ρ^2", {2: 4.0}, variable="ρ") is True


@pytest.mark.parametrize("bad, argument", [({}, "values"), ({1.5: 1}, "values"), ({1: math.inf}, "values"),
                                           ({True: 1}, "values"), ({1: "2"}, "values")])
def test_samples_are_checked(bad, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        check_formula("T", bad)


def test_variable_is_one_letter():
    for bad in ["TT", "", "1", "*", 3]:
        with pytest.raises(ValueError, match="`variable`"):
            parse_formula("T", variable=bad)


# ---- 与 Python 自己的读法对照 -------------------------------------------------------------------------------

COEFFICIENTS = st.lists(st.integers(-12, 12), min_size=1, max_size=5)
TIMES = ["", "*", "·", "×", " ", " * "]
POWERS = ["^{}", "**{}", "^({})", "{}"]          # 最后一个是上标
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@st.composite
def written_polynomials(draw):
    """一个整系数多项式：Python 的写法，与读者的一种写法（乘号、乘方、减号、括号、空白各取一种）。"""
    coefficients = draw(COEFFICIENTS)
    python_terms, reader_terms = [], []
    for degree, c in enumerate(coefficients):
        python_terms.append(f"({c})*T**{degree}")
        power = draw(st.sampled_from(POWERS))
        power = power.format(str(degree).translate(SUPERSCRIPTS)) if power == "{}" else power.format(degree)
        times = draw(st.sampled_from(TIMES))
        term = {0: str(abs(c)), 1: f"{abs(c)}{times}T"}.get(degree, f"{abs(c)}{times}T{power}")
        sign = draw(st.sampled_from(["-", "−"])) if c < 0 else "+"
        reader_terms.append(f"{sign}{draw(st.sampled_from(['', ' ']))}{term}")
    reader = "".join(draw(st.permutations(reader_terms)))
    return " + ".join(python_terms), draw(st.sampled_from(["{}", "({})", "（{}）"])).format(reader)


@given(written_polynomials(), st.integers(-6, 12))
def test_polynomials_read_as_python_evaluates_them(texts, T):
    python, reader = texts
    assert parse_formula(reader)(T) == eval(python, {"__builtins__": {}}, {"T": T}), (python, reader)   # noqa: S307


def python_expressions(depth: int):
    """同时是 Python 与本书读法的式子（浮点数、T、+ - * / **、一元负号、括号），嵌套至多 depth 层：
    Python 按它自己的优先级读，读者的读法必须读出同样的值。"""
    leaves = st.sampled_from(["T", "1.0", "2.0", "3.0", "0.5", "7.0", "0.0"])
    if depth == 0:
        return leaves
    inner = python_expressions(depth - 1)
    return st.one_of(
        leaves,
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", " - ", " * "]), inner).map("".join),
        st.tuples(inner, st.sampled_from(["**0", "**1", "**2", "**3"])).map("".join),
        inner.map(lambda text: f"-{text}"),
        inner.map(lambda text: f"({text})"),
    )


def python_value(text: str, T: float) -> float | None:
    try:
        value = eval(text, {"__builtins__": {}}, {"T": T})   # noqa: S307 —— 测试自己生成的式子
    except ArithmeticError:
        return None
    return value if isinstance(value, float) and math.isfinite(value) else None


@given(python_expressions(3), st.sampled_from([-2.0, 0.0, 1.0, 2.0, 3.0, 8.0]))
def test_expressions_read_as_python_reads_them(text, T):
    value = parse_formula(text)(T)
    assert (value if math.isfinite(value) else None) == python_value(text, T), text


# ---- 界面 ---------------------------------------------------------------------------------------------------

def test_static_formula_form_carries_samples_variable_tolerance_and_hint(monkeypatch):
    monkeypatch.setenv("WORDVEC_RNN_STATIC_SLIDERS", "1")
    box = formula_box("矩阵乘法的次数", {5: 20, 2: 1}, hint="别忘了 <单位矩阵>")
    assert isinstance(box, StaticFormula)
    page = box._repr_html_()
    assert 'class="book-answer book-formula" data-variable="T"' in page and "矩阵乘法的次数" in page
    samples = re.search(r'data-samples="([^"]*)"', page).group(1)
    assert json.loads(samples.replace("&quot;", '"')) == [[2, 1.0], [5, 20.0]]   # 按取值从小到大
    assert 'data-rtol="1e-09" data-atol="0.0" data-hint="别忘了 &lt;单位矩阵&gt;"' in page
    assert page.count("disabled") == 2 and 'placeholder="含 T 的式子"' in page


def test_live_formula_box_checks_in_python(monkeypatch):
    monkeypatch.delenv("WORDVEC_RNN_STATIC_SLIDERS", raising=False)
    right, wrong, unreadable = live_results(formula_box("雅可比矩阵的个数", JACOBIANS, hint="数一数。"), ["T−1", "T", "t-1"])
    assert (right, wrong) == ("✓ 对了。", "✗ 不对。T=2 时你的式子得 2，应为 1。数一数。")
    assert unreadable.startswith("读不出式子：不认识「t」")
