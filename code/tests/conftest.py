"""测试共用的路径与辅助。"""

from __future__ import annotations

import functools
import json
import os
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HTML = REPO / "_build" / "html"
PAGE_WEIGHT_REPORT = REPO / "_build" / "reports" / "page_weight.json"
CHAPTER_NOTEBOOKS = sorted((REPO / "chapters").glob("**/*.ipynb"))
# 每个笔记本在 2 核 CPU 上的时间预算（秒）：README.md「两个命令」与 book/how_to_use.md 都写明每个笔记本不超过 60 秒
NOTEBOOK_BUDGET_SECONDS = 60
# 检查仓库本身（笔记本、构建好的书 test_html_* 与书的扩展、images/ 里的图）、自己建环境、或在沙箱里给整班提交
# 评分的测试（评分程序的集成与攻击测试，约 3 分钟）；其余是包与工具的单元测试
NOT_UNIT_TESTS = {
    "test_attacks.py",
    "test_book_latex.py",
    "test_book_typography.py",
    "test_classroom.py",
    "test_dependency_versions.py",
    "test_images.py",
    "test_notebooks.py",
    "test_pdf.py",
    "test_release.py",
    "test_standalone.py",
}


def is_unit_test_file(path: Path) -> bool:
    """``path`` 是包的单元测试：不用构建好的书、不执行笔记本，在只装了本书轮子的新环境里也能跑（make check 跑的就是它们）。"""
    return (path.suffix == ".py" and path.name.startswith("test_") and path.name not in NOT_UNIT_TESTS
            and not path.name.startswith("test_html_"))


# 用时最长的几个文件（各要几分钟）。pytest -n 2 --dist loadfile --no-loadscope-reorder（pytest.ini）按收集的顺序把文件
# 分给两个进程：长的排在最前面，两个进程才会差不多同时做完，而不是一个进程最后还独自跑几分钟
LONGEST_FILES = ("test_standalone.py", "test_html_first_visit.py", "test_dependency_versions.py", "test_html_weight.py")


def pytest_collection_modifyitems(items):
    for item in items:  # 用到构建好的书（built_html）的测试不算单元测试，make check 不跑它们
        if is_unit_test_file(item.path) and "built_html" not in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.unit)
    items.sort(key=lambda item: item.path.name not in LONGEST_FILES)   # 排序是稳定的：其余的顺序不变


def load_notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def executed_record(path: Path):
    """构建时 jupyter-cache 为笔记本 ``path``（当前内容）记下的执行记录与缓存；没有时测试失败并说明原因。"""
    from jupyter_cache import get_cache

    cache = get_cache(REPO / "_build" / ".jupyter_cache")
    try:
        return cache, cache.match_cache_file(str(path))
    except KeyError:
        pytest.fail(f"构建没有执行过 {path.name} 的当前内容：它在 _toc.yml 里吗？先 make book")


@pytest.fixture(scope="module")
def one_torch_thread():
    """torch 只用一个线程：测试里的模型都很小，一个线程最快，也不与并行运行的其他测试争抢 CPU。"""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def built_html() -> Path:
    """构建好的 HTML 书；没有构建时给出明确的失败信息。"""
    if not (HTML / "index.html").exists():
        pytest.fail("没有找到 _build/html/index.html：先运行 make book（make test 会先构建）")
    return HTML


@pytest.fixture(scope="module")
def site(built_html):
    """在 127.0.0.1 的随机端口上提供 _build/html。"""
    from browser_pages import QuietHandler

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(built_html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from browser_pages import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        message = "没有找到 chromium（Debian：sudo apt-get install chromium）"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _recorded(terminalreporter, name: str) -> list[tuple[str, float]]:
    """各测试用 record_property 记下的 ``name``：(参数化的编号, 值)。"""
    return [
        (report.nodeid.split("[", 1)[-1].rstrip("]"), dict(report.user_properties)[name])
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call" and name in dict(getattr(report, "user_properties", []))
    ]


def pytest_terminal_summary(terminalreporter):
    """列出每个笔记本在构建时（test_notebook_time_budget）与单独运行时（test_standalone）的执行时间，
    检索的排名表（test_html_search）与单元测试跑过的依赖版本。"""
    rows = _recorded(terminalreporter, "notebook_seconds")
    if rows:
        terminalreporter.section(f"笔记本执行时间（构建时，预算 {NOTEBOOK_BUDGET_SECONDS} s）")
        for name, seconds in sorted(rows):
            terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
    rows = _recorded(terminalreporter, "standalone_seconds")
    if rows:
        venv = max(seconds for _, seconds in _recorded(terminalreporter, "standalone_venv_seconds"))
        terminalreporter.section(f"单独运行每个笔记本的时间（新环境，建环境另用 {venv:.0f} s）")
        for name, seconds in rows:
            terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
    rows = _recorded(terminalreporter, "search_ranks")
    if rows:
        terminalreporter.section("检索：各查询的章节排名与前 3 个结果（test_html_search）")
        for _, table in rows:
            for line in table.splitlines():
                terminalreporter.write_line(line)
    _page_weight_table(terminalreporter)
    _look_table(terminalreporter)
    rows = _recorded(terminalreporter, "dependency_versions")
    if rows:
        terminalreporter.section("单元测试跑过的依赖版本（test_dependency_versions）")
        for _, versions in rows:
            for line in versions.splitlines():
                terminalreporter.write_line(line)


def _look_table(terminalreporter) -> None:
    """test_html_first_visit 与 test_html_look 逐页量出的数：暗色模式下各类元素的最低对比度、替代文字是路径的图、上下标文字后的空白、
    1366 与 390 像素宽时与公式（代码）拆到两行的标点。"""
    pages: dict[str, dict] = {}
    for _, (page, column, value) in _recorded(terminalreporter, "look"):
        pages.setdefault(page, {})[column] = value
    if not pages:
        return
    terminalreporter.section("暗色模式与排版（test_html_first_visit、test_html_look）")
    terminalreporter.write_line("页面 | 图的替代文字是路径 | 上下标空白（处, 最大 px） | 标点与公式拆开 1366 / 390 | 暗色最低对比度")
    for page, row in sorted(pages.items()):
        contrast = "，".join(f"{kind} {value}" for kind, value in row.get("contrast", {}).items())
        terminalreporter.write_line(
            f"{page} | {row.get('bad_alts', '–')} | {row.get('gaps', '–')} | "
            f"{row.get('punctuation_1366', '–')} / {row.get('punctuation_390', '–')} | {contrast or '–'}"
        )


def require_sandbox() -> None:
    """评分沙箱（bwrap）用不了时跳过这个测试并说明原因；CI 里（CI=true）不跳过：那里 .ci/run 装了 bubblewrap。"""
    from wordvec_classroom.isolation import sandbox_problem

    if sandbox_problem() and os.environ.get("CI") != "true":
        pytest.skip(f"这台机器不能用评分沙箱：{sandbox_problem()}")


def _page_weight_table(terminalreporter):
    """test_html_first_visit 与 test_html_weight 的结果：每页第一次打开（空缓存）传输的字节、请求数、中文字体切片数、
    Fast 3G 下公式排好的时间。全部文件的列表写进 _build/reports/page_weight.json（_build/html 里不多出文件）。"""
    pages = {}
    for _, value in _recorded(terminalreporter, "page_weight"):
        record = json.loads(value)
        pages[record["name"]] = record
    for _, value in _recorded(terminalreporter, "fast_3g"):
        for name, times in json.loads(value).items():
            pages.setdefault(name, {"name": name}).update(times)
    if not pages:
        return
    PAGE_WEIGHT_REPORT.parent.mkdir(parents=True, exist_ok=True)
    PAGE_WEIGHT_REPORT.write_text(json.dumps(dict(sorted(pages.items())), ensure_ascii=False, indent=1), encoding="utf-8")
    terminalreporter.section("每页第一次打开（空缓存，手机）：传输量；Fast 3G 下首次出字、公式排好的时间")
    terminalreporter.write_line(f"{'KB':>7} {'请求':>4} {'字体切片':>6} {'出字 s':>6} {'公式 s':>6}  页面（最大的文件）")
    def seconds(ms):
        return "—" if ms is None else f"{ms / 1000:.1f}"

    for name, record in sorted(pages.items()):
        largest = record["files"][0]["path"] if record.get("files") else ""
        terminalreporter.write_line(
            f"{record.get('bytes', 0) / 1000:7.0f} {record.get('requests', 0):4d} {len(record.get('slices', [])):6d} "
            f"{seconds(record.get('fast_3g_paint_ms')):>6} {seconds(record.get('fast_3g_math_ms')):>6}  {name}（{largest}）")
