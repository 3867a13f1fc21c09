"""评分程序当作被攻击的对象来测：一个班里有诚实的学生，也有每类攻击各一份（审阅报告里的 S1–S7、C1–C11）。

对每份攻击断言：评分程序正常结束并写出成绩表；每个诚实学生的成绩和反馈与单独评他时相同；攻击者最多拿到
他诚实完成部分的分数；评分结束后本次评分的进程一个不剩；输出目录以外什么也没变（前后各算一次目录树的哈希）。
时限调小了（单元 3 秒、测试 3 秒、整份 30 秒），让整个模块在两分钟内跑完。
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from conftest import require_sandbox
from wordvec_classroom import grade
from wordvec_classroom.generate import AssignmentSource
from wordvec_classroom.isolation import Limits
from wordvec_classroom.submissions import mistakes, reference, with_mistake

ROOT = Path(__file__).resolve().parents[2]
SLUG = "01_skipgram"


# 每个攻击：笔记本从哪里来（"full" 参考解答、"stub" 未动的学生版），插到末尾的单元，以及诚实部分最多值几分
# （"full"、0，或扣掉某些题）。
FIND_TESTS = """
import os, sys, pathlib
found = []
for top in ["/", "/tmp", "/proc/1", os.path.expanduser("~")]:
    for root, dirs, files in os.walk(top):
        if root.startswith(("/proc", "/sys", "/dev", "/usr")):
            dirs[:] = []
            continue
        found += [os.path.join(root, f) for f in files if f.endswith((".py", ".ipynb", ".csv", ".json", ".zip"))]
for path in found:
    try:
        text = pathlib.Path(path).read_text()
    except Exception:
        continue
    if "def test_" in text and "ASSIGNMENT" in text:
        pathlib.Path(path).write_text(text.replace("assert ", "assert False and "))
    if path.endswith(".ipynb") and "reference" not in path:
        pathlib.Path(path).unlink(missing_ok=True)
for name, module in list(sys.modules.items()):
    if "assignment" in name or "graded" in name:
        for key, value in vars(module).items():
            if key.startswith("test_"):
                value.__code__ = (lambda *a: None).__code__
"""
FORGE = """
import json, os
fake = {"tests": [{"name": "test_log_softmax_values", "question": "1.1", "points": 1000, "passed": True, "message": ""}],
        "notes": []}
open("result.json", "w").write(json.dumps(fake))
for fd in range(3, 40):
    try:
        os.write(fd, b"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x20" + json.dumps({"value": 1}).encode()[:32])
    except OSError:
        pass
"""
MALFORMED = "import os\nfor fd in range(0, 40):\n    try:\n        os.write(fd, b'{not json' * 100)\n    except OSError:\n        pass\nos._exit(0)"
KILL = """
import os, signal
for pid in range(1, 70000):
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
try:
    os.killpg(0, signal.SIGKILL)
except OSError:
    pass
"""
SURVIVE = """
import os, subprocess, threading, time
for spawn in (lambda: os.fork(), lambda: subprocess.Popen(["sleep", "1000"]), lambda: os.system("sleep 1000 &")):
    try:
        if spawn() == 0:
            os._exit(0)
    except OSError:
        pass
threading.Thread(target=lambda: (time.sleep(100), open("/tmp/sheet", "w")), daemon=False).start()
"""
READ_OTHERS = """
import os, glob
print(open("/proc/1/cmdline").read(), os.listdir("/proc"))
others = glob.glob("/**/*.ipynb", recursive=True)
assert not others, others
"""
PATCH = """
import builtins, numpy as np, numpy.testing
np.allclose = np.isclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
builtins.abs = lambda x: 0
def log_softmax(x):
    return np.zeros_like(x)
def naive_softmax_loss_and_gradient(v_c, o, U):
    return 0.0, np.zeros_like(v_c), np.zeros_like(U)
def naive_softmax_batch_loss_and_gradient(V, o, U):
    return 0.0, np.zeros_like(V), np.zeros_like(U)
"""
SUBCLASS = """
import numpy as np
class Always(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(self), bool).view(Always)
    __ne__ = __lt__ = __gt__ = __le__ = __ge__ = __eq__
    def __array_ufunc__(self, *a, **k): return np.ones(3, bool).view(Always)
    def all(self, *a, **k): return True
def log_softmax(x):
    return np.zeros(np.shape(x)).view(Always)
"""
WRAPPED = """
import wordvec_rnn.skipgram as _book
def log_softmax(x):
    return _book.log_softmax(x)
naive_softmax_loss_and_gradient = lambda *a: _book.naive_softmax_loss_and_gradient(*a)
class Batch:
    pass
def naive_softmax_batch_loss_and_gradient(*a):
    return getattr(_book, "naive_softmax_batch_loss_and_gradient")(*a)
skipgram_pairs = _book.skipgram_pairs
"""
LEAK = """
def log_softmax(x):
    raise AssertionError(open("/proc/self/status").read() * 100)  # 任何读得到的文件都想经反馈带出去
"""
SEEDS = "import random, numpy as np\nrandom.seed(123)\nnp.random.seed(123)\nnp.random.default_rng = lambda *a, **k: np.random.Generator(np.random.PCG64(123))"
MEMORY = "import numpy as np\nbig = np.ones(10**9)\nbig[::4096] = 2.0"
OUTPUT = "import sys, os\nprint('x' * 50_000_000)\nos.write(1, b'y' * 10_000_000)\nos.write(2, b'z' * 10_000_000)"
EXIT = "import os\nos._exit(0)"
SIGALRM = """
import signal
def skipgram_pairs(*a):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        pass
"""
HUGE = "import numpy as np\n_pairs = skipgram_pairs\ndef skipgram_pairs(*a):\n    return np.ones((9000, 9000))"
HANG = "import time\n_ls = log_softmax\ndef log_softmax(x):\n    time.sleep(10**6)"
MAGICS = ["%matplotlib inline\n!pip install -q numpy", "%%time\nx = 1"]
SLOW = ["import time\ntime.sleep(2.5)"] * 4

ATTACKS = {
    "S1_tamper_tests": ("stub", [FIND_TESTS], 0),
    "S2_forged_result": ("stub", [FORGE], 0),
    "S2_malformed_result": ("stub", [MALFORMED], 0),
    "S3_kill_grader": ("full", [KILL], "full"),
    "S4_surviving_process": ("full", [SURVIVE], "full"),
    "S5_read_classmates": ("stub", [READ_OTHERS], 0),
    "S5_leak_tests": ("stub", [LEAK], 0),
    "S6_memory_bomb": ("full", [MEMORY], "full"),
    "C1_seeds": ("full", [SEEDS], "full"),
    "C2_patch_libraries": ("stub", [PATCH], 0),
    "C2_ndarray_subclass": ("stub", [SUBCLASS], 0),
    "C3_wrapped_imports": ("stub", [WRAPPED], 0),
    "C4_magics": ("full", MAGICS, "full"),
    "C5_slow_but_correct": ("full", SLOW, "full"),
    "C5_hanging_helper": ("full", [HANG], "1.1"),
    "C5_sigalrm_busy_loop": ("full", [SIGALRM], "1.4"),
    "C5_exit_mid_notebook": ("full", [EXIT, "y = 1"], "full"),
    "C5_huge_output": ("full", [OUTPUT], "full"),
    "C5_huge_return": ("full", [HUGE], "1.4"),
}
NAMES = {"=HYPERLINK(\"example.invalid\",\"查看\")+0": "full", "+cmd": "full", "-2": "full", "@SUM(A1)": "full",
         "2024003 王 五 (期中 作业)": "full", "2024001_张三": "full", "2024001_张三 (1)": "full",
         "补交/2024001_张三": "full", "a/x": "full", "a_x": "full"}


def _notebook(source: AssignmentSource, start: str, cells: list[str]) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(reference(source) if start == "full" else source.notebook("student"))
    notebook.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    return notebook


def _tree_hash(root: Path, skip: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and skip not in p.parents):
        digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()


def _processes(marker: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(entry.name)
        except OSError:
            continue
    return found


def _grader(bundle: Path) -> grade.Grader:
    return grade.Grader(bundle, timeout=30, cell_timeout=3, test_timeout=3, limits=Limits(memory=2**30))


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    require_sandbox()
    source = AssignmentSource(ROOT, ROOT / "assignments" / SLUG)
    base = tmp_path_factory.mktemp("attacks")
    built = source.write(base / "release")
    honest = {"honest_full": reference(source),
              "honest_empty": source.notebook("student"),
              **{f"honest_{m.name}": with_mistake(source, m) for m in mistakes(source)[:2]}}
    hostile = {name: _notebook(source, start, cells) for name, (start, cells, _) in ATTACKS.items()}
    hostile |= {name: reference(source) for name in NAMES}
    classroom = base / "class"
    for name, notebook in {**honest, **hostile}.items():
        (classroom / f"{name}.ipynb").parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, classroom / f"{name}.ipynb")
    alone = {}
    for name in honest:
        report = _grader(built.autograder).grade(classroom / f"{name}.ipynb", name)
        alone[name] = report
    before = _tree_hash(base, base / "out")
    package_before = _tree_hash(ROOT / "code" / "wordvec_rnn", ROOT / "code" / "wordvec_rnn" / "__pycache__")
    grader = _grader(built.autograder)
    code = grade.main([str(built.autograder), str(classroom), "--out", str(base / "out"), "--timeout", "30",
                       "--cell-timeout", "3", "--test-timeout", "3", "--memory", "1", "--jobs", "2"])
    after = _tree_hash(base, base / "out")
    package_after = _tree_hash(ROOT / "code" / "wordvec_rnn", ROOT / "code" / "wordvec_rnn" / "__pycache__")
    record = json.loads((base / "out" / "评分记录.json").read_text(encoding="utf-8"))
    return source, grader, code, alone, record, base, (before, after, package_before, package_after)


def test_the_grader_finishes_and_writes_the_sheet(attacked):
    _, _, code, _, record, base, _ = attacked
    assert code == 0
    assert (base / "out" / "成绩表.csv").is_file() and record["sandbox"] is True
    assert len(record["students"]) == 4 + len(ATTACKS) + len(NAMES)


def test_honest_students_get_what_they_get_alone(attacked):
    _, _, _, alone, record, base, _ = attacked
    for name, report in alone.items():
        assert record["students"][name]["score"] == report.score(), name
        feedback = (base / "out" / "反馈" / f"{name}.md").read_text(encoding="utf-8")
        for test in report.tests:
            assert (test["message"] or "✓") in feedback, (name, test["name"])


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_hostile_student_gets_at_most_the_honest_part(attacked, attack):
    source, grader, _, _, record, base, _ = attacked
    honest = ATTACKS[attack][2]
    total = grader.total
    limit = total if honest == "full" else 0 if honest == 0 else total - grader.bundle.points[honest]
    score = record["students"][attack]["score"]
    assert score <= limit, (attack, score, limit, (base / "out" / "日志" / f"{attack}.log").read_text(encoding="utf-8"))
    if ATTACKS[attack][0] == "full":  # 对诚实的部分要公平：一分不少
        assert score == limit, (attack, score, limit, (base / "out" / "反馈" / f"{attack}.md").read_text(encoding="utf-8"))


def test_feedback_never_contains_test_source(attacked):
    _, _, _, _, _, base, _ = attacked
    lines = [line.strip() for line in (ROOT / "assignments" / SLUG / "tests.py").read_text(encoding="utf-8").splitlines()
             if len(line.strip()) > 30 and not line.strip().startswith(("f\"", "\"", "assert", "#"))]
    for path in (base / "out").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert "def test_" not in text and not [line for line in lines if line in text], path
        assert all(len(line) < 1200 for line in text.splitlines()), path  # 每条评语最多 500 个字符


def test_names_are_distinct_and_escaped(attacked):
    _, _, _, _, record, base, _ = attacked
    assert set(NAMES) <= set(record["students"])
    assert len({p for p in (base / "out" / "反馈").rglob("*.md")}) == len(record["students"])
    sheet = (base / "out" / "成绩表.csv").read_text(encoding="utf-8-sig")
    assert "\n=" not in sheet and "\n+" not in sheet and "\n-" not in sheet and "\n@" not in sheet
    assert "'=HYPERLINK" in sheet
    notes = {line.split(",")[0]: line for line in sheet.splitlines()}
    assert "重复提交" in notes["2024001_张三 (1)"]


def test_nothing_survives_and_nothing_outside_the_output_changed(attacked):
    _, grader, _, _, record, _, (before, after, package_before, package_after) = attacked
    assert _processes(record["run_id"]) == []
    assert before == after and package_before == package_after


def test_without_bwrap_grading_refuses_unless_asked(attacked, monkeypatch):
    from wordvec_classroom import isolation

    monkeypatch.setattr(grade, "sandbox_problem", lambda: "找不到 bwrap。" + isolation.INSTALL_HINT)
    source, *_ , base, _ = attacked
    bundle = base / "release" / "autograder" / f"{SLUG}.zip"
    with pytest.raises(RuntimeError, match="--no-sandbox"):
        grade.Grader(bundle)
    assert grade.main([str(bundle), str(base / "class" / "honest_full.ipynb"), "--out", str(base / "nosb")]) == 2
    assert grade.main([str(bundle), str(base / "class" / "honest_full.ipynb"), "--out", str(base / "nosb"),
                       "--no-sandbox"]) == 0
    assert "未使用沙箱" in (base / "nosb" / "成绩表.csv").read_text(encoding="utf-8-sig")
    assert json.loads((base / "nosb" / "评分记录.json").read_text(encoding="utf-8"))["sandbox"] is False
