"""慢网上第一次打开每一页：下载多少字节、中文字体切片只取用到的、多久公式排好。

读者多在手机上、常在慢网或断网时读这本书。每一页都在新的浏览器上下文里打开（缓存是空的，像第一次来的读者），
由本测试的 http.server 提供（不压缩），用 Chrome 开发者协议（CDP）的 ``Network.loadingFinished`` 数出传输的字节：

- 章节页合计不超过 :data:`PAGE_LIMIT`（2 MB）；其他页（前言、教师指南、检索页……）用同一上限；
- 检索数据 ``book-search-data.js`` 只在检索页加载；不加载含全部图标的 Font Awesome 脚本；
- 随书中文字体的切片（``book/_ext/book_cjk_fonts.py``）：只下载 unicode-range 与本页文字相交的切片；本机没有
  中文字体时，页面上看得见的每个汉字所在的切片都已下载（否则它显示为空白）；
- 每个含汉字的元素（正文、标题、代码、公式里的 ``\\text{}``……）确实用中文字体画出（不是方框，也不是空白）；
- 在 Chromium 的「Fast 3G」网速下，每页从开始加载到首次出字、到公式排好（``window.bookMathReady`` 兑现）用了多久。

前四条由 :func:`check_first_load` 检查，测试在 test_html_first_visit.py：那里每页只打开一次，也做暗色与触屏的检查。
本文件是 Fast 3G 的测试。结果列成表，并写进 ``_build/reports/page_weight.json``（都见 conftest.py 的
pytest_terminal_summary）。
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote, unquote, urlparse

from conftest import HTML
from browser_pages import PAGES, watch_for_errors

PAGE_LIMIT = 2_000_000
PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=3)
# Chromium 开发者工具的「Fast 3G」：1.6 Mbit/s 下行、750 kbit/s 上行（各乘 0.9）、往返延迟 150 ms × 3.75
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000, "uploadThroughput": 84_375}
FAST_3G_PARALLEL = 4       # 同时在慢网上打开的页数（每页有自己的限速）；页面多在等网络，CPU 占得少
FAST_3G_TIMEOUT = 120      # 秒
FONT_CSS = "_static/book-cjk.css"

# 在页面脚本之前运行：book.js 给 window.bookMathReady 赋值时记下它兑现的时刻（毫秒，从开始导航算起）
MATH_CLOCK = """(() => {
  let ready;
  Object.defineProperty(window, 'bookMathReady', {
    configurable: true,
    get() { return ready; },
    set(promise) { ready = promise; promise.then(() => { window.bookMathReadyAt = performance.now(); }); },
  });
})()"""
# 公式排好时返回首次出字（first-contentful-paint）与公式排好的时刻（毫秒，从开始导航算起），还没排好时返回 null
PAINT_AND_MATH = """() => window.bookMathReadyAt === undefined ? null : {
  fast_3g_paint_ms: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null,
  fast_3g_math_ms: window.bookMathReadyAt,
}"""
# 公式排好、字体与图片都到齐之后，页面上的文字：看得见的（innerText）与整页 HTML（含属性与内嵌数据）
SETTLED_TEXT = """async () => {
  if (document.readyState !== 'complete') await new Promise((done) => addEventListener('load', done));
  await window.bookMathReady;
  await document.fonts.ready;
  await Promise.all([...document.images].map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener('load', done); img.addEventListener('error', done);
  })));
  return {visible: document.body.innerText, all: document.documentElement.outerHTML};
}"""
# 本机有没有中文字体：只用本机中文字体（列表与 book.css 的 --book-font-cjk 相同）画一个「中」，
# 本机一个都没有时落到只含空白字形的 "Book CJK Blank"，画布上没有一个像素
SYSTEM_CJK = """async () => {
  const stack = getComputedStyle(document.documentElement).getPropertyValue('--book-font-cjk-system');
  await document.fonts.load('40px "Book CJK Blank"', '中');
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 60;
  const context = canvas.getContext('2d');
  context.font = `40px ${stack}, "Book CJK Blank"`;
  context.fillText('中', 5, 45);
  return context.getImageData(0, 0, 60, 60).data.some((value) => value !== 0);
}"""
# 直接含汉字的元素（MathJax 给读屏软件的隐藏 MathML 剪裁成 1 像素、看不见，不算）：做上记号，返回中文字体的名字
MARK_CJK_ELEMENTS = r"""() => {
  const han = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (han.test(node.data) && element && !element.closest('script, style, noscript, mjx-assistive-mml')) {
      element.setAttribute('data-book-cjk', '');
    }
  }
  const system = getComputedStyle(document.documentElement).getPropertyValue('--book-font-cjk-system');
  return [...system.matchAll(/"([^"]+)"/g)].map((match) => match[1]).concat(['Book CJK']);
}"""


def cjk_drawn_without_cjk_font(page) -> list[str]:
    """用哪种字体画出了每个含汉字的元素（CDP 的 CSS.getPlatformFontsForNode）：没有一种是中文字体的，汉字就画成了
    方框（拉丁字体的 .notdef）；只有 "Book CJK Blank" 的，汉字还是空白。返回这样的元素（最多 10 个）。"""
    cjk_fonts = set(page.evaluate(MARK_CJK_ELEMENTS))
    cdp = page.cdp
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    bad = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-book-cjk]"})["nodeIds"]:
        fonts = {font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
        if fonts and not fonts & cjk_fonts:
            html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
            bad.append(f"{html[:80]}：{sorted(fonts)}")
    return bad[:10]


def page_kind(name: str) -> str:
    return "章节" if name.startswith("chapters/") else "其他"


def font_slices(html=HTML) -> dict[str, set[int]]:
    """book-cjk.css 里每个中文字体切片（相对 _static 的路径）→ 它的 unicode-range 含的码位。"""
    css = (html / FONT_CSS).read_text(encoding="utf-8")
    slices = {}
    for rule in re.findall(r"@font-face\s*\{([^}]*)\}", css):
        if '"Book CJK"' not in rule:
            continue
        url = re.search(r'url\("?([^")]+)"?\)', rule).group(1)
        slices[url] = code_points(re.search(r"unicode-range:\s*([^;]+)", rule).group(1))
    return slices


def code_points(unicode_range: str) -> set[int]:
    points = set()
    for part in unicode_range.split(","):
        first, _, last = part.strip().upper().removeprefix("U+").partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def first_load(browser, url: str, *, throttle: dict | None = None, color_scheme: str = "light"):
    """在新的浏览器上下文（空缓存）里以手机的样子打开 url；返回 (page, 已完成的请求列表 [{url, bytes}])。

    请求列表随页面继续加载而增长；``bytes`` 是 CDP 报告的传输字节（含响应头），失败的请求记为 None。
    ``page.errors`` 从开始导航起记下页面上的错（见 browser_pages.watch_for_errors）。
    """
    context = browser.new_context(**PHONE, color_scheme=color_scheme)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if throttle:
        cdp.send("Network.emulateNetworkConditions", throttle)
    sent, done = {}, []
    cdp.on("Network.requestWillBeSent", lambda e: sent.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished",
           lambda e: done.append({"url": sent.pop(e["requestId"], "?"), "bytes": e["encodedDataLength"]}))
    cdp.on("Network.loadingFailed", lambda e: done.append({"url": sent.pop(e["requestId"], "?"), "bytes": None}))
    page.add_init_script(MATH_CLOCK)
    page.errors = []                    # 控制台错误、脚本异常、出错的 HTTP 响应
    watch_for_errors(page, page.errors)
    page.pending = sent                 # 还没完成的请求，见 wait_for_quiet
    page.cdp = cdp
    page.goto(url, wait_until="commit")
    return page, done


def settled_text(page) -> dict:
    """等公式排好、字体与图片到齐，返回页面上的文字；书根目录的 index.html 会先跳转到前言。"""
    for _ in range(3):
        try:
            return page.evaluate(SETTLED_TEXT)
        except Exception as error:   # 跳转时旧页面的执行环境没了，在新页面上再等
            if "context was destroyed" not in str(error) and "navigation" not in str(error):
                raise
            page.wait_for_load_state()
    raise AssertionError(f"{page.url}：页面一直在跳转")


def wait_for_quiet(page, quiet_ms: int = 300, timeout_s: float = 30):
    """等到页面连续 quiet_ms 毫秒没有未完成的请求。"""
    deadline, quiet_since = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        page.wait_for_timeout(100)
        if page.pending:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_ms / 1000:
            return
    raise AssertionError(f"{page.url}：{timeout_s} 秒后仍有请求没有完成：{list(page.pending.values())[:5]}")


def local_path(site: str, url: str) -> str:
    """请求的网址 → 相对 _build/html 的路径（去掉查询串）；不是本书的网址原样返回。"""
    return unquote(urlparse(url).path).lstrip("/") if url.startswith(site) else url


def summarize(site: str, done: list[dict]) -> dict:
    files = sorted(({"path": local_path(site, r["url"]), "bytes": r["bytes"] or 0} for r in done
                    if not r["url"].startswith("data:")), key=lambda f: -f["bytes"])
    return {"bytes": sum(f["bytes"] for f in files), "requests": len(files), "files": files}


def load_facts(page, done: list[dict]) -> dict:
    """刚以空缓存打开的页面（见 first_load）：等一切到齐，返回页面上的文字、本机有没有中文字体、
    没用中文字体画的含汉字元素、已完成的请求。"""
    text = settled_text(page)
    wait_for_quiet(page)
    return {"text": text, "system_cjk": page.evaluate(SYSTEM_CJK), "tofu": cjk_drawn_without_cjk_font(page),
            "done": list(done)}


def check_first_load(site: str, name: str, facts: dict, record_property) -> None:
    """第一次打开 ``name`` 的传输量、请求与字体切片（facts 来自 load_facts）；结果记进结尾的表与
    _build/reports/page_weight.json（见 conftest.py）。"""
    done, text = facts["done"], facts["text"]
    result = summarize(site, done)
    paths = [f["path"] for f in result["files"]]
    slices = font_slices()
    fetched = {p.removeprefix("_static/") for p in paths if p.removeprefix("_static/") in slices}
    # 页面加载的本书脚本（界面译文、MathJax 菜单的中文……）里的字也可能出现在页面上
    scripts = [HTML / p for p in paths if p.endswith(".js") and p.startswith("_static/") and "/mathjax/" not in p
               and "/vendor/" not in p]
    used = {ord(c) for c in text["all"] + "".join(p.read_text(encoding="utf-8") for p in scripts)}
    visible = {ord(c) for c in text["visible"]}
    result.update(name=name, kind=page_kind(name), system_cjk=facts["system_cjk"], slices=sorted(fetched))
    record_property("page_weight", json.dumps(result, ensure_ascii=False))

    failed = [r["url"] for r in done if r["bytes"] is None]
    assert failed == [], f"{name}：请求失败 {failed}"
    outside = [p for p in paths if "://" in p]
    assert outside == [], f"{name}：请求了本书以外的地址 {outside}"
    assert result["bytes"] <= PAGE_LIMIT, (
        f"{name}：第一次打开传输 {result['bytes'] / 1e6:.2f} MB，超过 {PAGE_LIMIT / 1e6:.0f} MB；"
        f"最大的文件：{result['files'][:5]}")
    if name != "search.html":
        assert not any(p.endswith("book-search-data.js") for p in paths), f"{name}：检索数据只该在检索页加载"
    icon_scripts = [p for p in paths if re.search(r"fontawesome.*\.js$", p)]
    assert icon_scripts == [], f"{name}：加载了含全部图标的 Font Awesome 脚本 {icon_scripts}"
    unrelated = sorted(s for s in fetched if not slices[s] & used)
    assert unrelated == [], f"{name}：下载了与本页文字无关的字体切片 {unrelated}"
    if facts["system_cjk"]:
        assert fetched == set(), f"{name}：本机有中文字体，却下载了字体切片 {sorted(fetched)}"
    else:
        missing = sorted(s for s in slices if slices[s] & visible and s not in fetched)
        assert missing == [], f"{name}：本机没有中文字体，看得见的字所在的切片却没有下载 {missing}"
    assert facts["tofu"] == [], f"{name}：这些元素里的汉字没有用中文字体画（方框或空白）：{facts['tofu']}"


def test_time_to_math_on_fast_3g(browser, site, record_property):
    """每页在 Fast 3G 下从开始导航到首次出字、到公式排好的时间（同时开 FAST_3G_PARALLEL 页，各自限速）。"""
    waiting, running, times = list(PAGES), [], {}
    while waiting or running:
        while waiting and len(running) < FAST_3G_PARALLEL:
            name = waiting.pop(0)
            page, _ = first_load(browser, site + quote(name), throttle=FAST_3G)
            running.append((name, page, time.monotonic()))
        running[0][1].wait_for_timeout(250)
        for entry in list(running):
            name, page, started = entry
            try:
                at = page.evaluate(PAINT_AND_MATH)
            except Exception:   # 书根目录的 index.html 正跳转到前言
                at = None
            if at is not None or time.monotonic() - started > FAST_3G_TIMEOUT:
                times[name] = at or {}
                page.context.close()
                running.remove(entry)
    record_property("fast_3g", json.dumps(times))
    slow = sorted(name for name, at in times.items() if not at)
    assert slow == [], f"Fast 3G 下 {FAST_3G_TIMEOUT} 秒内公式仍没有排好：{slow}"
