"""网页书的「核对你自己的实现」（book/_ext/book_fingerprints.py、book/_static/book-fingerprints.js）：

每个核对框带着构建时算出的指纹（与 ``wordvec_book.fingerprints`` 一致）；贴进正确的实现打印的数，页面说对了；
贴进某个常见错误打印的数，页面说出这个错误；贴进别的数或个数不对，页面照实说。
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from browser_pages import PAGES, open_page
from conftest import HTML, REPO
from wordvec_book.fingerprints import PROBES, fingerprints, recognisable

FINGERPRINT_PAGES = [name for name in PAGES if 'class="book-fingerprint"' in (HTML / name).read_text(encoding="utf-8")]


def printed(values) -> str:
    """Python 的 print(*values) 打印出的样子（读者贴进来的就是它）。"""
    return " ".join(str(v) for v in values)


def verdict(box, text: str) -> tuple[str, str]:
    box.locator("textarea").fill(text)
    box.locator('form button[type="submit"]').press("Enter")   # 键盘：焦点在按钮上按回车
    return box.get_attribute("data-verdict"), box.locator(".book-fingerprint-result").inner_text()


def test_every_probe_is_on_a_page():
    probes = {p for name in FINGERPRINT_PAGES
              for p in PROBES if f'data-probe="{p}"' in (HTML / name).read_text(encoding="utf-8")}
    assert probes == set(PROBES)


@pytest.mark.parametrize("name", FINGERPRINT_PAGES)
def test_the_page_names_the_mistake_behind_the_numbers(browser, site, name):
    page, problems = open_page(browser, site + quote(name))
    boxes = page.locator(".book-fingerprint")
    for k in range(boxes.count()):
        box = boxes.nth(k)
        probe = box.get_attribute("data-probe")
        data = json.loads(box.locator(".book-fingerprint-data").text_content())
        correct, _ = fingerprints(probe, REPO)
        assert data["correct"] == list(correct)
        assert [m["name"] for m in data["mistakes"]] == [fp.mistake for fp in recognisable(probe, REPO)]
        assert verdict(box, printed(correct))[0] == "right"
        for mistake in data["mistakes"]:
            kind, text = verdict(box, printed(mistake["values"]))
            assert kind == "mistake" and mistake["description"] in text, (probe, mistake["name"], text)
        wrong = [v * 1.5 + 1 for v in correct]
        kind, text = verdict(box, printed(wrong))
        assert kind == "unknown" and text.startswith("✗ 第 ")
        assert verdict(box, printed(correct[:-1]))[0] == "count"
    page.close()
    assert problems == []


def test_fingerprint_works_from_the_file_system(browser, built_html):
    page, problems = open_page(browser, (built_html / FINGERPRINT_PAGES[0]).as_uri())
    box = page.locator(".book-fingerprint").first
    correct, _ = fingerprints(box.get_attribute("data-probe"), REPO)
    assert verdict(box, printed(correct))[0] == "right"
    page.close()
    assert problems == []
