"""书的全文检索（book/_ext/book_search.py、book/_static/book-search.js 与 book-highlight.js），在无头 chromium 里
像读者那样查：每个查询，讲它的那一章排在前 3；多个词的查询只列出含每个词的页；摘要是正文文字（没有 LaTeX 源码、
没有主题的按钮与导航文字），查询词有标记；从 file:// 打开也有摘要、没有控制台错误；点开结果，落地页标出查询词；
主题的 Ctrl+K 检索框也通到这些结果。各查询的排名与前 3 个结果在测试结束时列出（conftest.py）。
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest

from conftest import HTML
# browser 与 site 是 conftest.py 的夹具
from browser_pages import PAGE_PROBLEMS, PAGES, open_page

# 查询 → 必须排进前 3 的页：标题或小节标题含这个词的那一章（按构建出的书里的页面标题与小节标题定）
EXPECTED = {
    "词向量": ["chapters/00_notation/01_notation"],   # 小节「词向量」
    "梯度消失": ["chapters/03_vanishing_exploding/index", "chapters/03_vanishing_exploding/02_remedies"],
    "负采样": ["chapters/01_word2vec/03_negative_sampling"],
    "层序 softmax": ["chapters/01_word2vec/04_hierarchical_softmax"],
    "时间反向传播": ["chapters/02_rnn/02_bptt"],
    "反向传播": ["chapters/02_rnn/02_bptt"],   # 标题「时间反向传播（BPTT）」
    "长短期记忆": ["chapters/05_lstm/01_lstm"],
    "LSTM": ["chapters/05_lstm/01_lstm"],
    # 小节「遗忘门的偏置」；遗忘门在「长短期记忆（LSTM）」里加粗定义，也要在前 3
    "遗忘门": ["chapters/05_lstm/02_lstm_gradients", "chapters/05_lstm/01_lstm"],
    "门控循环单元": ["chapters/04_gru/01_gru"],
    "softmax": ["chapters/01_word2vec/01_skipgram_softmax", "chapters/01_word2vec/04_hierarchical_softmax"],
    "困惑度": ["chapters/02_rnn/05_char_lm"],   # 小节「困惑度与两条基线」
}
MIXED_QUERIES = ["LSTM 遗忘门", "softmax 梯度"]
# 摘要里不该有的：LaTeX 源码，主题的按钮、菜单与导航文字（「根目录」之类的正文不算）
LATEX_SOURCE = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$|\\frac|\\begin")
THEME_TEXT = re.compile(r"\.pdf|(?<![根子])目录|Click to|Toggle|Skip to|Back to top|源码库|全屏|列印|打印成|本书作者")

# 检索页写出「搜索完成」（找到 N 页或没有结果）时结果已经全部显示
SEARCH_FINISHED = "() => document.querySelector('#search-results p.search-summary')?.textContent.trim() !== ''"
RESULTS = """() => [...document.querySelectorAll('#search-results ul.search > li')].map((li) => ({
  href: li.querySelector('a').getAttribute('href'),
  title: li.querySelector('a').textContent.trim(),
  excerpt: li.querySelector('.context')?.textContent.trim() ?? '',
  marked: [...li.querySelectorAll('.context .highlighted')].map((m) => m.textContent),
}))"""


def search(page, base, query):
    """在检索页查 ``query``；返回 (结果列表, 从打开检索页到显示完结果的毫秒数)。"""
    page.goto(base + "search.html?q=" + quote(query))
    page.wait_for_function(SEARCH_FINISHED, timeout=15_000)
    milliseconds = page.evaluate("() => performance.now()")
    return page.evaluate(RESULTS), milliseconds


def page_of(href: str) -> str:
    """结果链接 → 页名（去掉 .html、查询串与锚点）。"""
    return re.sub(r"\.html.*$", "", href)


def article_text(name: str) -> str:
    """构建好的页面 ``name`` 正文（<article>）的文字，小写。"""
    page = (HTML / f"{name}.html").read_text(encoding="utf-8")
    article = re.search(r"<article[^>]*>(.*)</article>", page, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", article)).lower()


def rank_row(query, results, milliseconds):
    """(期望的各页的名次，None 为没找到；给人看的一行)。"""
    pages = [page_of(r["href"]) for r in results]
    ranks = [pages.index(name) + 1 if name in pages else None for name in EXPECTED[query]]
    shown = "、".join("无" if r is None else f"第 {r}" for r in ranks)
    top = " | ".join(r["title"] for r in results[:3])
    return ranks, f"{query}：{shown}（共 {len(results)} 页，{milliseconds:.0f} ms）前 3：{top}"


@pytest.fixture(scope="module")
def http_results(browser, site):
    """经 http 查 EXPECTED、MIXED_QUERIES 与后者里的每个词：{查询: (结果列表, 毫秒)}。"""
    queries = dict.fromkeys([*EXPECTED, *MIXED_QUERIES, *(word for q in MIXED_QUERIES for word in q.split())])
    page, problems = open_page(browser, site + "search.html")
    found = {query: search(page, site, query) for query in queries}
    page.close()
    assert problems == []
    return found


def test_chapter_ranks_in_top_three(http_results, record_property):
    rows, misses = [], []
    for query in EXPECTED:
        ranks, row = rank_row(query, *http_results[query])
        rows.append(row)
        if any(r is None or r > 3 for r in ranks):
            misses.append(row)
    data = HTML / "_static" / "book-search-data.js"
    rows.append(f"检索数据 {data.name}：{data.stat().st_size / 1024:.0f} KB，只由 search.html 载入")
    record_property("search_ranks", "\n".join(rows))
    assert misses == [], "这些查询的章节没有排进前 3：\n" + "\n".join(misses)


@pytest.mark.parametrize("query", MIXED_QUERIES)
def test_every_term_counts(http_results, query):
    """多个词的查询只列出含每一个词的页：是各个词单独查到的页的交集的一部分，而且每页的正文里确有每个词。"""
    pages = [page_of(r["href"]) for r in http_results[query][0]]
    assert pages, f"「{query}」没有结果"
    for word in query.split():
        alone = {page_of(r["href"]) for r in http_results[word][0]}
        assert set(pages) <= alone, f"「{query}」的结果里有单查「{word}」查不到的页：{set(pages) - alone}"
        lacking = [name for name in pages if word.lower() not in article_text(name)]
        assert lacking == [], f"「{query}」的这些结果里没有「{word}」：{lacking}"


def test_excerpts_are_clean_text(http_results):
    problems = []
    for query, (results, _) in http_results.items():
        for r in results:
            where = f"「{query}」→「{r['title']}」：{r['excerpt'][:60]}"
            if not r["excerpt"]:
                problems.append(f"{where}没有摘要")
            if LATEX_SOURCE.search(r["excerpt"]) or THEME_TEXT.search(r["excerpt"]):
                problems.append(f"{where}有 LaTeX 源码或主题文字")
            if not r["marked"]:
                problems.append(f"{where}没有标出查询词")
    assert problems == []


def test_results_over_file_scheme(browser, built_html, http_results):
    """双击打开 _build/html（file://）：摘要照样有（来自随书的检索数据，不去取结果页），没有控制台错误。"""
    page, problems = open_page(browser, (built_html / "search.html").as_uri())
    results, _ = search(page, built_html.as_uri() + "/", "梯度消失")
    page.close()
    assert [r["href"] for r in results] == [r["href"] for r in http_results["梯度消失"][0]], "file:// 与 http 的结果不同"
    assert all(r["excerpt"] and r["marked"] for r in results), "file:// 下有的结果没有摘要"
    assert problems == []


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_landing_page_highlights_terms(browser, site, built_html, scheme):
    base = site if scheme == "http" else built_html.as_uri() + "/"
    page, problems = open_page(browser, base + "search.html")
    results, _ = search(page, base, "遗忘门")
    second = page.locator("#search-results ul.search > li a").nth(1)   # 「长短期记忆（LSTM）› 记忆元与三个门」
    with page.expect_navigation():
        second.click()
    page.evaluate("async () => { await window.bookMathReady; }")
    marks = page.locator("article.bd-article span.highlighted")
    marks.first.wait_for(timeout=15_000)
    assert marks.first.text_content() == "遗忘门"
    assert page.locator(".bd-sidebar span.highlighted").count() == 0, "侧栏目录里不该有标记"
    landing = re.sub(r"\?[^#]*", "", results[1]["href"])   # 去掉 ?highlight=…，留下页面与小节的锚点
    assert page.url.endswith(landing), f"落地页是 {page.url}，应为 {landing}（highlight 参数用过即从网址去掉）"
    problems += page.evaluate(PAGE_PROBLEMS)   # 标记没有拆断公式：公式照样排版
    page.close()
    assert problems == []


def test_search_dialog_leads_to_results(browser, site):
    """章节页上按 Ctrl+K，在主题的检索框里输入查询、回车，到检索页看到同样的结果。"""
    page, problems = open_page(browser, site + "chapters/02_rnn/01_rnn.html")
    page.keyboard.press("Control+k")
    dialog = page.locator(".search-button__search-container input[name='q']")
    dialog.wait_for(state="visible")
    dialog.fill("反向传播")
    with page.expect_navigation():
        dialog.press("Enter")
    page.wait_for_function(SEARCH_FINISHED, timeout=15_000)
    results = page.evaluate(RESULTS)
    page.close()
    assert page_of(results[0]["href"]) == "chapters/02_rnn/02_bptt", [r["title"] for r in results[:3]]
    assert problems == []


@pytest.mark.parametrize("query", ["词向量", "梯度消失", "词表", "skip-gram"])
def test_chinese_search_finds_notation_chapter(browser, site, query):
    page, problems = open_page(browser, site + "search.html")
    results, _ = search(page, site, query)
    page.close()
    links = [r["href"] for r in results]
    assert any("00_notation/01_notation" in link for link in links), f"检索「{query}」没有找到第 00 章：{links}"
    assert problems == []


def test_search_data_only_on_search_page():
    """检索数据与脚本只由检索页载入；Sphinx 的 searchindex.js 不再生成。"""
    loaded = [name for name in PAGES if "book-search-data.js" in (HTML / name).read_text(encoding="utf-8")]
    assert loaded == ["search.html"]
    assert not (HTML / "searchindex.js").exists()
