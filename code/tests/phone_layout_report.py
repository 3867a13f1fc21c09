"""逐页量出构建好的 HTML 书在手机、平板与桌面上的横向溢出，打印成表。

    .venv/bin/python code/tests/phone_layout_report.py [HTML 目录，默认 _build/html]

每页一行（阅读顺序）：390 px 与 768 px 宽时页面能横向滚动多少像素（scrollWidth − clientWidth），
1366 px 与 390 px 宽时有几个行间公式被截断或撑宽页面（放不下也不能在自己的框里滚动），
390 px 宽时在自己的框里横向滚动的公式数 / 行间公式总数，以及看得见的搜索入口数。
判断规则与 test_html_phone.py 相同。
"""

from __future__ import annotations

import functools
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

from conftest import HTML
from browser_pages import CHROMIUM, CHROMIUM_ARGS, WAIT_FOR_MATH, QuietHandler
from test_html_phone import BOOK_PAGES, PAGE_OVERFLOW, PHONE, SCREENS, SEARCH_ENTRIES, TABLET, WIDE_CONTENT

# 每个宽度各用一个新的浏览器上下文、逐页重新加载（测试里平板与手机共用一个标签页、只换视口大小，
# 这张表也就顺带核对了换视口大小量出的结果与直接在那个宽度上打开的一样）
CONTEXTS = {
    390: {**SCREENS["touch"], "viewport": PHONE},
    768: {**SCREENS["touch"], "viewport": TABLET},
    1366: SCREENS["desktop"],
}


def measure(browser, base: str, pages: list[str], options: dict) -> dict[str, dict]:
    """在一个视口里逐页量：页面横向溢出的像素数与每个行间公式的处境。"""
    context = browser.new_context(**options)
    page = context.new_page()
    results = {}
    for name in pages:
        page.goto(base + quote(name))
        page.evaluate(WAIT_FOR_MATH)
        equations = [item for item in page.evaluate(WIDE_CONTENT) if item["kind"] == "公式"]
        results[name] = {
            "overflow": page.evaluate(PAGE_OVERFLOW),
            "bad": sum(item["verdict"] in ("clipped", "page") for item in equations),
            "scrolls": sum(item["verdict"] == "scrolls" for item in equations),
            "total": len(equations),
            "search": page.evaluate(SEARCH_ENTRIES),
        }
    context.close()
    return results


def report(root: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = [name for name in BOOK_PAGES if (root / name).exists()]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        by_width = {width: measure(browser, base, pages, options) for width, options in CONTEXTS.items()}
        browser.close()
    server.shutdown()
    print("| 页面 | 溢出 px @390 | 溢出 px @768 | 截断的公式 @1366 | 截断的公式 @390 | 自己滚动的公式 @390 "
          "| 搜索入口 @390 · @1366 |")
    print("|---|---|---|---|---|---|---|")
    for name in pages:
        phone, tablet, desktop = (by_width[width][name] for width in CONTEXTS)
        print(f"| {name} | {phone['overflow']} | {tablet['overflow']} | {desktop['bad']} | {phone['bad']} "
              f"| {phone['scrolls']}/{phone['total']} | {phone['search']} · {desktop['search']} |")


if __name__ == "__main__":
    report(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HTML)
