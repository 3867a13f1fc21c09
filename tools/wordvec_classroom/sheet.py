"""评分结果写给教师：成绩表（CSV 与 Markdown）、可导入 Canvas/Moodle 的 gradebook、每个学生的反馈与日志。

CSV 的每个单元格都防公式注入：以 ``=``、``+``、``-``、``@``、制表符或回车开头的前面加 ``'``，在 Excel、WPS 里
只当文字。反馈的 HTML 用 MathML 显示公式（latex2mathml 在评分时转换），不需要网络也不需要 JavaScript。
``评分记录.json`` 记下评分包的指纹、是否用了沙箱、时限与成绩表的 SHA-256，结尾打印同一个指纹，
事后改过成绩表一比便知。
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
import time
from pathlib import Path

from wordvec_classroom.roster import Student

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape(cell: str) -> str:
    """CSV 单元格：以公式字符开头的前面加 ``'``。"""
    cell = str(cell)
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([[escape(c) for c in row] for row in rows])


def table(grader, students: list[Student], reports) -> list[list[str]]:
    bundle = grader.bundle
    questions = [q.number for q in bundle.assignment.questions]
    head = ["学生", "姓名"] + [f"{q}（{bundle.points[q]}）" for q in questions] + [f"总分（{bundle.total}）", "备注", "文件"]
    rows = [[r.student, s.name] + [str(r.score(q)) for q in questions] + [str(r.score()), _remarks(s, r), str(s.path)]
            for s, r in zip(students, reports)]
    return [head] + rows


def _remarks(student: Student, report) -> str:
    copies = f"与书中解答逐字相同：{'、'.join(report.copies)}" if report.copies else ""
    return "；".join(filter(None, [student.note, *report.notes, copies]))


def gradebook(grader, students: list[Student], reports) -> list[list[str]]:
    """Canvas 的成绩导入格式（Moodle 导入时把 SIS User ID 对应到 ID number）：每个学号一行，重复提交取最高分。"""
    a = grader.bundle.assignment
    best: dict[str, tuple[Student, object]] = {}
    for student, report in zip(students, reports):
        key = student.roster_id or student.id
        if key not in best or report.score() > best[key][1].score():
            best[key] = (student, report)
    head = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"作业 {a.number}：{a.title} ({grader.total})"]
    rows = [[s.name or key, "", key, "", "", str(r.score())] for key, (s, r) in best.items()]
    return [head, ["Points Possible", "", "", "", "", str(grader.total)]] + rows


def feedback_markdown(grader, report) -> str:
    a = grader.bundle.assignment
    lines = [f"# 作业 {a.number}：{a.title}", "", f"**{report.student}**：{report.score()} / {grader.total} 分"]
    lines += ["", *(f"- 注意：{note}" for note in report.notes)] if report.notes else []
    for q in a.questions:
        lines += ["", f"## 第 {q.number} 题：{q.title}（{report.score(q.number)} / {grader.bundle.points[q.number]} 分）", ""]
        for t in (t for t in report.tests if t["question"] == q.number):
            mark = "✓" if t["passed"] else "✗"
            lines.append(f"- {mark} `{t['name']}`（{t['points']} 分）" + ("" if t["passed"] else f"：{t['message']}"))
    return "\n".join(lines) + "\n"


def _rich(text: str) -> str:
    """题目说明（Markdown）变成 HTML：``$…$`` 里的 TeX 换成 MathML，`` `代码` `` 与 ``**强调**`` 照样显示。"""
    from latex2mathml.converter import convert

    out = []
    for part in re.split(r"(\$[^$]+\$)", text):
        if len(part) > 2 and part.startswith("$") and part.endswith("$"):
            try:
                out.append(convert(part[1:-1]))
                continue
            except Exception:  # noqa: BLE001 —— 转不了的公式原样显示
                pass
        part = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(part))
        out.append(re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", part))
    return "".join(out)


def feedback_html(grader, report) -> str:
    a = grader.bundle.assignment
    body = [f"<h1>作业 {a.number}：{html.escape(a.title)}</h1>",
            f"<p><b>{html.escape(report.student)}</b>：{report.score()} / {grader.total} 分</p>"]
    if report.notes:
        body.append("<ul>" + "".join(f"<li>注意：{html.escape(n)}</li>" for n in report.notes) + "</ul>")
    for q in a.questions:
        body.append(f"<h2>第 {q.number} 题：{html.escape(q.title)}（{report.score(q.number)} / "
                    f"{grader.bundle.points[q.number]} 分）</h2><p>{_rich(q.text)}</p><ul>")
        for t in (t for t in report.tests if t["question"] == q.number):
            mark = "✓" if t["passed"] else "✗"
            why = "" if t["passed"] else f"：{html.escape(t['message'])}"
            body.append(f"<li class=\"{'pass' if t['passed'] else 'fail'}\">{mark} <code>{t['name']}</code>（{t['points']} 分）{why}</li>")
        body.append("</ul>")
    style = ("body{font-family:'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;max-width:46em;margin:auto;padding:1em;line-height:1.6}"
             ".pass{color:#1a7f37}.fail{color:#b42318}@media(prefers-color-scheme:dark){body{background:#111;color:#ddd}"
             ".pass{color:#4ac26b}.fail{color:#ff7b72}}")
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
            f"content=\"width=device-width,initial-scale=1\"><title>作业 {a.number} 反馈</title><style>{style}</style>"
            f"</head><body>{''.join(body)}</body></html>\n")


def student_file(out: Path, folder: str, student: str, suffix: str) -> Path:
    """``out/folder/<学生编号>.suffix``；编号里的 ``/`` 成为子目录（编号互不相同，文件就互不覆盖）。"""
    path = out / folder / f"{student}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_all(grader, students: list[Student], reports, out: Path, seconds: float) -> str:
    """写出全部文件，返回给终端的摘要（成绩表与它的 SHA-256）。"""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = table(grader, students, reports)
    if not grader.sandboxed:
        rows.append(["（本次评分未使用沙箱：--no-sandbox）"] + [""] * (len(rows[0]) - 1))
    write_csv(out / "成绩表.csv", rows)
    write_csv(out / "gradebook.csv", gradebook(grader, students, reports))
    md = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    md += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |" for row in rows[1:]]
    (out / "成绩表.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    for report in reports:
        student_file(out, "反馈", report.student, ".md").write_text(feedback_markdown(grader, report), encoding="utf-8")
        student_file(out, "反馈", report.student, ".html").write_text(feedback_html(grader, report), encoding="utf-8")
        log = [f"提交：{report.path}", f"用时：{report.seconds:.2f} 秒", *report.log, *(f"备注：{n}" for n in report.notes)]
        student_file(out, "日志", report.student, ".log").write_text("\n".join(log) + "\n", encoding="utf-8")
    digest = hashlib.sha256((out / "成绩表.csv").read_bytes()).hexdigest()
    record = {"assignment": grader.bundle.slug, "tests_sha256": grader.bundle.record["tests_sha256"],
              "sandbox": grader.sandboxed, "run_id": grader.run_id, "limits": grader.limits.for_sandbox(grader.sandboxed),
              "timeouts": {"submission": grader.timeout, "cell": grader.cell_timeout, "test": grader.test_timeout},
              "graded": time.strftime("%Y-%m-%d %H:%M:%S"), "seconds": round(seconds, 1), "sheet_sha256": digest,
              "students": {r.student: {"score": r.score(), "seconds": round(r.seconds, 2)} for r in reports}}
    (out / "评分记录.json").write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = ["  ".join(row[:-2]) + (f"  {row[-2]}" if row[-2] else "") for row in rows]
    sandbox = "沙箱：bwrap" if grader.sandboxed else "沙箱：未使用（--no-sandbox）"
    lines.append(f"{len(reports)} 份提交，用时 {seconds:.1f} 秒；{sandbox}；成绩表与反馈写在 {out}/")
    lines.append(f"成绩表.csv 的 SHA-256：{digest}（总分合计 {sum(r.score() for r in reports)}）")
    return "\n".join(lines)
