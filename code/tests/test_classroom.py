"""课堂作业：生成的学生版不含解答；评分程序给参考解答满分、未动的学生版 0 分，认出每个常见错误并说明原因，
坏提交（无法解析、死循环、改写检查）只影响自己。每次作业的全部提交在一个模块级夹具里并行评一次。"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from wordvec_classroom import generate, grade, overview
from wordvec_classroom.generate import AssignmentSource, assignment_dirs, colab_links
from wordvec_classroom.grade import Grader
from wordvec_classroom.source import BEGIN, END, free_names, strip_solutions
from wordvec_classroom.submissions import mistakes, write_class

from conftest import require_sandbox

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = [p.name for p in assignment_dirs(ROOT)]


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    require_sandbox()
    source = AssignmentSource(ROOT, ROOT / "assignments" / request.param)
    out = tmp_path_factory.mktemp(request.param)
    built = source.write(out / "build")
    expected = write_class(source, out / "class")
    (out / "class" / "instructor.ipynb").write_bytes(built.instructor.read_bytes())
    grader = Grader(built.autograder, timeout=120, cell_timeout=5, test_timeout=20)
    reports = {r.student: r for r in grader.grade_class(sorted((out / "class").glob("*.ipynb")))}
    return source, built, grader, reports, expected


def test_at_least_five_assignments():
    assert len(ASSIGNMENTS) >= 5, ASSIGNMENTS


def test_every_question_has_a_self_check_and_points(graded):
    source, *_ = graded
    for question in source.assignment.questions:
        public = [t for t in source.tests if t.question == question.number and t.public]
        assert public, f"第 {question.number} 题没有公开自测"
        assert source.points[question.number] > sum(t.points for t in public), f"第 {question.number} 题没有隐藏测试"


def test_student_notebook_hides_solutions_and_keeps_self_checks(graded):
    source, built, *_ = graded
    student = nbformat.read(built.student, as_version=4)
    instructor = nbformat.read(built.instructor, as_version=4)
    nbformat.validate(student)
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    solution_cells = "\n".join(c.source for c in student.cells if c.cell_type == "code" and "def test_" not in c.source)
    for definition in source.definitions.values():
        lines = definition.source.splitlines()
        inside = False
        for line in lines:
            if BEGIN.match(line) or END.match(line):
                inside = BEGIN.match(line) is not None
                assert line.strip() not in code, "学生版不应保留解答标记"
            elif inside and line.strip() and not line.strip().startswith("#"):
                assert line not in solution_cells.splitlines(), f"学生版泄露了解答：{line.strip()}"
    pairs = sum(1 for d in source.definitions.values() for line in d.source.splitlines() if BEGIN.match(line))
    assert code.count("raise NotImplementedError(") == pairs
    instructor_code = "\n".join(c.source for c in instructor.cells if c.cell_type == "code")
    for test in source.tests:
        assert (f"def {test.name}(" in code) == test.public, test.name
        assert f"def {test.name}(" in instructor_code, test.name
    with zipfile.ZipFile(built.autograder) as archive:
        assert archive.namelist() == [f"{source.slug}/tests.py", f"{source.slug}/release.json"]


@pytest.mark.parametrize("solution", ["reference", "instructor"])
def test_solutions_score_full_marks_and_run_cleanly(graded, solution):
    _, _, grader, reports, _ = graded
    report = reports[solution]
    failed = [(t["name"], t["message"]) for t in report.tests if not t["passed"]]
    assert not failed and report.score() == grader.total, failed
    assert report.notes == [], "每个单元（教师版里也包括隐藏测试）都应无错运行"


def test_untouched_student_version_scores_zero(graded):
    _, _, _, reports, _ = graded
    report = reports["empty"]
    assert report.score() == 0
    assert all("还没有实现" in t["message"] for t in report.tests), [t["message"] for t in report.tests]


def test_each_common_mistake_loses_points_with_a_reason(graded):
    source, _, grader, reports, expected = graded
    found = mistakes(source)
    assert len(found) >= 3, f"{source.slug} 只有 {len(found)} 个常见错误"
    for mistake in found:
        report = reports[f"mistake_{mistake.name}"]
        assert report.score() < grader.total, f"{mistake.name}：{mistake.description} 没有丢分"
        results = {t["name"]: t for t in report.tests}
        for test, words in mistake.expect.items():
            assert test in results, f"{mistake.name} 的 EXPECT 里有不存在的测试 {test}"
            assert not results[test]["passed"], f"{mistake.name}：{test} 应不通过"
            assert words in results[test]["message"], (mistake.name, test, results[test]["message"])
        assert report.notes == [], (mistake.name, report.notes)


def test_bad_submissions_are_reported_and_grading_goes_on(graded):
    _, _, grader, reports, expected = graded
    unparseable = reports["unparseable"]
    assert unparseable.score() == 0 and "无法解析" in unparseable.notes[0]
    looping = reports["infinite_loop"]
    assert looping.score() == grader.total and any("超过" in note for note in looping.notes), looping.notes
    cheat = reports["rewritten_checker"]  # 改写自测与 numpy.allclose 不起作用：测试与判分都在沙箱外
    assert cheat.score() == reports[f"mistake_{expected['rewritten_checker'].name}"].score() < grader.total


def test_strip_solutions_rejects_unpaired_markers():
    assert strip_solutions("x = 1\n# 解答开始：想一想\ny = 2\n# 解答结束\nz = 3", "第 9 题") == (
        "x = 1\nraise NotImplementedError('第 9 题：想一想')\nz = 3"
    )
    with pytest.raises(ValueError, match="成对出现"):
        strip_solutions("# 解答结束", "第 9 题")
    with pytest.raises(ValueError, match="文件结尾"):
        strip_solutions("# 解答开始\nx = 1", "第 9 题")


def test_free_names_are_what_a_definition_needs_from_outside():
    source = "def f(x, n=3):\n    y = np.zeros(n)\n    for i in range(n):\n        y[i] = helper(x) + i\n    return y"
    assert free_names(source) == {"np", "helper"}


def test_grader_rejects_what_is_not_a_bundle(tmp_path):
    with pytest.raises(ValueError, match="bundle"):
        Grader(tmp_path)
    with pytest.raises(ValueError, match="timeout"):
        Grader(ROOT / "assignments" / ASSIGNMENTS[0], timeout=0)


def test_command_line_generates_and_grades(tmp_path, capsys):
    require_sandbox()
    name = ASSIGNMENTS[0]
    assert generate.main(["--root", str(ROOT), "--out", str(tmp_path / "a"), name]) == 0
    student = tmp_path / "a" / "student" / f"{name}.ipynb"
    submitted = tmp_path / "submitted"
    submitted.mkdir()
    (submitted / "张三.ipynb").write_bytes(student.read_bytes())
    (submitted / "李四.ipynb").write_text("不是笔记本", encoding="utf-8")
    bundle = tmp_path / "a" / "autograder" / f"{name}.zip"
    assert grade.main([str(bundle), str(submitted), "--out", str(tmp_path / "g")]) == 0
    printed = capsys.readouterr().out
    assert "2 份提交" in printed
    table = (tmp_path / "g" / "成绩表.csv").read_text(encoding="utf-8-sig")
    assert "张三" in table and "李四" in table and "无法解析" in table
    assert "还没有实现" in (tmp_path / "g" / "反馈" / "张三.md").read_text(encoding="utf-8")
    metadata = json.loads(student.read_text(encoding="utf-8"))["metadata"]["wordvec_rnn"]
    assert metadata == {"assignment": name, "role": "student",
                        "tests_sha256": hashlib.sha256((ROOT / "assignments" / name / "tests.py").read_bytes()).hexdigest()}


def test_overview_page_is_current():
    assert overview.main(["--root", str(ROOT), "--check"]) == 0, "运行 python -m wordvec_classroom.overview"


def test_colab_links_follow_where_the_teacher_puts_the_notebooks():
    links = colab_links("https://github.com/teacher/course/blob/main/hw", ["01_skipgram"])
    assert links == "- 01_skipgram：https://colab.research.google.com/github/teacher/course/blob/main/hw/01_skipgram.ipynb\n"
    with pytest.raises(ValueError, match="--colab"):
        colab_links("https://gitlab.com/teacher/course", ["01_skipgram"])


def test_each_chapter_exercise_section_links_to_its_assignment(graded):
    source, *_ = graded
    for chapter in source.assignment.chapters:
        texts = ["".join(c["source"]).lstrip() for c in json.loads((ROOT / chapter).read_text(encoding="utf-8"))["cells"]]
        start = next((k for k, text in enumerate(texts) if text.startswith("## 练习")), None)
        assert start is not None, chapter
        # 练习一节可以分在几个单元里（题目下面有答案框的单元）：到下一个二级标题为止
        end = next((k for k in range(start + 1, len(texts)) if texts[k].startswith("## ")), len(texts))
        exercises = "\n".join(texts[start:end])
        assert f"作业 {source.assignment.number}：" in exercises and "book/assignments.md" in exercises, chapter
