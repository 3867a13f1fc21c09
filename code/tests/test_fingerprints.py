"""wordvec_book.fingerprints：「核对你自己的实现」用的探针与常见错误的指纹（网页书构建时算出）。"""

from __future__ import annotations

import importlib
import math

import pytest

from conftest import REPO
from wordvec_book.fingerprints import PROBES, fingerprints, recognisable, report, run_probe, same
from wordvec_classroom.generate import AssignmentSource


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe_prints_what_the_package_prints(name):
    """正确的指纹就是读者装的包里的函数在探针上打印的数（作业的解答与导出的包是同一份代码）。"""
    source = AssignmentSource(REPO, REPO / "assignments" / PROBES[name].assignment)
    namespace = {}
    for module in {d.module for d in source.definitions.values()}:
        namespace.update(vars(importlib.import_module(module)))
    correct, _ = fingerprints(name, REPO)
    assert run_probe(PROBES[name].code, namespace) == correct
    assert len(correct) >= 4 and all(math.isfinite(v) for v in correct)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_each_probe_recognises_several_mistakes(name):
    correct, found = fingerprints(name, REPO)
    shown = recognisable(name, REPO)
    assert len(shown) >= 3, [fp.mistake for fp in found]
    assert all(fp.description and fp.values is not None and not same(fp.values, correct) for fp in shown)
    assert sum(fp.distinct for fp in found) >= 3
    assert all(f"`{fp.mistake}`" in report(REPO) for fp in found)


def test_same_compares_every_value_within_the_tolerance():
    assert same((1.0, 2.0), (1.0 + 1e-9, 2.0))
    assert not same((1.0, 2.0), (1.0, 2.001))
    assert not same((1.0,), (1.0, 2.0)) and not same(None, (1.0,))
    assert same((0.0, math.nan), (1e-12, math.nan))
