"""网页书里的词向量探索器（第 01 章「训练与评估」，wordvec_rnn.explorer 与 book/_static/book-explorer.js）：

页面算出的最近邻与类比，与 Python 的 ``most_similar`` / ``analogy`` 在同一份数据（构建时写出的数据文件）上算出的
一致；不在词表里的词给出与 Python 相同的说明；地图画出来，拖动滑块、换投影会变；数据在读者滚动到探索器附近时
才下载，连同脚本与样式不超过 1.5 MB；从 file:// 打开也能用。
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import numpy as np
import pytest

from browser_pages import PAGES, open_page
from conftest import HTML
from wordvec_rnn.explorer import explorer_result
from wordvec_rnn.explorer_widgets import unknown_word_message
from wordvec_rnn.word2vec_eval import analogy, most_similar

PAGE = next((name for name in PAGES if 'class="book-explorer"' in (HTML / name).read_text(encoding="utf-8")), None)
pytestmark = pytest.mark.skipif(PAGE is None, reason="构建好的书里没有词向量探索器（先 make book）")
MAX_EXTRA_BYTES = 1_500_000
N_QUERIES = 20
DATA_FILE = re.compile(r'data-explorer-src="([^"]+)"')

TABLES = """(root) => [...root.querySelectorAll(`.book-explorer-results[data-task="${root.dataset.task}"] table`)]
  .map((table) => [...table.tBodies[0].rows].map((row) => [row.cells[1].textContent, row.cells[2].textContent]))"""
LABEL_OVERLAPS = """(svg) => {
  const boxes = [...svg.querySelectorAll('text')].map((t) => t.getBBox());
  let overlaps = 0;
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach((b) => {
    if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps++;
  }));
  return [boxes.length, overlaps];
}"""
ALL_POINTS = "(svg) => [...svg.querySelectorAll('circle')].map((c) => [c.getAttribute('cx'), c.getAttribute('cy')])"
FIRST_POINTS = f"(svg) => ({ALL_POINTS})(svg).slice(0, 5)"


def data_file(page_name: str):
    """页面引用的数据文件（构建时由 book_explorer 写出）及其中的数据。"""
    src = DATA_FILE.search((HTML / page_name).read_text(encoding="utf-8")).group(1)
    path = (HTML / page_name).parent / src
    text = path.read_text(encoding="utf-8")
    return path, json.loads(text[text.index("] = ") + 4:].rstrip().rstrip(";"))


@pytest.fixture(scope="module")
def data():
    return data_file(PAGE)[1]


def open_explorer(browser, url, **options):
    page, problems = open_page(browser, url, **options)
    page.locator(".book-explorer").scroll_into_view_if_needed()
    page.wait_for_selector('.book-explorer[data-ready="true"]', timeout=30_000)
    return page, problems


def shown_tables(page, task: str):
    root = page.locator(".book-explorer").element_handle()
    root.evaluate("(root, task) => { root.dataset.task = task; }", task)
    return root.evaluate(TABLES)


def python_table(pairs):
    return [[w, f"{s:.3f}"] for w, s in pairs]


def test_neighbours_and_analogy_match_python(browser, site, data):
    page, problems = open_explorer(browser, site + quote(PAGE))
    results = [explorer_result(data, entry["model"]) for entry in data["models"]]
    words = data["words"]
    queries = [data["example"]["word"]] + [words[i] for i in np.linspace(0, len(words) - 1, N_QUERIES - 1).astype(int)]
    box = page.locator('.book-explorer-form[data-task="neighbours"] input[name="word"]')
    for word in queries:
        box.fill(word)
        box.press("Enter")   # 键盘就能提交
        assert shown_tables(page, "neighbours") == [python_table(most_similar(r, word, 10)) for r in results], word
    a, b, c, want = data["example"]["analogy"]
    ranks = page.locator(".book-explorer-rank").evaluate_all("(els) => els.map((e) => Number(e.dataset.rank))")
    for result, rank, table in zip(results, ranks, shown_tables(page, "analogy")):
        ranked = analogy(result, a, b, c, topn=len(words))
        assert table == python_table(ranked[:10]) and rank == [w for w, _ in ranked].index(want) + 1
    unknown = "北平京"
    box.fill(unknown)
    box.press("Enter")
    message = page.locator('.book-explorer-results[data-task="neighbours"]').inner_text()
    assert message == unknown_word_message(data, [unknown]) and unknown not in words
    page.close()
    assert problems == []


def test_map_draws_moves_and_names_the_tapped_word(browser, site, data):
    page, problems = open_explorer(browser, site + quote(PAGE), viewport={"width": 390, "height": 844}, has_touch=True)
    svg = page.locator("svg.book-explorer-map")
    svg.scroll_into_view_if_needed()
    assert svg.locator("circle").count() == data["map_words"]
    labels, overlaps = svg.evaluate(LABEL_OVERLAPS)
    assert labels >= 20 and overlaps == 0
    final = svg.evaluate(FIRST_POINTS)
    step = page.locator('.book-explorer-map-controls input[name="step"]')
    step.focus()
    step.press("Home")   # 滑块用键盘拖到开始时
    assert svg.evaluate(FIRST_POINTS) != final
    assert page.locator(".book-explorer-map-controls output").inner_text() == "已处理 0 个词元"
    step.press("End")
    assert svg.evaluate(FIRST_POINTS) == final
    page.locator('.book-explorer-map-controls select[name="method"]').select_option("pca")
    assert svg.evaluate(FIRST_POINTS) != final
    points = np.array(svg.evaluate(ALL_POINTS), dtype=float)
    gaps = np.linalg.norm(points[:, None] - points[None], axis=-1) + np.eye(len(points)) * 1e9
    lonely = int(gaps.min(axis=1).argmax())   # 离别的点最远的那个点：点它不会点到邻居
    svg.tap(position={"x": points[lonely, 0], "y": points[lonely, 1]})
    assert page.locator(".book-explorer-map-info").inner_text().startswith(f"「{data['words'][lonely]}」（")
    page.close()
    assert problems == []


def test_data_loads_only_near_the_explorer_and_fits_the_budget(browser, site):
    path, _ = data_file(PAGE)
    page, problems = open_page(browser, site + quote(PAGE), viewport={"width": 390, "height": 844})
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.wait_for_timeout(500)
    assert page.locator(".book-explorer").get_attribute("data-ready") is None
    assert not any("/_static/explorer/" in url for url in requested), "还没滚动到探索器就下载了数据"
    page.locator(".book-explorer").scroll_into_view_if_needed()
    page.wait_for_selector('.book-explorer[data-ready="true"]', timeout=30_000)
    assert sum("/_static/explorer/" in url for url in requested) == 1
    extra = sum((HTML / "_static" / name).stat().st_size for name in ("book-explorer.js", "book-explorer.css"))
    assert path.stat().st_size + extra <= MAX_EXTRA_BYTES
    other = next(name for name in PAGES if name != PAGE and name.startswith("chapters/"))
    assert "book-explorer" not in (HTML / other).read_text(encoding="utf-8"), "别的页面也加载了探索器的脚本"
    page.close()
    assert problems == []


def test_explorer_works_from_the_file_system(browser, built_html):
    page, problems = open_explorer(browser, (built_html / PAGE).as_uri())
    assert [len(table) for table in shown_tables(page, "neighbours")] == [10, 10]
    page.close()
    assert problems == []
