"""浏览器测试共用的辅助：Debian 的 chromium、构建好的页面列表、打开页面并等公式排版完。

夹具 ``site``（本地 HTTP 服务）与 ``browser``（无头 chromium）在 conftest.py。
"""

from __future__ import annotations

import shutil
from http.server import SimpleHTTPRequestHandler
from urllib.parse import urlparse

from conftest import HTML

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = sorted(
    str(p.relative_to(HTML))
    for p in HTML.glob("**/*.html")
    if not p.relative_to(HTML).parts[0].startswith(("_", "reports"))
)
# 页面加载完（goto 已等到 load）后，再等公式排版完（见 book/_static/book.js）与排版用到的字体都到齐。
# 不用 playwright 的 networkidle：它可能在 MathJax 开始取字体之前的空档里就触发过一次，之后不再触发。
WAIT_FOR_MATH = """async () => {
  await window.bookMathReady;
  await document.fonts.ready;
  return true;
}"""
PAGE_PROBLEMS = """() => {
  const problems = [];
  const text = document.querySelector('main') ? document.querySelector('main').innerText : document.body.innerText;
  if (text.includes('$$')) problems.push('未渲染的 $$ 公式');
  if (/\\\\\\(|\\\\\\[/.test(text)) problems.push('未渲染的 \\\\( 或 \\\\[ 公式');
  document.querySelectorAll('.math').forEach((el) => {
    if (!el.querySelector('mjx-container')) problems.push('公式没有被 MathJax 排版：' + el.textContent.slice(0, 40));
  });
  document.querySelectorAll('img').forEach((img) => {
    if (!img.complete || img.naturalWidth === 0) problems.push('图片没有加载：' + img.getAttribute('src'));
  });
  return problems;
}"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def watch_for_errors(page, problems: list[str]) -> None:
    """把页面上的控制台错误、脚本异常与出错（状态 ≥ 400）的 HTTP 响应记进 problems；在打开页面之前调用，
    加载时出的错也记得下。"""
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"控制台错误：{msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"脚本异常：{error}"))
    page.on("response", lambda res: res.status >= 400 and problems.append(f"HTTP {res.status}：{res.url}"))


def open_page(browser, url, *, redirect=False, **page_options):
    """打开 url 并等公式排版完；返回 (page, 问题列表)，问题列表随页面继续加载而增长。

    ``redirect``：url 是书根目录的 index.html，它只是跳转到前言的空页。``page_options`` 交给 ``new_page``（如 viewport）。
    """
    page = browser.new_page(**page_options)
    problems: list[str] = []
    host = urlparse(url).netloc

    def guard(route):
        if urlparse(route.request.url).netloc == host or route.request.url.startswith(("data:", "file:")):
            route.continue_()
        else:
            problems.append(f"请求了外部资源：{route.request.url}")
            route.abort()

    page.route("**/*", guard)
    watch_for_errors(page, problems)
    # 翻到下一页时还没取完的请求（如标签页图标）被浏览器取消（ERR_ABORTED），不是书的问题；外部请求另有记录
    page.on("requestfailed", lambda req: req.failure != "net::ERR_ABORTED"
            and problems.append(f"请求失败：{req.url}（{req.failure}）"))
    if redirect:
        with page.expect_navigation(url=lambda new: new != url):
            page.goto(url)
    else:
        page.goto(url)
    page.evaluate(WAIT_FOR_MATH)
    return page, problems
