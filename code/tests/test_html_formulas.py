"""网页书里答案是式子的答案框（wordvec_rnn.formula_answers、book/_static/book-answers.js）：在页面里核对，不联网。

每一页的每个式子框：过全部取值的插值多项式（三种写法）与读者常写的对的式子显示「✓ 对了。」；错的式子说在哪个取值上
不同并给出提示，读不出的写法说原因与怎么写——这些话与 Python 的 ``formula_feedback`` 逐字相同。页面读式子的规则与
Python 的 ``parse_formula`` 相同：同样的写法在同样的取值上算出同样的值（或同样读不出）。
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from urllib.parse import quote

import pytest

from browser_pages import PAGES, open_page
from conftest import HTML
from test_formula_answers import JACOBIANS, PRODUCTS, RIGHT, UNREADABLE, WRONG
from wordvec_rnn.formula_answers import formula_feedback, parse_formula

KNOWN = {"jacobians": JACOBIANS, "products": PRODUCTS}   # 第 02 章第 2 节两个框的答案：另试读者常写的式子
FORMULA_CLASS = re.compile(r'class="(?:[^"]*\s)?book-formula(?:\s[^"]*)?"')   # 不算 book-formula-links 这样的
FORMULA_PAGES = [name for name in PAGES if FORMULA_CLASS.search((HTML / name).read_text(encoding="utf-8"))]
# 读法对照用的写法：对的、错的、读不出的，再加几种优先级与记号上容易出错的
SPELLINGS = (RIGHT["products"][:8] + WRONG["products"][:3] + UNREADABLE[:6]
             + ["-T^2", "2^-1T", "T^2^2", "1/2T", "T⁻¹", "2--T", "(-8)^(1/3)", "1/(T-3)", "T/3", "0.1T+0.2", "9" * 400])


def interpolant(samples: list[list[float]]) -> list[Fraction]:
    """过全部 (取值, 期望值) 的多项式的系数（常数项在前；拉格朗日插值，分数精确）。"""
    coefficients = [Fraction(0)] * len(samples)
    for j, (x_j, y_j) in enumerate(samples):
        basis, scale = [Fraction(1)], Fraction(y_j)
        for m, (x_m, _) in enumerate(samples):
            if m != j:
                basis = [a - x_m * b for a, b in zip([Fraction(0)] + basis, basis + [Fraction(0)])]
                scale /= x_j - x_m
        coefficients = [c + scale * b for c, b in zip(coefficients, basis)]
    return coefficients


def written(coefficients: list[Fraction], variable: str, style: int) -> str:
    """多项式的三种写法：``1/6*T^3 + -1/6*T^1``、``1/6T³ − 1/6T``（省略乘号、上标、减号）、``(1/6)×T**3 - (1/6)×T**1``。"""
    terms = []
    for degree, c in enumerate(coefficients):
        if c == 0:
            continue
        number = f"{abs(c.numerator)}/{c.denominator}"
        sign = "-" if c < 0 else "+"
        if style == 0:
            terms.append(f"{'-' if c < 0 else ''}{number}*{variable}^{degree}")
        elif style == 1:
            power = "" if degree < 2 else str(degree).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
            terms.append(f"{'−' if c < 0 else '+'} {number}{variable * (degree > 0)}{power}")
        else:
            terms.append(f"{sign} ({number})×{variable}**{degree}")
    return (" + " if style == 0 else " ").join(terms) or "0"


def form_data(form) -> dict:
    return {"samples": json.loads(form.get_attribute("data-samples")), "variable": form.get_attribute("data-variable"),
            "rtol": float(form.get_attribute("data-rtol")), "atol": float(form.get_attribute("data-atol")),
            "hint": form.get_attribute("data-hint")}


def python_feedback(text: str, data: dict) -> str:
    return formula_feedback(text, {int(x): y for x, y in data["samples"]}, variable=data["variable"], rtol=data["rtol"],
                            atol=data["atol"], hint=data["hint"] or None)


def submit(form, text: str) -> tuple[str, str]:
    box = form.locator('input[name="answer"]')
    box.fill(text)
    box.press("Enter")   # 键盘提交
    return form.get_attribute("data-result"), form.locator(".book-answer-result").inner_text()


def python_values(text: str, points: list[int]) -> list[float | None] | None:
    formula = parse_formula(text)
    return None if formula is None else [formula(x) if math.isfinite(formula(x)) else None for x in points]


def test_the_book_has_formula_boxes_for_both_bptt_exercises():
    assert "chapters/02_rnn/02_bptt.html" in FORMULA_PAGES, FORMULA_PAGES
    page = (HTML / "chapters/02_rnn/02_bptt.html").read_text(encoding="utf-8")
    assert "book-answers.js" in page
    samples = [json.loads(s.replace("&quot;", '"')) for s in re.findall(r'data-samples="([^"]*)"', page)]
    assert all(sorted(map(list, values.items())) in samples for values in KNOWN.values()), samples


@pytest.mark.parametrize("name", FORMULA_PAGES)
def test_formula_boxes_check_the_formula_in_the_page(browser, site, name):
    page, problems = open_page(browser, site + quote(name))
    forms = page.locator("form.book-formula")
    assert forms.count() >= 1
    for k in range(forms.count()):
        form, where = forms.nth(k), f"{name} 第 {k + 1} 个式子框"
        data = form_data(form)
        coefficients = interpolant(data["samples"])
        usual_keys = [key for key, values in KNOWN.items() if sorted(map(list, values.items())) == data["samples"]]
        for text in [written(coefficients, data["variable"], style) for style in range(3)] + sum((RIGHT[k] for k in usual_keys), []):
            assert python_feedback(text, data) == "✓ 对了。", f"{where}：Python 不认 {text}"
            assert submit(form, text) == ("right", "✓ 对了。"), f"{where}：{text}"
        right = written(coefficients, data["variable"], 0)
        for text in [f"{right} + 1", f"({right}){data['variable']}"] + sum((WRONG[key] for key in usual_keys), []):
            state, message = submit(form, text)
            assert state == "wrong" and message == python_feedback(text, data), f"{where}：{text}"
            assert re.match(rf"✗ 不对。{data['variable']}=\d+ 时你的式子得 .+，应为 .+。{re.escape(data['hint'])}$", message)
        for text in UNREADABLE[:6]:
            state, message = submit(form, text)
            assert state == "unreadable" and message == python_feedback(text, data), f"{where}：{text!r}"
    page.close()
    assert problems == []


def test_the_page_reads_formulas_as_python_does(browser, site):
    page, problems = open_page(browser, site + quote(FORMULA_PAGES[0]))
    points = [-2, 0, 1, 2, 3, 5, 8]
    in_page = page.evaluate("([texts, points]) => texts.map((t) => bookFormulaValues(t, 'T', points))", [SPELLINGS, points])
    for text, values in zip(SPELLINGS, in_page):
        expected = python_values(text, points)
        assert (values is None) == (expected is None), text
        for got, want in zip(values or [], expected or []):   # 没有定义的取值两边都是 None；** 的末位可以不同
            assert got == want if want is None else got == pytest.approx(want, rel=1e-12), (text, values, expected)
    page.close()
    assert problems == []


def test_formula_box_works_from_the_file_system(browser, built_html):
    page, problems = open_page(browser, (built_html / FORMULA_PAGES[0]).as_uri())
    form = page.locator("form.book-formula").first
    data = form_data(form)
    assert submit(form, written(interpolant(data["samples"]), data["variable"], 1)) == ("right", "✓ 对了。")
    page.close()
    assert problems == []
