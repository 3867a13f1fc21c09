"""在无头 chromium 中逐页打开构建好的 HTML 书，像一个离线的读者那样检查它。

每一页：没有控制台错误、没有失败的请求、不向本机以外的地址发请求（离线也能完整显示）、
公式都已由 MathJax 排版（不残留 $$ 或 \\( \\)）、图片都加载成功。另外检查滑块，以及每个笔记本页面上的
Colab、Binder 启动链接与 .ipynb 下载链接，界面文字都是中文（``test_html_interface`` 的检查），以及桌面宽度上
公式与表格放得下或自己滚动（``test_html_phone`` 的检查）。这几项逐页检查共用每页的一次打开（``opened``）。全文检索在 test_html_search.py。
用 Debian 的 chromium 与 playwright 的 Python 客户端，从不下载浏览器；CI（CI=true）里没有浏览器算失败。
"""

from __future__ import annotations

import posixpath
import re
from functools import cache
from urllib.parse import quote, urlparse

import pytest

from wordvec_book.export import notebooks_in_reading_order
from wordvec_book.setup_cell import repository

from browser_pages import PAGE_PROBLEMS, PAGES, open_page
from conftest import HTML, REPO
from test_html_interface import CONTENT_PAGES, DESKTOP, interface_facts, interface_problems
from test_html_phone import BOOK_PAGES, layout_problems, search_entry_problems

EQUATION_LINK = re.compile(r'<a class="reference internal" href="(?P<page>[^"#]*)#equation-(?P<label>[\w-]+)"[^>]*>'
                           r'(?:<span[^>]*>)?式 \((?P<number>\d+)\)')
EQUATION_NUMBER = re.compile(r'id="equation-(?P<label>[\w-]+)"[^>]*>\s*<span class="eqno">\((?P<number>\d+)\)')


def test_equation_references_show_the_number_the_equation_shows(built_html):
    """正文与「本单元实现」里的「式 (n)」都跳到标着 (n) 的那个公式。"""
    pages = {p.relative_to(built_html).as_posix(): p.read_text(encoding="utf-8") for p in built_html.rglob("*.html")}
    numbers = {(name, m["label"]): m["number"] for name, html in pages.items() for m in EQUATION_NUMBER.finditer(html)}
    wrong, checked = [], 0
    for name, html in pages.items():
        for m in EQUATION_LINK.finditer(html):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), m["page"])) if m["page"] else name
            checked += 1
            if numbers.get((target, m["label"])) != m["number"]:
                wrong.append(f"{name}：式 ({m['number']}) → {target} 的 {m['label']} 标着 ({numbers.get((target, m['label']))})")
    assert checked > 100 and not wrong, "\n".join(wrong[:10])   # (None)：链接的锚点不是任何公式的 id


def test_built_pages_found():
    assert "index.html" in PAGES and "search.html" in PAGES, "_build/html 里没有页面：先 make book"


def page_facts(browser, site, name: str) -> dict:
    """打开一页（桌面宽度 1366×900），记下本文件逐页检查要用的一切：控制台与请求的问题、未排版的公式与没加载的图、
    页面上的链接、版面与搜索入口（``test_html_phone.layout_problems``、``search_entry_problems``；它们展开答案框）、
    界面文字（``test_html_interface.interface_facts``）。"""
    page, problems = open_page(browser, site + quote(name), redirect=name == "index.html", viewport=DESKTOP)
    problems += page.evaluate(PAGE_PROBLEMS)
    facts = {"links": page.evaluate(PAGE_LINKS), "problems": problems}
    if name in BOOK_PAGES:   # 在刚打开的宽度上量：之后 interface_facts 把窗口拉窄又放宽
        facts["desktop"] = layout_problems(page) + search_entry_problems(page)
    if name in CONTENT_PAGES:
        facts["interface"] = interface_facts(page)
    page.close()
    return facts


@pytest.fixture(scope="module")
def opened(browser, site):
    """每页只打开一次：本文件的逐页测试从这里取同一次打开的结果（每页打开一次要几秒）。"""
    return cache(lambda name: page_facts(browser, site, name))


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_offline(opened, name):
    assert opened(name)["problems"] == []


@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_interface_is_chinese(opened, name):
    assert interface_problems(name, opened(name)["interface"]) == []


@pytest.mark.parametrize("name", BOOK_PAGES)
def test_desktop_wide_content_fits_or_scrolls(opened, name):
    assert opened(name)["desktop"] == [], name


def test_index_shows_rendered_math_and_chinese(browser, site):
    page, problems = open_page(browser, site + "index.html", redirect=True)
    assert page.locator("mjx-container").count() > 0, "首页没有排版好的公式"
    assert "前言" in page.title()
    faces = page.evaluate("async () => (await document.fonts.load('16px \"Book CJK\"', '词向量')).length")
    assert faces >= 1, "随书的中文字体没有加载"   # 字体按 unicode-range 分片，这三个字可能在不同的片里
    page.close()
    assert problems == []


def test_opens_from_the_file_system(browser, built_html):
    """拷走 _build/html 直接双击打开（file://）：公式照样排版，不请求外部资源。"""
    page, problems = open_page(browser, (built_html / "index.html").as_uri(), redirect=True)
    assert page.locator("mjx-container").count() > 0
    page.close()
    assert problems == []


# 带滑块的图（wordvec_rnn.sliders）：页面上每个滑块都拖到两个取值，显示的帧、替代文字与说明都要换成
# Python 为这组取值画好的那一帧；说明里写着这一帧的取值，与滑块旁显示的取值一致；读屏软件念的
# aria-valuetext 也是显示的取值（不是下标）。滑块也能用键盘操作（Home、End、方向键）。
SLIDER_PAGES = sorted(name for name in PAGES if 'class="book-sliders"' in (HTML / name).read_text(encoding="utf-8"))
SLIDER_STATE = """(root) => ({
  key: root.dataset.key,
  src: root.querySelector('.book-sliders-frame').getAttribute('src'),
  alt: root.querySelector('.book-sliders-frame').alt,
  caption: root.querySelector('.book-sliders-caption').textContent,
  shown: [...root.querySelectorAll('[data-param]')].map((c) =>
    c.tagName === 'SELECT' ? c.options[c.selectedIndex].text : c.parentElement.querySelector('output').textContent),
  enabled: [...root.querySelectorAll('[data-param]')].every((c) => !c.disabled),
  spoken: [...root.querySelectorAll('input[type="range"]')].map((c) =>
    [c.getAttribute('aria-valuetext'), c.parentElement.querySelector('output').textContent]),
})"""
# 帧是单独的图片文件（book/_ext/book_slider_frames.py）：等这一帧下载、解码完再拖下一次，浏览器不会中止上一帧的请求
FRAME_LOADED = """async (root) => {
  const image = root.querySelector('.book-sliders-frame');
  try { await image.decode(); } catch (error) {}
  return image.complete && image.naturalWidth > 0;
}"""
MOVE = """([root, name, index]) => {
  const control = root.querySelector(`[data-param="${CSS.escape(name)}"]`);
  control.value = String(index);
  control.dispatchEvent(new Event('input', {bubbles: true}));
}"""


@pytest.mark.parametrize("name", SLIDER_PAGES)
def test_sliders_move_in_the_static_page(browser, site, name):
    page, problems = open_page(browser, site + quote(name))
    figures = page.locator(".book-sliders")
    for f in range(figures.count()):
        root = figures.nth(f).element_handle()
        data = root.evaluate("(root) => JSON.parse(root.querySelector('.book-sliders-data').textContent)")
        state = root.evaluate(SLIDER_STATE)
        assert state["enabled"], f"{name}：第 {f + 1} 幅图的滑块没有启用"
        assert all(spoken == shown for spoken, shown in state["spoken"]), f"{name}：aria-valuetext 不是显示的取值"
        index = [int(i) for i in state["key"].split(",")]
        seen = {state["src"]}
        for p, param in enumerate(data["params"]):
            for target in (len(param["values"]) - 1, 0):
                index[p] = target
                page.evaluate(MOVE, [root, param["name"], target])
                assert root.evaluate(FRAME_LOADED), f"{name}：第 {f + 1} 幅图拖到 {target} 后那一帧没有加载"
                state = root.evaluate(SLIDER_STATE)
                key = ",".join(map(str, index))
                frame = data["frames"][key]
                assert state["key"] == key and state["src"] == frame["src"]
                assert state["alt"] == state["caption"] == frame["alt"]
                assert state["shown"] == [q["values"][i] for q, i in zip(data["params"], index)]
                assert all(spoken == shown for spoken, shown in state["spoken"])
                for q, i in zip(data["params"], index):   # 说明文字写的正是滑块显示的取值
                    assert f"{q['label']} = {q['values'][i]}" in frame["alt"]
                seen.add(state["src"])
        assert len(seen) >= 2, f"{name}：第 {f + 1} 幅图拖动滑块后图没有变化"
        slider = figures.nth(f).locator('input[type="range"]').first
        values = next(q["values"] for q in data["params"] if q["name"] == slider.get_attribute("data-param"))
        for key, expected in (("End", values[-1]), ("Home", values[0]), ("ArrowRight", values[1])):
            slider.press(key)
            assert slider.get_attribute("aria-valuetext") == expected, f"{name}：按 {key} 后滑块没有到 {expected}"
    page.close()
    assert problems == []


# 每个笔记本页面顶部的启动按钮：链接由 _config.yml 的 repository 一节生成，指向仓库里同一路径的笔记本
NOTEBOOK_PATHS = [p.relative_to(REPO).as_posix() for p in notebooks_in_reading_order(REPO)]
PAGE_LINKS = "() => [...document.querySelectorAll('a[href]')].map((a) => a.href)"


@pytest.mark.parametrize("notebook", NOTEBOOK_PATHS)
def test_launch_and_download_links(opened, site, built_html, notebook):
    url, branch = repository(REPO)
    owner_repo = urlparse(url).path.strip("/")
    page_name = notebook.removesuffix(".ipynb") + ".html"
    assert (built_html / page_name).exists(), f"没有 {page_name}：先 make book"
    links = opened(page_name)["links"]
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{notebook}"
    binder = f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{notebook}"
    assert colab in links, f"{page_name} 没有指向 {colab} 的 Colab 链接"
    assert binder in links, f"{page_name} 没有指向 {binder} 的 Binder 链接"
    assert url in links, f"{page_name} 没有指向仓库 {url} 的链接"
    download = site + "_sources/" + quote(notebook)
    assert download in links, f"{page_name} 没有 .ipynb 的下载链接 {download}"
    downloaded = (built_html / "_sources" / notebook).read_bytes()
    assert downloaded == (REPO / notebook).read_bytes(), f"下载到的 {notebook} 与仓库里的不同：书是旧的，先 make book"
