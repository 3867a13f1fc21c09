"""手机读者第一次打开每一页：空缓存、390×844 的触屏、系统设为深色。每页只打开一次，下面几组检查都在这一次里量。

- 传输量、字体切片、汉字用中文字体画出（:func:`test_html_weight.check_first_load`）；
- 暗色模式的对比度、上下标文字后的空白、与公式拆开的标点（:func:`test_html_look.look_facts`）；
- 平板与手机宽度上的版面、搜索入口、页内大纲与目录（:func:`test_html_phone.touch_problems`）；
- 这些操作中没有脚本异常、控制台错误或出错的 HTTP 响应。

打开一页、排好公式要 3～4 秒（多半是 MathJax 排版），上面每组检查不到 1 秒；原先每组各自打开每一页，一共三遍。
一页上的操作按顺序改变页面，所以顺序固定：先在原样的页面上量传输与字体，再展开答案量对比度与标点，再拉到桌面
宽度量上下标，最后在平板与手机宽度上点按钮，点目录里下一页的链接离开本页。
"""

from __future__ import annotations

from functools import cache
from urllib.parse import quote

import pytest

from browser_pages import PAGES
from test_html_look import CONTENT_PAGES, MIN_CONTRAST, look_facts
from test_html_phone import BOOK_PAGES, touch_problems
from test_html_weight import check_first_load, first_load, load_facts


def visit(browser, site: str, name: str) -> dict:
    """在新的暗色手机上下文里第一次打开 name，按顺序量出本文件各测试要的东西。"""
    url = site + quote(name)
    page, done = first_load(browser, url, color_scheme="dark")
    redirect = name == "index.html"   # 书根目录的 index.html 用 meta refresh 跳到前言：量跳转后的那一页
    if redirect:
        page.wait_for_url(lambda current: current != url)
    facts = {"load": load_facts(page, done), "errors": page.errors}
    if not redirect:
        facts["look"] = look_facts(page)
        facts["touch"] = touch_problems(page)
    page.context.close()
    return facts


@pytest.fixture(scope="module")
def visited(browser, site):
    """每页只打开一次，本文件的几个测试共用。"""
    return cache(lambda name: visit(browser, site, name))


@pytest.mark.parametrize("name", PAGES)
def test_first_load_weight(visited, site, name, record_property):
    check_first_load(site, name, visited(name)["load"], record_property)
    assert visited(name)["errors"] == [], f"{name}：打开、展开答案、点按钮时出了错"


@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_dark_mode_contrast(visited, record_property, name):
    contrast = visited(name)["look"]["contrast"]
    record_property("look", (name, "contrast", {kind: round(value[0], 1) for kind, value in contrast.items()}))
    low = {kind: value for kind, value in contrast.items() if value[0] < MIN_CONTRAST}
    assert low == {}, f"{name}：暗色模式下对比度低于 {MIN_CONTRAST}:1（类别：[对比度, 文字]）"


@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_no_gap_after_text_in_scripts(visited, record_property, name):
    gaps = visited(name)["look"]["gaps"]
    record_property("look", (name, "gaps", (len(gaps), round(max((px for _, px in gaps), default=0), 1))))
    assert gaps == [], f"{name}：公式上下标里的文字后面留有空白（文字, 像素）"


@pytest.mark.parametrize("width", ["1366", "390"])
@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_punctuation_stays_with_math(visited, record_property, name, width):
    found = visited(name)["look"][f"punctuation_{width}"]
    record_property("look", (name, f"punctuation_{width}", len(found)))
    assert found == [], f"{name}（{width} 像素宽）：标点与公式或代码拆到了两行（公式或代码, 标点）"


@pytest.mark.parametrize("name", BOOK_PAGES)
def test_touch_screen_navigation_and_layout(visited, name):
    """先平板后手机：版面、搜索入口、页内大纲、目录；手机上最后点目录里下一页的链接离开本页。"""
    assert visited(name)["touch"] == [], name
