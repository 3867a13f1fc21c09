"""逐页列出网页书里的英文界面文字，以及标签页图标的请求、公式菜单「无障碍 → 启用」前后的公式数。

判断标准与 test_html_interface.py 相同（桌面 1366 px 与手机 390 px 各查一遍，合起来计数），用来对比改动前后：

    .venv/bin/python code/tests/interface_report.py [_build/html 或它的一个副本]
"""

from __future__ import annotations

import functools
import sys
import threading
from collections import Counter
from http.server import ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from conftest import HTML
from browser_pages import CHROMIUM, CHROMIUM_ARGS, QuietHandler, open_page
from test_html_interface import DESKTOP, PHONE, activate_math_a11y, english_interface, icon_requests

A11Y_PAGE = "chapters/02_rnn/02_bptt.html"


def pages(html_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(html_dir)) for p in html_dir.glob("**/*.html")
                  if not p.relative_to(html_dir).parts[0].startswith("_") and p.name != "index.html")


def english_by_page(browser, base: str, names: list[str]) -> dict[str, set[str]]:
    found = {}
    for name in names:
        page, _ = open_page(browser, base + name)
        found[name] = set()
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            page.wait_for_timeout(100)
            found[name].update(english_interface(page))
        page.close()
    return found


def math_a11y(browser, base: str) -> tuple[int, list[int]]:
    """打开时排好的公式数，与点了「无障碍 → 启用」（旧版菜单是 Accessibility → Activate）之后的 [公式数, 已排版的]。"""
    page, _ = open_page(browser, base + A11Y_PAGE)
    before = page.evaluate("() => document.querySelectorAll('.math mjx-container').length")
    chinese = page.evaluate("() => MathJax.startup.document.menu.menu.findID('Accessibility').content === '无障碍'")
    after = activate_math_a11y(page, ("无障碍", "启用") if chinese else ("Accessibility", "Activate"))
    page.close()
    return before, after


def report(html_dir: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(html_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        found = english_by_page(browser, base, pages(html_dir))
        print("每页的英文界面文字（桌面与手机合计，不同的字符串数）")
        for name, strings in found.items():
            print(f"{len(strings):4d}  {name}")
        print("\n各字符串出现在几页")
        for text, count in Counter(s for strings in found.values() for s in strings).most_common():
            print(f"{count:4d}  {text[:110]!r}")
        for name in ("index.html", "book/preface.html"):
            print(f"\n打开 {name} 时浏览器请求的图标：{icon_requests(browser, html_dir, name)}")
        before, (total, typeset) = math_a11y(browser, base)
        print(f"\n{A11Y_PAGE}：打开时排好 {before} 个公式；「无障碍 → 启用」之后已排版 {typeset}/{total}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    report(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HTML)
