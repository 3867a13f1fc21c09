"""评分包：``generate`` 写出的 zip，里面是一次作业的 ``tests.py`` 与 ``release.json``（发放记录）。

``release.json`` 记下测试的 SHA-256、教师的秘密种子（隐藏测试的输入由它决定）、是否每个学生的输入各不相同、
每道题要写的函数在本书包里的位置（评分时它们在沙箱里不可用，在评分程序里作为前几题的参照实现），以及包的版本。
评分程序只读 zip，不解压：测试在评分程序的内存里，沙箱看不到。测试与记录的指纹不符时拒绝评分。
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import json
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path

from wordvec_rnn.checks import fail
from wordvec_classroom.spec import (
    Assignment,
    Test,
    points_of,
    secret_words,
    tests_module,
    tests_of,
)

MANIFEST = "release.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(slug: str, tests: bytes, secret: str, per_student: bool, solutions: dict[str, str]) -> dict:
    """一次发放的记录（写进评分包，也把测试的指纹写进学生版笔记本的元数据）。"""
    from wordvec_rnn import __version__

    return {"assignment": slug, "tests_sha256": sha256(tests), "secret": secret, "per_student": per_student,
            "solutions": solutions, "package_version": __version__}


def write_bundle(path: Path, slug: str, tests: bytes, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{slug}/tests.py", tests)
        archive.writestr(f"{slug}/{MANIFEST}", json.dumps(record, ensure_ascii=False, indent=1))


def read_bundle(path: Path) -> tuple[str, bytes, dict]:
    """``(作业名, tests.py 的字节, 发放记录)``；不是 generate 写出的评分包、或测试与记录不符时报错。"""
    path = Path(path)
    if not (path.is_file() and zipfile.is_zipfile(path)):
        fail("bundle", "generate 生成的评分包（_build/assignments/autograder/<作业>.zip）", str(path))
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        found = [n for n in names if n.endswith("/tests.py") and n.count("/") == 1]
        if len(found) != 1 or f"{found[0].split('/')[0]}/{MANIFEST}" not in names:
            fail("bundle", f"含 <作业>/tests.py 与 <作业>/{MANIFEST} 的评分包（用 generate 重新生成）", sorted(names))
        slug = found[0].split("/")[0]
        tests = archive.read(found[0])
        record = json.loads(archive.read(f"{slug}/{MANIFEST}"))
    if record.get("tests_sha256") != sha256(tests):
        fail("bundle", "测试与发放记录一致的评分包（tests.py 在发放之后被改过）", str(path))
    return slug, tests, record


def _imported_modules(module: types.ModuleType) -> list[str]:
    """tests.py 顶部导入的模块（numpy、torch、本书的模块……）：沙箱在运行单元之前先导入它们，导入时间不算进单元的时限。"""
    found = set()
    for value in vars(module).values():
        name = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
        if isinstance(name, str) and name.split(".")[0] in ("numpy", "torch", "wordvec_rnn") and ".classroom" not in name:
            found.add(name)
    return sorted(found)


@dataclass
class Bundle:
    """读进内存的评分包：作业、测试、分值、发放记录与参照实现。"""

    slug: str
    assignment: Assignment
    tests: list[Test]
    points: dict[str, int]
    record: dict
    references: dict[str, object]
    preload: list[str]

    @classmethod
    def load(cls, path: Path) -> Bundle:
        slug, source, record = read_bundle(path)
        module = tests_module(f"wordvec_rnn_graded_{slug}", source, f"<评分包 {slug}/tests.py>")
        solutions = record.get("solutions", {})
        references = {name: getattr(importlib.import_module(module_name), name)
                      for name, module_name in solutions.items() if module_name.startswith("wordvec_rnn.")}
        tests = tests_of(module)
        return cls(slug, module.ASSIGNMENT, tests, points_of(tests), record, references, _imported_modules(module))

    @property
    def total(self) -> int:
        return sum(self.points.values())

    @functools.cached_property
    def reference_sources(self) -> dict[str, str]:
        """每个参照实现的源码（读一次，给每份提交比对「与书中解答逐字相同」）。"""
        sources = {}
        for name, reference in self.references.items():
            try:
                sources[name] = inspect.getsource(reference)
            except (OSError, TypeError):
                continue
        return sources

    def secret_for(self, student: str) -> tuple[int, ...]:
        """这个学生的隐藏测试输入用的种子。"""
        return secret_words(str(self.record.get("secret", "")), student if self.record.get("per_student") else "")

    def question_index(self, name: str) -> int:
        """函数 ``name`` 属于第几道题（从 0 数）。"""
        for i, question in enumerate(self.assignment.questions):
            if name in question.functions:
                return i
        fail("name", "本作业要写的函数之一", name)
