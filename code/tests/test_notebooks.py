"""章节笔记本的存储规则、单一来源与时间预算。执行由 make book（出错即构建失败）与 test_standalone.py（新环境里单独运行）负责。"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from wordvec_book.execute import measures_wall_clock
from wordvec_book.export import (
    SOLUTION_BEGIN,
    SOLUTION_END,
    SavedCell,
    differences,
    notebooks_in_reading_order,
    render_module,
    render_modules,
)
from wordvec_book.edition import book_version
from wordvec_book.setup_cell import render_setup_cell

from conftest import CHAPTER_NOTEBOOKS, NOTEBOOK_BUDGET_SECONDS, REPO, executed_record, load_notebook

NOTEBOOK_IDS = [str(p.relative_to(REPO)) for p in CHAPTER_NOTEBOOKS]
# 第一个代码单元：没有本书的包时先安装（地址取自 _config.yml），再设定绘图风格与随机种子
SETUP_CELL = render_setup_cell(book_version(REPO))


def code_cells(path):
    return [c for c in load_notebook(path)["cells"] if c["cell_type"] == "code"]


def test_there_are_chapter_notebooks():
    assert CHAPTER_NOTEBOOKS, "chapters/ 下没有笔记本"
    in_toc = set(notebooks_in_reading_order(REPO))
    assert set(CHAPTER_NOTEBOOKS) <= in_toc, f"不在 _toc.yml 中：{set(CHAPTER_NOTEBOOKS) - in_toc}"


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_stored_without_outputs(path):
    dirty = [i for i, c in enumerate(code_cells(path)) if c.get("outputs") or c.get("execution_count") is not None]
    assert not dirty, f"{path.name} 的代码单元 {dirty} 存有输出或执行计数：清掉再提交"


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_cells_have_ids_and_notebook_checks_claims(path):
    notebook = load_notebook(path)
    assert (notebook["nbformat"], notebook["nbformat_minor"]) >= (4, 5)
    ids = [c.get("id") for c in notebook["cells"]]
    assert all(ids) and len(set(ids)) == len(ids), "每个单元需要唯一的 id"
    sources = ["".join(c["source"]) for c in code_cells(path)]
    assert sources and sources[0] == SETUP_CELL, "第一个代码单元应与 _config.yml 生成的一致：运行 make setup-cells"
    assert any(re.search(r"^\s*assert\b", s, re.M) for s in sources), "笔记本里没有 assert：哪个论断由单元检查？"


def test_package_matches_saved_cells():
    assert differences(REPO) == [], "运行 make export（python -m wordvec_book.export）再提交"


def test_exported_modules_have_a_docstring_one_import_block_and_no_solution_markers():
    for module, text in render_modules(REPO).items():
        body = ast.parse(text).body
        docstring = ast.get_docstring(ast.Module(body=body, type_ignores=[]))
        assert docstring and docstring.startswith("第 "), f"{module}：模块文档字符串应说明哪一章定义了它"
        for origin in re.findall(r"^#   (\S+)$", text, re.M):
            assert origin in docstring, f"{module}：文档字符串里没有来源 {origin}"
        is_import = [isinstance(node, (ast.Import, ast.ImportFrom)) for node in body[1:]]
        assert not any(is_import[is_import.index(False):]), f"{module}：import 应只在模块开头出现一段"
        markers = [line for line in text.splitlines() if SOLUTION_BEGIN.match(line) or SOLUTION_END.match(line)]
        assert not markers, f"{module}：包里不应有课堂作业的解答标记：{markers}"


def test_export_hoists_merges_and_sorts_imports():
    first = (
        '"""单元自带的说明。"""\nfrom __future__ import annotations\n\nimport numpy as np\n'
        "from wordvec_rnn.checks import (\n    fail,\n)\n\n\n"
        "def f():\n    # 解答开始：提示\n    import math\n    return np, math\n    # 解答结束\n"
    )
    second = "import os\nfrom wordvec_rnn.demo import f\nfrom wordvec_rnn.checks import check_int\n\nX = f"
    origin = "chapters/09_demo/01_demo.ipynb"
    text = render_module("demo", [(origin, SavedCell("demo", first, "演示", "第一节：细节")),
                                  (origin, SavedCell("demo", second, "演示", "第二节"))])
    assert text.split("\n", 4)[4] == (
        f'"""第 09 章「演示」（{origin}）中推导并实现的代码：第一节、第二节。\n\n单元自带的说明。\n"""\n\n'
        "from __future__ import annotations\n\nimport os\n\nimport numpy as np\n\n"
        "from wordvec_rnn.checks import check_int, fail\n\n\n"
        f"# 定义于 {origin} 「演示」§「第一节：细节」\ndef f():\n    import math\n    return np, math\n\n\n"
        f"# 定义于 {origin} 「演示」§「第二节」\nX = f\n"
    )


def test_export_rejects_one_name_imported_from_two_places():
    cells = [("chapters/09_demo/01_demo.ipynb", SavedCell("demo", body, "演示", "一节"))
             for body in ("import numpy as np\nX = np", "import torch as np\nY = np")]
    with pytest.raises(ValueError, match="同一个名字 `np`"):
        render_module("demo", cells)


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_notebook_time_budget(path, record_property):
    """构建时 jupyter-cache 记下了每个笔记本（当前内容）的执行时间；它必须在预算之内（结尾打印一览表）。"""
    _, record = executed_record(path)
    seconds = record.data["execution_seconds"]
    record_property("notebook_seconds", seconds)
    assert seconds <= NOTEBOOK_BUDGET_SECONDS, f"{path.name} 执行了 {seconds:.1f} s，超过 {NOTEBOOK_BUDGET_SECONDS} s"


def test_notebooks_that_time_themselves_execute_alone():
    """make book 两个一起执行笔记本（wordvec_book.execute）；量墙钟时间或开几个线程的笔记本单独执行。"""
    def notebook(*cells):
        return nbformat.v4.new_notebook(cells=list(cells))

    code, markdown = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    assert measures_wall_clock(notebook(code("start = time.perf_counter()")))
    assert measures_wall_clock(notebook(code("min(timeit.repeat(f, number=10))")))
    assert measures_wall_clock(notebook(code("torch.set_num_threads(2)")))
    assert not measures_wall_clock(notebook(code("torch.set_num_threads(1)"), code("t = time.process_time()")))
    assert not measures_wall_clock(notebook(markdown("用 `time.perf_counter` 计时")))
