"""在手机、平板与桌面的视口里逐页打开 HTML 书：目录与页内目录打得开，页面不横向滚动，只有一个搜索入口。

平板 768×1024 与手机 390×844（模拟触屏）：点 ☰ 目录出现在屏幕上，下一页的链接点得到，手机上点它就到了
那一页；点目录外面目录收起。有页内目录按钮的页，点它打开本页大纲，点大纲外面再收起。页面不比屏幕宽；
每个行间公式与表格要么放得下，要么在自己的框里横向滚动（不截断、不出竖向滚动条、公式编号完整可见）。
桌面 1366×900：公式与表格同样放得下或自己滚动；☰ 收起侧栏，再点一下放回来。
每个视口里每页都只有一个看得见的搜索入口，从它能搜到东西。

逐页的检查在别处运行，每页只打开一次：触屏的（:func:`touch_problems`）在 test_html_first_visit.py，那里也量
第一次打开的传输量与暗色模式；桌面宽度的（:func:`layout_problems`、:func:`search_entry_problems`）在
test_html_book.py。本文件测桌面上 ☰ 收起侧栏与从搜索入口搜到东西，与其他浏览器测试共用 conftest.py 里的
浏览器与本地服务器；触屏与桌面各一个标签页。
"""

from __future__ import annotations

import pytest

from wordvec_book.export import toc_files

from conftest import REPO
from browser_pages import PAGES, WAIT_FOR_MATH

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}
SCREENS = {
    "touch": {"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 3},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
# 按阅读顺序（_toc.yml）排，目录之外的页（搜索、索引）在最后；根目录的 index.html 只是跳转到前言的空页。
READING_ORDER = [f"{name}.html" for name in toc_files(REPO)]
BOOK_PAGES = READING_ORDER + [name for name in PAGES if name not in READING_ORDER and name != "index.html"]
PANEL_TIMEOUT_MS = 3_000

# 页面比视口宽出的像素数：大于 0 就能整页横向滚动
PAGE_OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# 行间公式、正文里的表格与公式编号各自的处境：
#   fits     放得下；
#   scrolls  比自己的框宽，在正文里的一个可横向滚动的框（overflow-x: auto/scroll）里；
#   clipped  比框宽，框却把多出的部分剪掉（overflow 为 hidden/clip）；
#   page     没有自己的框，把正文栏或整页撑宽。
# vscroll：公式或表格所在的可滚动框出现了竖向滚动条。
# 先展开折叠着的答案与隐藏的单元，里面的公式与表格一样要量。
WIDE_CONTENT = """() => {
  const article = document.querySelector('article.bd-article');
  if (!article) return [];
  article.querySelectorAll('.toggle-button[aria-expanded="false"]').forEach((button) => button.click());
  article.querySelectorAll('details:not([open])').forEach((details) => { details.open = true; });
  const viewport = document.documentElement.clientWidth;
  const extent = (el) => {
    const parts = el.matches('mjx-container') ? el.querySelectorAll('mjx-math, mjx-labels') : [el];
    const rects = [...parts].map((p) => p.getBoundingClientRect()).filter((r) => r.width > 0);
    return {left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right))};
  };
  const verdict = (el) => {
    const {left, right} = extent(el);
    for (let box = el; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === 'visible') continue;
      const inner = box.getBoundingClientRect().left + box.clientLeft;
      if (left >= inner - 1 && right <= inner + box.clientWidth + 1) continue;
      if (box === article || !article.contains(box)) return 'page';
      return overflow === 'auto' || overflow === 'scroll' ? 'scrolls' : 'clipped';
    }
    return left < -1 || right > viewport + 1 ? 'page' : 'fits';
  };
  const vscroll = (el) => {
    for (let box = el; box && box !== article; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowY;
      if ((overflow === 'auto' || overflow === 'scroll') && box.scrollHeight > box.clientHeight + 1) return true;
    }
    return false;
  };
  const label = (el) => {
    const number = el.closest('div.math')?.querySelector('.eqno')?.textContent.replace('#', '').trim();
    return number ? '式 ' + number : el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 40);
  };
  const items = [];
  const add = (kind, el) => items.push({kind, label: label(el), verdict: verdict(el), vscroll: vscroll(el)});
  document.querySelectorAll('mjx-container[display="true"]').forEach((el) => add('公式', el));
  article.querySelectorAll('table').forEach((el) => add('表格', el));
  article.querySelectorAll('div.math > .eqno').forEach((el) => add('公式编号', el));
  return items;
}"""
VERDICT_PROBLEMS = {"clipped": "比它的框宽，多出的部分被截掉", "page": "把页面撑宽了（没有自己的横向滚动框）"}

# 看得见的搜索入口：页眉的放大镜、侧栏的搜索框按钮、搜索页上的输入框（Ctrl+K 弹出的框平时不显示）
SEARCH_ENTRIES = """() => [...document.querySelectorAll('.search-button__button, form.bd-search')].filter((el) => {
  const r = el.getBoundingClientRect();
  return el.checkVisibility({visibilityProperty: true}) && r.width > 0 && r.right > 0 && r.left < innerWidth;
}).length"""

# 侧栏（目录或页内大纲）整个落在视口里并且可见
PANEL_SHOWN = """(selector) => {
  const panel = document.querySelector(selector);
  const r = panel.getBoundingClientRect();
  return getComputedStyle(panel).visibility === 'visible' && r.width > 0 && r.left >= -1 && r.right <= innerWidth + 1;
}"""
PANEL_HIDDEN = """(selector) => {
  const panel = document.querySelector(selector);
  const r = panel.getBoundingClientRect();
  return getComputedStyle(panel).visibility === 'hidden' || r.width === 0 || r.right <= 0 || r.left >= innerWidth;
}"""
TOC_LINKS = ".bd-sidebar-primary nav.bd-links a.reference.internal"
# 目录里要点的链接的序号：本页条目之后第一个看得见、通向别的页的链接（阅读顺序的下一页，或下一章的首页）；
# 本页是最后一页或不在目录里时，取第一个这样的链接；-1：没有
LINK_TO_TAP = """(links) => {
  const usable = (a) => a.checkVisibility({visibilityProperty: true}) && new URL(a.href).pathname !== location.pathname;
  const here = links.findIndex((a) => new URL(a.href).pathname === location.pathname);
  const next = links.findIndex((a, i) => i > here && usable(a));
  return next >= 0 ? next : links.findIndex(usable);
}"""


@pytest.fixture(scope="module")
def tab(browser):
    """按名字（SCREENS 的键）取一个标签页（每种屏幕一个，几个测试共用，渲染进程与缓存是热的）；
    标签页已经在 url 时不再重新加载。

    返回的函数等公式排版完，返回 (page, 脚本异常列表)；列表只记此后（点按钮时）的异常，
    加载时的异常由 test_html_book.py 的 test_page_renders_offline 检查。
    """
    tabs = {}

    def open_in(screen, url):
        if screen not in tabs:
            page = browser.new_context(**SCREENS[screen]).new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(f"脚本异常：{error}"))
            tabs[screen] = (page, errors)
        page, errors = tabs[screen]
        if page.url != url:
            page.goto(url)
        page.evaluate(WAIT_FOR_MATH)
        errors.clear()
        return page, errors

    yield open_in
    for page, _ in tabs.values():
        page.context.close()


def attempt(action, message):
    """运行 action()（点按钮、等状态）；超时返回 [message]，成功返回 []。超时设得短，失败不等满 30 秒。"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        action()
    except PlaywrightTimeout:
        return [message]
    return []


def press(locator, touch, message):
    """触屏上点一下，桌面上单击；点不到（被遮住、看不见）时返回 [message]。"""
    action = locator.tap if touch else locator.click
    return attempt(lambda: action(timeout=PANEL_TIMEOUT_MS), message)


def wait_for_panel(page, panel, shown, message):
    script = PANEL_SHOWN if shown else PANEL_HIDDEN
    return attempt(lambda: page.wait_for_function(script, arg=panel, timeout=PANEL_TIMEOUT_MS), message)


def toggle_panel(page, toggle, panel, shown, message, touch=True):
    """点侧栏按钮，等侧栏出现（shown）或收起；做不到时返回 [message]。"""
    return press(toggle, touch, message) or wait_for_panel(page, panel, shown, message)


def layout_problems(page):
    """页面横向滚动的像素数，放不下也滚不动的公式与表格，出了竖向滚动条的框。"""
    width = page.viewport_size["width"]
    problems = []
    overflow = page.evaluate(PAGE_OVERFLOW)
    if overflow > 0:
        problems.append(f"{width} px 宽时页面能横向滚动 {overflow} px")
    for item in page.evaluate(WIDE_CONTENT):
        if item["verdict"] in VERDICT_PROBLEMS:
            problems.append(f"{width} px 宽时{item['kind']}「{item['label']}」{VERDICT_PROBLEMS[item['verdict']]}")
        if item["vscroll"]:
            problems.append(f"{width} px 宽时{item['kind']}「{item['label']}」的框出了竖向滚动条")
    return problems


def search_entry_problems(page):
    count = page.evaluate(SEARCH_ENTRIES)
    return [] if count == 1 else [f"{page.viewport_size['width']} px 宽时看得见的搜索入口有 {count} 个，应当只有一个"]


def outline_problems(page):
    """有页内目录按钮时：点它，本页大纲出现在屏幕上；点大纲外面（左边缘），大纲收起。"""
    toggle = page.locator(".secondary-toggle:visible")
    if toggle.count() == 0:
        return []
    panel = ".bd-sidebar-secondary"
    problems = toggle_panel(page, toggle, panel, True, "点页内目录按钮之后本页大纲没有出现在屏幕上")
    if problems:
        return problems
    page.touchscreen.tap(10, page.viewport_size["height"] // 2)
    return wait_for_panel(page, panel, False, "点本页大纲外面之后大纲没有收起")


def toc_problems(page, follow):
    """点 ☰：目录出现在屏幕上，下一页的链接点得到；follow 时点它，到了那一页，否则点目录外面（右边缘）收起目录。"""
    toggle = page.locator(".primary-toggle:visible")
    if toggle.count() != 1:
        return [f"看得见的 ☰ 按钮有 {toggle.count()} 个"]
    panel = ".bd-sidebar-primary"
    problems = toggle_panel(page, toggle, panel, True, "点 ☰ 之后目录没有出现在屏幕上")
    links = page.locator(TOC_LINKS)
    index = links.evaluate_all(LINK_TO_TAP)
    if problems or index < 0:
        return problems or ["目录里没有看得见的、通向别的页的链接"]
    link = links.nth(index)
    target = link.evaluate("(a) => a.href")
    if follow:   # 等浏览器到那一页：HTML 解析完即可，不等公式
        message = f"点目录里的链接之后没有到 {target}"
        return press(link, True, message) or attempt(
            lambda: page.wait_for_url(target, wait_until="domcontentloaded", timeout=10_000), message
        )
    problems = attempt(lambda: link.tap(trial=True, timeout=PANEL_TIMEOUT_MS), f"目录里的链接 {target} 点不到")
    page.touchscreen.tap(page.viewport_size["width"] - 10, page.viewport_size["height"] // 2)
    return problems + wait_for_panel(page, panel, False, "点目录外面之后目录没有收起")


def touch_problems(page) -> list[str]:
    """在触屏的页面上（公式已排好），先平板后手机：版面、搜索入口、页内大纲、目录；手机上最后点目录里下一页的链接
    离开本页。逐页的测试在 test_html_first_visit.py。"""
    problems = []
    for viewport, follow in ((TABLET, False), (PHONE, True)):
        page.set_viewport_size(viewport)
        problems += layout_problems(page) + search_entry_problems(page) + outline_problems(page)
        problems += toc_problems(page, follow)
    return problems


def test_desktop_toggle_collapses_the_sidebar(tab, site):
    page, errors = tab("desktop", site + "chapters/02_rnn/02_bptt.html")
    panel, toggle = ".bd-sidebar-primary", page.locator(".primary-toggle:visible")
    problems = (
        wait_for_panel(page, panel, True, "桌面上目录侧栏一开始就没有显示")
        or toggle_panel(page, toggle, panel, False, "桌面上点 ☰ 之后目录侧栏没有收起", touch=False)
        or search_entry_problems(page)   # 侧栏收起后搜索入口还在
        or toggle_panel(page, toggle, panel, True, "桌面上再点 ☰ 之后目录侧栏没有回来", touch=False)
    )
    assert problems + errors == []


@pytest.mark.parametrize("screen", ["touch", "desktop"])
def test_search_from_the_single_entry_point(tab, site, screen):
    """点那个唯一的搜索入口（手机上点、桌面上单击），输入查询词回车：到了搜索页，列出了结果。"""
    page, errors = tab(screen, site + "chapters/02_rnn/02_bptt.html")
    if screen == "touch":
        page.set_viewport_size(PHONE)
    assert press(page.locator(".search-button__button:visible"), screen == "touch", "搜索入口点不到") == []
    field = page.locator(".search-button__wrapper.show input[name=q]")
    field.wait_for(timeout=PANEL_TIMEOUT_MS)
    assert page.evaluate("() => document.activeElement.name") == "q", "搜索框弹出后没有得到焦点"
    field.fill("梯度消失")
    field.press("Enter")
    page.wait_for_url("**/search.html?q=*", timeout=10_000)
    page.locator("#search-results a").first.wait_for(timeout=15_000)
    assert errors == []
