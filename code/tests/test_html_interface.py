"""网页书的界面只用一种语言：中文（简体，大陆用语）。

逐页在无头 chromium 里打开构建好的书，等脚本都运行完（主题的提示框、折叠按钮、MathJax），在桌面宽度与
手机宽度下各查一遍读者看得到、读屏软件会念的界面文字——正文之外（页眉、侧栏、页脚、对话框）的文字，以及
各元素的 title、aria-label、placeholder、提示框等属性：没有英文，没有台湾用语「列印」，该有的中文提示都在。
另外检查页脚、浏览器标签页上的图标（http:// 与 file:// 下都不缺）、不生成的索引页、根目录的跳转页，以及
MathJax 公式菜单是中文、「无障碍 → 启用」不会撤掉公式。逐页的检查（``interface_facts``）由 test_html_book.py 的
``test_interface_is_chinese`` 调用，与那里的其他逐页检查共用每页的一次打开。

逐页列出找到的英文界面文字与图标请求（改动前后对比用）：python code/tests/interface_report.py [_build/html]
"""

from __future__ import annotations

import functools
import re
import threading
import time
from http.server import ThreadingHTTPServer

import pytest
import yaml

from conftest import REPO
from browser_pages import PAGES, QuietHandler, open_page

from wordvec_book.edition import edition

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
CONTENT_PAGES = [name for name in PAGES if name != "index.html"]   # index.html 只是跳到前言，另测

# 页面上的英文界面文字。正文不算界面：排好的公式、代码、文献引用、指向别页的链接（提示就是那一页的题目）、页名、正文里的图。
# 一段文字里有汉字就不算英文（如「在 Colab 中打开」）；专有名词与文件后缀不算英文。
ENGLISH_INTERFACE = r"""(root) => {
  const ATTRIBUTES = ["title", "aria-label", "placeholder", "alt", "data-bs-title", "data-bs-original-title",
    "data-toggle-hint", "data-tooltip", "aria-description", "aria-roledescription", "aria-valuetext"];
  const CONTENT = "script, style, mjx-container, pre, code, .bibtex-citation, a.reference, .prev-next-title, "
    + "#jb-print-docs-body h1, article img";
  const NAMES = /\b(Binder|Colab|GitHub|MathJax|MathML|TeX|SVG|CHTML|Mathspeak|Clearspeak|ChromeVox|PDF|Ctrl|Alt|Shift|Control|Command|ipynb|md|pdf)\b/g;
  const english = (s) => !/[\u3400-\u9fff]/.test(s) && /[A-Za-z]{2,}/.test(s.replace(NAMES, ""));
  root = root || document.body;
  const found = [];
  for (const el of [root, ...root.querySelectorAll("*")]) {
    if (el.closest(CONTENT)) continue;
    for (const name of ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value && english(value)) found.push(`${name}="${value}"`);
    }
  }
  // 正文（article）里的文字也不算，只有其中的按钮与折叠框的摘要（如隐藏的代码单元上的「显示代码」）算界面
  const isContent = (el) => el.closest(CONTENT) || (el.closest("article.bd-article") && !el.closest("summary, button"));
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const text = node.textContent.trim();
    if (english(text) && !isContent(node.parentElement)) found.push(text);
  }
  return [...new Set(found)];
}"""

# 读者看到的提示：Bootstrap 初始化提示框后把 title 移到 data-bs-original-title
LABELS = """(selector) => [...document.querySelectorAll(selector)].map((el) =>
  el.getAttribute('data-bs-original-title') || el.getAttribute('title') || el.getAttribute('aria-label')
  || el.getAttribute('placeholder') || el.textContent.trim())"""
# 每页都有的界面元素与它们的中文提示
EVERY_PAGE = {
    "#pst-skip-link a": "跳转至正文",
    "#pst-back-to-top": "回到顶部",
    ".primary-toggle": "切换侧栏",
    ".theme-switch-button": "颜色模式：浅色 / 深色 / 跟随系统",
    ".btn-fullscreen-button": "全屏",
    ".btn-source-repository-button": "源码库",
    "input[name=q]": "搜索本书…",
}
# 只在一部分页面上有的：有源文件的页（下载）、有小节目录的页、笔记本页面（启动链接）、有上一页或下一页的、有「答案」框的
SOME_PAGES = {
    ".dropdown-download-buttons > button": "下载本页",
    ".btn-download-pdf-button": "打印为 PDF",
    ".secondary-toggle": "切换目录",
    ".dropdown-launch-buttons > button": "在线运行本页",
    ".dropdown-launch-buttons a[href*='colab']": "在 Colab 中打开",
    ".dropdown-launch-buttons a[href*='mybinder']": "在 Binder 中打开",
    "a.left-prev": "上一页",
    "a.right-next": "下一页",
    ".toggle-button[aria-label]": "显示或隐藏",
}


def english_interface(page) -> list[str]:
    return page.evaluate(ENGLISH_INTERFACE)


def wrong_labels(page) -> list[str]:
    """界面元素的提示与期望不符的，以及每页都该有却缺了的。"""
    problems = []
    for selector, expected in {**EVERY_PAGE, **SOME_PAGES}.items():
        labels = page.evaluate(LABELS, selector)
        if not labels and selector in EVERY_PAGE:
            problems.append(f"缺少 {selector}")
        problems += [f"{selector} 的提示是「{label}」，应为「{expected}」" for label in labels if label != expected]
    hints = page.eval_on_selector_all(".toggle-button", "(buttons) => buttons.map((b) => b.dataset.toggleHint)")
    problems += [f"折叠按钮的提示是「{hint}」" for hint in hints if hint not in ("点击显示", "点击隐藏")]
    return problems


def interface_facts(page) -> dict:
    """一页的界面文字：桌面与手机宽度下的英文界面文字、不对的提示、台湾用语、页脚（逐页的断言在 test_html_book）。"""
    english = {}
    for label, viewport in (("桌面", DESKTOP), ("手机", PHONE)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(100)   # 让按宽度切换布局的脚本跑完
        english[label] = english_interface(page)
    return {"english": english, "labels": wrong_labels(page), "taiwanese": "列印" in page.content(),
            "footer": page.inner_text(".bd-footer-content").strip()}


def interface_problems(name: str, facts: dict) -> list[str]:
    """``interface_facts`` 的结果里不合要求的地方。"""
    problems = [f"{name} 上有英文界面文字（{label}）：{found}" for label, found in facts["english"].items() if found]
    problems += [f"{name} 的界面提示不对：{label}" for label in facts["labels"]]
    if facts["taiwanese"]:
        problems.append(f"{name} 上有台湾用语「列印」（应为「打印」）")
    version, date = edition(REPO)
    if facts["footer"] != f"作者：{CONFIG['author']} · © {CONFIG['copyright']} · 版本 {version}（{date}）":
        problems.append(f"{name} 的页脚是「{facts['footer']}」")
    return problems


def test_root_redirect_has_language_and_title(built_html):
    html = (built_html / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html, "根目录的 index.html 没有 lang"
    assert f"<title>{CONFIG['title']}</title>" in html, "根目录的 index.html 没有书名作标题"
    target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
    assert target and (built_html / target[1]).exists(), "根目录的 index.html 没有跳到书的第一页"


def test_index_page_not_built_nor_linked(built_html):
    assert not (built_html / "genindex.html").exists(), "不该生成索引页 genindex.html（html_use_index: false）"
    linking = [name for name in PAGES if "genindex" in (built_html / name).read_text(encoding="utf-8")]
    assert linking == [], f"这些页面链接到不存在的索引页：{linking}"


# ---- 浏览器标签页上的图标 ----

ICON = re.compile(r'<link rel="icon" href="([^"]+)"')


def test_every_page_names_an_existing_icon(built_html):
    """每页都指明图标，否则浏览器会去请求不存在的 /favicon.ico（跳转页用空的 data: 图标）。"""
    missing = []
    for name in PAGES:
        icon = ICON.search((built_html / name).read_text(encoding="utf-8"))
        if not icon or not (icon[1].startswith("data:") or (built_html / name).parent.joinpath(icon[1]).is_file()):
            missing.append(name)
    assert missing == [], f"这些页面没有图标或图标文件不存在：{missing}"


class RecordingHandler(QuietHandler):
    """记下每个请求的路径与状态码：浏览器自己请求的图标不经过 playwright，只能在服务器这边看到。"""

    requests: list[tuple[str, int]]

    def log_request(self, code="-", size="-"):
        self.requests.append((self.path, int(code)))


def icon_requests(browser, html_dir, page_name="book/preface.html", wait_s=10.0) -> list[tuple[str, int]]:
    """打开一页，等浏览器请求标签页图标（最多 wait_s 秒），返回图标相关的请求与状态码。"""
    handler = type("Handler", (RecordingHandler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(html_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/{page_name}")
    deadline = time.monotonic() + wait_s
    icons = []
    while not icons and time.monotonic() < deadline:
        page.wait_for_timeout(200)
        icons = [(path, code) for path, code in handler.requests if "favicon" in path]
    page.close()
    server.shutdown()
    return icons


def test_icon_loads_over_http(browser, built_html):
    icons = icon_requests(browser, built_html)
    assert icons, "浏览器没有请求标签页图标"
    assert all(code == 200 and path != "/favicon.ico" for path, code in icons), f"图标请求：{icons}"


ICON_LOADS = """async () => {
  const image = new Image();
  image.src = document.querySelector('link[rel="icon"]').href;
  await image.decode();
  return image.naturalWidth;
}"""


def test_icon_loads_from_the_file_system(browser, built_html):
    page, _ = open_page(browser, (built_html / "book" / "preface.html").as_uri())
    width = page.evaluate(ICON_LOADS)
    page.close()
    assert width > 0, "直接打开文件（file://）时标签页图标加载不了"


# ---- MathJax 的公式菜单 ----

TYPESET = "() => [document.querySelectorAll('.math').length, document.querySelectorAll('.math mjx-container').length]"


def open_math_menu(page):
    """右键点第一个公式，打开 MathJax 的菜单（第一次点时菜单才加载，见 book/_static/book.js）。"""
    formula = page.locator(".math mjx-container").first
    formula.scroll_into_view_if_needed()
    formula.click(button="right")
    page.locator(".CtxtMenu_Menu").first.wait_for(timeout=30_000)


def click_menu_item(page, path: list[str]):
    """依次指向子菜单，点最后一项（菜单项的文字后面可能带着 ► 或 ✓）。"""
    for text in path[:-1]:
        page.locator(".CtxtMenu_MenuItem", has_text=text).first.hover()
    page.locator(".CtxtMenu_MenuItem", has_text=path[-1]).first.click()


def activate_math_a11y(page, path=("无障碍", "启用"), wait_s=20.0) -> list[int]:
    """点菜单的「无障碍 → 启用」，等 MathJax 给公式加上语义标注、重新排好（或等够 wait_s 秒），
    返回 [公式数, 已排版的公式数]。"""
    open_math_menu(page)
    click_menu_item(page, list(path))
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        if page.evaluate("() => document.querySelector('.math mjx-container [data-semantic-type]') !== null"):
            break
    return page.evaluate(TYPESET)


def test_math_menu_is_chinese(browser, site):
    page, problems = open_page(browser, site + "book/preface.html")
    open_math_menu(page)
    page.locator(".CtxtMenu_MenuItem", has_text="无障碍").first.hover()
    english = [text for menu in page.query_selector_all(".CtxtMenu_Menu") for text in menu.evaluate(ENGLISH_INTERFACE)]
    page.close()
    assert english == [], "MathJax 的公式菜单里还有英文"
    assert problems == []


# 公式的字形由 MathJax 的样式表给出（mjx-c::before 的 content）；菜单加载后重排的公式也要有
FORMULAS_DRAWN = """() => [...document.querySelectorAll('mjx-container mjx-c')].slice(0, 200)
  .every((c) => getComputedStyle(c, '::before').content !== 'none')"""


@pytest.mark.parametrize("how", ["right_click", "keyboard"])
def test_math_menu_loads_on_first_use(browser, site, how):
    """公式菜单不随页面加载；第一次右键点公式（或 Tab 选中公式后按空格）时加载并打开，公式照样显示、都能用键盘选中。"""
    page, problems = open_page(browser, site + "chapters/02_rnn/02_bptt.html")
    scripts = page.evaluate("() => performance.getEntriesByType('resource').map((r) => r.name)")
    assert not any("ui/menu.js" in url for url in scripts), "菜单脚本随页面一起加载了"
    count = page.locator("mjx-container").count()
    assert page.locator("mjx-container[tabindex]").count() == count, "菜单加载前公式不在 Tab 键的顺序里"
    formula = page.locator("mjx-container").nth(3)
    formula.scroll_into_view_if_needed()
    if how == "keyboard":
        formula.focus()
        page.keyboard.press("Space")
    else:
        formula.click(button="right")
    page.locator(".CtxtMenu_Menu").wait_for(timeout=30_000)
    assert page.locator("mjx-container").count() == count, "菜单加载后重排，公式的个数变了"
    assert page.evaluate(FORMULAS_DRAWN), "菜单加载后重排的公式没有字形（MathJax 的样式表丢了）"
    assert page.locator("mjx-container[tabindex]").count() == count, "菜单加载后公式没有进入键盘的焦点顺序"
    page.close()
    assert problems == []


def test_math_accessibility_keeps_formulas(browser, site):
    """「无障碍 → 启用」要先加载语音规则引擎再重新排版：公式不能被撤掉，设置记住后重新打开也照样排版。"""
    page, problems = open_page(browser, site + "book/preface.html")
    total, typeset = activate_math_a11y(page)
    assert total > 0 and typeset == total, f"启用无障碍后只剩 {typeset}/{total} 个公式"
    page.reload()
    page.evaluate("() => window.bookMathReady")
    assert page.evaluate(TYPESET) == [total, total], "记住无障碍设置后重新打开，公式没有排版"
    page.close()
    assert problems == []


def test_math_accessibility_disabled_from_the_file_system(browser, built_html):
    """直接打开文件时浏览器不许读语音规则文件：这几项停用，点了也不撤掉公式。"""
    page, problems = open_page(browser, (built_html / "book" / "preface.html").as_uri())
    open_math_menu(page)
    page.locator(".CtxtMenu_MenuItem", has_text="无障碍").first.hover()
    item = page.locator(".CtxtMenu_MenuItem", has_text="启用").first
    disabled = item.get_attribute("aria-disabled")
    item.click(force=True)
    page.wait_for_timeout(500)
    typeset = page.evaluate(TYPESET)
    page.close()
    assert disabled == "true", "file:// 下「无障碍 → 启用」应当停用"
    assert typeset[0] == typeset[1] > 0
    # 只看 MathJax 的：file:// 下别的控制台错误由 test_html_book 的 test_opens_from_the_file_system 检查
    assert [p for p in problems if "mathjax" in p or p.startswith("脚本异常")] == []
