"""网页书里练习的答案框（wordvec_rnn.answers、book/_static/book-answers.js）：在页面里核对，不联网。

每一页的每个答案框：填期望值（几种写法）显示「✓ 对了。」，填错的数显示「✗ 不对。」和提示，填不成数时说怎么写；
页面读数的规则与 Python 的 ``parse_answer`` 逐个相同；只有有答案框的页面加载这个脚本。
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from browser_pages import PAGES, open_page
from conftest import HTML
from test_answers import FORMS
from wordvec_rnn.answers import parse_answer

ANSWER_PAGES = [name for name in PAGES if 'class="book-answer"' in (HTML / name).read_text(encoding="utf-8")]


def written_forms(expected: float) -> list[str]:
    """读者写期望值的几种方式。"""
    if expected == int(expected):
        return [str(int(expected)), f"{int(expected):,}", f"{expected:.6e}"]
    return [repr(expected), f"{expected:.6g}"]


def submit(form, text: str) -> tuple[str, str]:
    box = form.locator('input[name="answer"]')
    box.fill(text)
    box.press("Enter")   # 键盘提交
    return form.get_attribute("data-result"), form.locator(".book-answer-result").inner_text()


def test_the_book_has_answer_boxes():
    assert len(ANSWER_PAGES) >= 4, ANSWER_PAGES
    other = next(name for name in PAGES if name not in ANSWER_PAGES and name.startswith("chapters/"))
    assert "book-answers.js" not in (HTML / other).read_text(encoding="utf-8"), "没有答案框的页面也加载了脚本"


@pytest.mark.parametrize("name", ANSWER_PAGES)
def test_answer_boxes_check_the_answer_in_the_page(browser, site, name):
    page, problems = open_page(browser, site + quote(name))
    assert page.evaluate("(forms) => forms.map(bookParseAnswer)", FORMS) == [parse_answer(f) for f in FORMS]
    forms = page.locator("form.book-answer:not(.book-formula)")
    for k in range(forms.count()):
        form = forms.nth(k)
        expected, hint = float(form.get_attribute("data-expected")), form.get_attribute("data-hint")
        for text in written_forms(expected):
            assert submit(form, text) == ("right", "✓ 对了。"), f"{name} 第 {k + 1} 个答案框：{text}"
        assert submit(form, repr(expected * 1.1 + 1)) == ("wrong", f"✗ 不对。{hint}")
        state, message = submit(form, "不知道")
        assert state == "unreadable" and message.startswith("读不出一个数")
    page.close()
    assert problems == []


def test_answer_box_works_from_the_file_system(browser, built_html):
    page, problems = open_page(browser, (built_html / ANSWER_PAGES[0]).as_uri())
    form = page.locator("form.book-answer:not(.book-formula)").first
    expected = float(form.get_attribute("data-expected"))
    assert submit(form, written_forms(expected)[0]) == ("right", "✓ 对了。")
    page.close()
    assert problems == []
