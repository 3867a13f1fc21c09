"""正文可信：没有手打的测量值，一个字母一个含义，glue 的名字都有来处，#@save 的定义都指回公式。"""

from __future__ import annotations

import ast
import re

import pytest

from conftest import CHAPTER_NOTEBOOKS, REPO, executed_record
from prose import PROSE_FILES, code_sources, markdown_parts, math_spans, prose_text, relative

# ---------------------------------------------------------------------------------------------------------
# 1. 正文里的数：要么由单元算出、经 glue 引用，要么在公式里，要么属于下面这张短短的许可清单。

ALLOWED_NUMBERS = [
    (r"^\s*\d+\.\s", "有序列表的编号"),
    (r"第 ?\d+ ?章|(练习|作业) ?\d+", "章、练习与作业的编号"),
    (r"\d{4} ?年( ?\d{1,2} ?月)?", "年份与月份（语料与文献的出处）"),
    (r"[A-Za-z_-]\d+|\d+[A-Za-z]", "名字里的数字：float64、CS224n、WordSim-353、word2vec"),
    (r"(?<![约近≈~\d.])\d(?![\d.%]|\s*[倍%])", "一位整数：由构造决定的个数与常数（两个门、0 与 1、第 3 步）；前有「约」、后有「倍」「%」的除外"),
]
NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def unlisted_numbers(markdown: str) -> list[str]:
    text = prose_text(markdown)
    for pattern, _reason in ALLOWED_NUMBERS:
        text = re.sub(pattern, " ", text, flags=re.M)
    return [text[max(0, m.start() - 12) : m.end() + 6].replace("\n", " ") for m in NUMBER.finditer(text)]


def test_allowed_numbers_catch_measurements():
    assert unlisted_numbers("共 88 万个词元，误差 0.174，约 8 倍，26%，第 100 步") != []
    assert len(unlisted_numbers("共 88 万个词元，误差 0.174，约 8 倍，26%，第 100 步")) == 5
    assert unlisted_numbers("1. 第 03 章的练习 2：两个门取 0 与 1，float64 下 $10^{-16}$，{glue:text}`x:.2f`") == []
    assert unlisted_numbers("《人民日报》1998 年 1 月，CS224n 作业 2，`X[:, 10]`") == []


@pytest.mark.parametrize("path", PROSE_FILES, ids=relative)
def test_no_hand_typed_numbers(path):
    """测量出的数用 glue 引用（{glue:text}`名字:格式`），输入的超参数写进公式（$d=50$）或同样 glue。"""
    found = [f"{where}：…{context}…" for where, md in markdown_parts(path) for context in unlisted_numbers(md)]
    assert not found, f"{relative(path)} 的正文有手打的数（glue 它，或写进公式）：\n" + "\n".join(found)


# ---------------------------------------------------------------------------------------------------------
# 2. 一个字母只表示一样东西：第 00 章的符号表是约定。正文里紧跟在这些含义后面的字母，必须是符号表里
#    这个含义的那个字母（「学习率 $\alpha$」在符号表说学习率是 η 时就是错的）。

MEANINGS = ["学习率", "裁剪阈值", "温度", "泄漏系数", "平滑系数", "截断长度", "窗口半宽", "负样本个数", "最大码长"]
# 不依赖上下文的禁用写法：（正则，为什么）
FORBIDDEN_MATH = [
    (r"(?<![\\\w{])N(?![\w}])", "本书不用 N：词表大小是 |𝒱|，语料长度是 T_corpus（第 00 章）"),
    (r"U\^\\top\s*v_c", "word2vec 的 U 按行存放词：ŷ = softmax(U v_c)"),
    (r"\\mathbb\{R\}\^\{d\\times\\lvert\\mathcal\{V\}\\rvert\}", "word2vec 的 U 是 |𝒱|×d：第 w 行是 u_wᵀ"),
    (r"\\mathbb\{R\}\^\{2m\\times n\}", "GRU 按 (r,u,g) 堆叠，V 是 3m×n"),
]
SYMBOLS_NOTEBOOK = REPO / "chapters" / "00_notation" / "01_notation.ipynb"


def symbol_table() -> list[tuple[str, str]]:
    """第 00 章符号表的每一行：(第一个符号的 TeX, 含义)。"""
    rows = []
    for _where, md in markdown_parts(SYMBOLS_NOTEBOOK):
        if "(sec-symbols)=" in md:
            for line in md.splitlines():
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                if line.startswith("| $") and len(cells) >= 2:
                    rows.append((re.match(r"\$([^$]*)\$", cells[0]).group(1).strip(), cells[1]))
    return rows


def letter_for(meaning: str) -> str:
    matches = [symbol for symbol, text in symbol_table() if meaning in text]
    assert len(matches) == 1, f"第 00 章的符号表应有且只有一行的含义包含「{meaning}」，实际 {matches}"
    return matches[0]


def leading_symbol(tex: str) -> str:
    """公式开头的那个符号：``\\eta``、``K``、``\\ell_{\\max}``。"""
    match = re.match(r"\s*(\\[A-Za-z]+|[A-Za-z])(_\{[^}]*\}|_\\?\w+)?", tex)
    return match.group(0).strip() if match else tex


def misused_letters(markdown: str, meaning: str, letter: str) -> list[str]:
    """紧跟在「含义」后面（中间至多隔三个字）的公式若以别的字母开头，就是用错了字母。"""
    found = []
    for match in re.finditer(re.escape(meaning) + r"[^$，。；：\n]{0,3}\$([^$]+)\$", markdown):
        if leading_symbol(match.group(1)) != letter:
            found.append(match.group(0))
    return found


def test_symbol_table_is_readable():
    table = dict(symbol_table())
    assert len(table) > 30 and r"\mathcal{V}" in table
    for meaning in MEANINGS:
        letter_for(meaning)


def test_misused_letter_is_caught():
    assert misused_letters("学习率 $\\alpha=0.1$", "学习率", r"\eta") == ["学习率 $\\alpha=0.1$"]
    assert misused_letters("学习率为 $\\eta=0.1$", "学习率", r"\eta") == []


def sentences(markdown: str) -> list[str]:
    """按句号、分号与空行切开；引述原讲义的句子（含「原讲义」）不算：那里照录原来的字母。"""
    return [s for s in re.split(r"[。；]|\n\s*\n", markdown) if "原讲义" not in s]


def misused_in(sentence: str) -> list[str]:
    found = [f"「{m}」：{meaning}是 ${letter_for(meaning)}$" for meaning in MEANINGS
             for m in misused_letters(sentence, meaning, letter_for(meaning))]
    for tex in math_spans(sentence):
        tex = re.sub(r"\\(mathcal|mathbb|mathrm|operatorname|text)\s*(\{[^}]*\}|\w)", " ", tex)
        found += [f"{tex[:60]}：{why}" for pattern, why in FORBIDDEN_MATH[:1] if re.search(pattern, tex)]
    return found + [f"{why}" for pattern, why in FORBIDDEN_MATH[1:] if re.search(pattern, sentence)]


@pytest.mark.parametrize("path", PROSE_FILES + [REPO / "book" / "errata.md"], ids=relative)
def test_one_meaning_per_letter(path):
    found = [f"{where}：{problem}" for where, md in markdown_parts(path) for sentence in sentences(md)
             for problem in misused_in(sentence)]
    assert not found, f"{relative(path)} 用错了字母（第 00 章的符号表是约定）：\n" + "\n".join(found)


def test_gru_chapter_has_no_memory_cell():
    """c_t 是 LSTM 的记忆元；GRU 一章只在与 LSTM 对照时才提到它。"""
    for path in (REPO / "chapters" / "04_gru").glob("*.ipynb"):
        for where, md in markdown_parts(path):
            for sentence in re.split(r"[。；\n]", md):
                if re.search(r"(?<![\w\\])c_t\b|c_\{t", sentence) and not re.search(r"LSTM|记忆元", sentence):
                    pytest.fail(f"{relative(path)} {where}：GRU 里的 c_t 会与 LSTM 的记忆元混淆：{sentence[:80]}")


# ---------------------------------------------------------------------------------------------------------
# 3. glue：正文引用的每个名字都由本笔记本的某个代码单元登记（名字写成字面量，测试才找得到）。

GLUE_REFERENCE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`|^[:`]{3,}\{glue(?::\w+)?\}\s+(\S+)", re.M)
GLUE_CALL = re.compile(r"\bglue\w*\(\s*[\"']([\w-]+)[\"']")
META_NAMES = {"full_run_date", "full_run_machine", "full_run_minutes"}


def glue_references(markdown: str) -> list[str]:
    """正文引用的名字（跨页引用 ``页::名字`` 保留页名）。"""
    names = []
    for match in GLUE_REFERENCE.finditer(markdown):
        text = match.group(1) or match.group(2)
        page, _, rest = text.rpartition("::")
        names.append((page + "::" if page else "") + rest.split(":")[0])
    return names


def glued_names(path) -> set[str]:
    names = set()
    for source in code_sources(path):
        names |= set(GLUE_CALL.findall(source))
        if "glue_full_run_meta(" in source:
            names |= META_NAMES
    return names


@pytest.mark.parametrize("path", PROSE_FILES, ids=relative)
def test_glued_names_are_defined(path):
    missing = []
    for where, md in markdown_parts(path):
        for name in glue_references(md):
            page, _, key = name.rpartition("::")
            source = (path.parent / page) if page else path
            if not source.exists() or key not in glued_names(source):
                missing.append(f"{where}：{name}")
    assert not missing, f"{relative(path)} 引用了没有单元登记的 glue 名字：\n" + "\n".join(missing)


# ---------------------------------------------------------------------------------------------------------
# 4. 公式 ↔ 代码：#@save 单元里的每个公开函数与类，文档字符串都引用一个存在的公式或小节标签。

LABEL_DEFINITION = re.compile(r"\$\$\s*\((eq-[\w-]+)\)|^\((sec-[\w-]+|eq-[\w-]+)\)=|:label:\s*(eq-[\w-]+)", re.M)
LABEL_CITATION = re.compile(r"\(((?:eq|sec)-[\w-]+)\)")


def defined_labels() -> set[str]:
    labels = set()
    for path in PROSE_FILES:
        for _, md in markdown_parts(path):
            labels |= {next(g for g in m.groups() if g) for m in LABEL_DEFINITION.finditer(md)}
    return labels


def saved_definitions():
    """``(笔记本, 名字, 文档字符串)``：``#@save`` 单元里顶层的公开函数与类。"""
    for path in CHAPTER_NOTEBOOKS:
        for source in code_sources(path):
            if source.startswith("#@save"):
                for node in ast.parse(source).body:
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                        yield path, node.name, ast.get_docstring(node) or ""


def test_saved_definitions_cite_labels():
    labels = defined_labels()
    problems = []
    for path, name, doc in saved_definitions():
        cited = LABEL_CITATION.findall(doc)
        if not cited:
            problems.append(f"{relative(path)}：{name} 的文档字符串没有引用公式，如「实现式 (eq-xxx)」")
        problems += [f"{relative(path)}：{name} 引用的 ({label}) 不存在" for label in cited if label not in labels]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------------------
# 5. 完整运行的数：正文里 full_ 开头的 glue 值，其中的每个数都是结果文件里的某个值（按显示的位数舍入）。

NUMBER_IN_OUTPUT = re.compile(r"(?<![\w.])(-?\d[\d,]*(?:\.\d+)?)(?:\\times10\^\{(-?\d+)\})?")


def result_values(results) -> list[float]:
    if isinstance(results, dict):
        return [v for item in results.values() for v in result_values(item)]
    if isinstance(results, list):
        return [v for item in results for v in result_values(item)]
    return [float(results)] if isinstance(results, (int, float)) and not isinstance(results, bool) else []


def shown_number_matches(token: str, exponent: str | None, values: list[float]) -> bool:
    """``token``（可能带千分位逗号与 ×10^e）是否是某个值按显示的位数舍入的结果。"""
    decimals = len(token.split(".")[1]) if "." in token else 0
    shown = float(token.replace(",", "")) * 10 ** int(exponent or 0)
    half_step = 0.5 * 10 ** (int(exponent or 0) - decimals)
    return any(abs(v - shown) <= half_step * (1 + 1e-9) or abs(100 * v - shown) <= half_step * (1 + 1e-9)
               for v in values)


def test_shown_number_matching():
    assert shown_number_matches("0.17", None, [0.1651, 0.174]) and not shown_number_matches("0.18", None, [0.174])
    assert shown_number_matches("257,215", None, [257215.4]) and shown_number_matches("2.6", "4", [25990.0])
    assert shown_number_matches("17.4", None, [0.174])  # 百分数


def executed_glue(path) -> dict[str, str]:
    """构建时执行过的笔记本里登记的 glue 值：名字 → text/plain（或 text/markdown）。"""
    pytest.importorskip("jupyter_cache", reason="构建书的环境才有执行缓存")
    cache, record = executed_record(path)
    glued = {}
    for cell in cache.get_cache_bundle(record.pk).nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            data = output.get("data", {})
            text = data.get("application/papermill.record/text/markdown") or data.get("application/papermill.record/text/plain")
            if name:
                glued[name] = text
    return glued


def full_run_notebooks():
    from wordvec_book.full_runs import switchable_notebooks

    return switchable_notebooks(REPO)


@pytest.mark.parametrize("notebook", sorted(full_run_notebooks()))
def test_full_run_numbers_come_from_results_file(notebook, built_html):
    from wordvec_rnn.full_runs import RESULTS_FILE, full_run_meta, full_run_results

    values = result_values(full_run_results(notebook))
    meta = full_run_meta(notebook)
    assert {"date", "cpu", "cores", "seconds"} <= set(meta), f"{RESULTS_FILE.name} 中 {notebook} 缺运行信息"
    glued = executed_glue(full_run_notebooks()[notebook])
    quoted = {name: text for name, text in glued.items() if name.startswith("full_") and name not in META_NAMES}
    assert quoted, f"{notebook} 有 FULL_RUN 开关，正文却没有引用完整运行的结果（full_ 开头的 glue）"
    wrong = [f"{name}：{match.group(0)}" for name, text in quoted.items()
             for match in NUMBER_IN_OUTPUT.finditer(text.replace("−", "-"))
             if not shown_number_matches(match.group(1), match.group(2), values)]
    assert not wrong, f"{notebook} 引用的这些数不在 {RESULTS_FILE.name} 里（重跑 make full-runs）：\n" + "\n".join(wrong)


def test_notebooks_quoting_full_runs_have_the_switch():
    switchable = set(full_run_notebooks().values())
    for path in CHAPTER_NOTEBOOKS:
        quoted = [n for _, md in markdown_parts(path) for n in glue_references(md) if n.startswith("full_")]
        assert not quoted or path in switchable, f"{relative(path)} 引用了 {quoted[:3]}，却没有 FULL_RUN = False 开关"
