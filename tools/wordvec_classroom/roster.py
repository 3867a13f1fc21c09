"""谁交了哪份：找出提交，给每份一个不会重复的学生编号，有名单时对上名单，并报告重复提交。

没有名单时，编号取自提交相对于给出的目录的路径（去掉 ``.ipynb``，再去掉所有提交共有的开头与结尾部分）：
``提交/2024001_张三.ipynb`` 是 ``2024001_张三``；GitHub Classroom 的 ``alice/作业/01_skipgram.ipynb`` 与
``bob/作业/01_skipgram.ipynb`` 是 ``alice`` 与 ``bob``。路径互不相同，编号就互不相同。

名单是 CSV（UTF-8，可带 BOM），表头含 ``学号``（或 ``id``），可选 ``姓名``（``name``）与 ``登录名``（``login``，
如 GitHub 账号）。路径的某一段等于学号或登录名、或文件名以学号开头时，这份提交就属于这个学生。
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

from wordvec_rnn.checks import fail

HEADERS = {"id": ("学号", "id", "ID", "student_id", "SIS User ID"), "name": ("姓名", "name", "Name", "Student"),
           "login": ("登录名", "login", "github", "GitHub", "SIS Login ID")}


@dataclass
class Student:
    """一份提交：编号（成绩表与文件名用）、名单上的学号与姓名（没有名单时为空）、文件与备注。"""

    id: str
    path: Path
    roster_id: str = ""
    name: str = ""
    note: str = ""


def find_submissions(arguments: list[Path]) -> list[Path]:
    found = []
    for path in map(Path, arguments):
        if path.is_dir():
            found += sorted(path.rglob("*.ipynb"))
        elif path.is_file():
            found.append(path)
        else:
            fail("提交", "存在的 .ipynb 文件或目录", str(path))
    found = [p for p in found if ".ipynb_checkpoints" not in p.parts]
    if not found:
        fail("提交", "至少一个 .ipynb 文件", [str(a) for a in arguments])
    return found


def path_ids(paths: list[Path], arguments: list[Path]) -> list[str]:
    """每份提交的编号：相对路径去掉共有的首尾部分；互不相同。"""
    roots = [Path(a).resolve() for a in arguments if Path(a).is_dir()]
    resolved = [Path(p).resolve() for p in paths]
    common = Path(os.path.commonpath([p.parent for p in resolved]))  # 单独给出的文件：相对于它们共同的目录
    parts = []
    for path in resolved:
        relative = path.relative_to(next((r for r in roots if path.is_relative_to(r)), common))
        parts.append(list(relative.parent.parts) + [relative.stem])
    while len(paths) > 1 and all(len(p) > 1 for p in parts) and len({p[-1] for p in parts}) == 1:
        parts = [p[:-1] for p in parts]
    while len(paths) > 1 and all(len(p) > 1 for p in parts) and len({p[0] for p in parts}) == 1:
        parts = [p[1:] for p in parts]
    ids = ["/".join(p) for p in parts]
    if len(set(ids)) != len(ids):  # 同一个文件给了两次
        ids = [f"{i}#{k}" if ids.count(i) > 1 else i for k, i in enumerate(ids, 1)]
    return ids


def read_roster(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    columns = {key: next((h for h in names if rows and h in rows[0]), None) for key, names in HEADERS.items()}
    if not rows or columns["id"] is None:
        fail("--roster", "表头含 学号（或 id）的 CSV 名单", str(path))
    return [{key: (row.get(column) or "").strip() if column else "" for key, column in columns.items()} for row in rows]


def _owner(student: Student, roster: list[dict[str, str]]) -> dict[str, str] | None:
    parts = set(student.id.split("/"))
    stem = student.id.split("/")[-1]
    owners = [r for r in roster if r["id"] and (r["id"] in parts or stem.startswith(r["id"]) or r["login"] in parts)]
    return owners[0] if len(owners) == 1 else None


def identify(paths: list[Path], arguments: list[Path], roster_path: Path | None = None) -> list[Student]:
    """全部提交的 :class:`Student`；重复的提交（同一名单学号，或没有名单时只差「 (1)」之类后缀的）写进备注。"""
    students = [Student(i, Path(p)) for i, p in zip(path_ids(paths, arguments), paths)]
    if roster_path is not None:
        roster = read_roster(roster_path)
        for student in students:
            owner = _owner(student, roster)
            if owner is None:
                student.note = "名单里找不到这份提交的学生（或对上了不止一个）"
            else:
                student.roster_id, student.name = owner["id"], owner["name"]
    keys = [s.roster_id or re.sub(r"\s*[（(]\d+[)）]$", "", s.id.split("/")[-1]) for s in students]
    for student, key in zip(students, keys):
        others = [s.id for s, k in zip(students, keys) if k == key and s is not student]
        if others:
            student.note = "；".join(filter(None, [student.note, f"可能与 {'、'.join(others)} 是同一学生的重复提交"]))
    return students
