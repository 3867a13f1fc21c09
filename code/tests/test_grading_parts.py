"""评分程序的各个部件：通道上的数据、笔记本的整理、学生编号与名单、成绩表的转义、评分包的指纹与发放。"""

from __future__ import annotations

import json
import math
import struct
import zipfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from wordvec_classroom import wire
from wordvec_classroom.bundle import read_bundle
from wordvec_classroom.generate import AssignmentSource
from wordvec_classroom.isolation import seccomp_program
from wordvec_classroom.notebook import (
    is_setup_cell,
    prepare,
    python_source,
    without_self_checks,
)
from wordvec_classroom.roster import identify, path_ids
from wordvec_classroom.sheet import escape
from wordvec_rnn.hierarchical_softmax import build_huffman_tree
from wordvec_book.setup_cell import render_setup_cell

ROOT = Path(__file__).resolve().parents[2]


def roundtrip(value):
    return wire.decode(wire.encode(value)[8:])[0]


def test_data_crosses_the_channel_unchanged():
    arrays = [np.arange(6, dtype=t).reshape(2, 3) for t in ("int8", "int32", "int64", "uint8", "float32", "float64")]
    value = {"a": arrays, "scalar": np.float64(2.5), "zero_d": np.array(3.0), "t": torch.arange(4.0).reshape(2, 2),
             1: (None, True, "字", 2**70, -math.inf, 1 + 2j), "tree": build_huffman_tree(np.array([5, 1, 3, 2]))}
    back = roundtrip(value)
    assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(arrays, back["a"]))
    assert type(back["scalar"]) is np.float64 and back["zero_d"].shape == ()
    assert isinstance(back["t"], torch.Tensor) and torch.equal(back["t"], value["t"])
    assert back[1] == value[1] and type(back[1]) is tuple
    assert np.array_equal(back["tree"].paths, value["tree"].paths) and back["tree"].code(0) == value["tree"].code(0)
    rng = np.random.default_rng(5)
    assert np.array_equal(roundtrip(rng).random(3), np.random.default_rng(5).random(3))


def _message(header, blobs=b""):
    text = json.dumps(header).encode()
    return struct.pack(">Q", len(text)) + text + blobs


@pytest.mark.parametrize("header, blobs", [
    ({"$": "nd", "d": "|O", "s": [1]}, b"\x00" * 8),                      # 对象数组（会执行 pickle）
    ({"$": "nd", "d": "<f8", "s": [4]}, b"\x00" * 8),                     # 形状说 4 个、字节只有 1 个
    ({"$": "nd", "d": "<f8", "s": [-1]}, b""),
    ({"$": "dc", "cls": "builtins:eval", "f": {}}, b""),                  # 本书包以外的类
    ({"$": "dc", "cls": "wordvec_rnn.hierarchical_softmax:HuffmanTree", "f": {"counts": 1}}, b""),
    ({"$": "gen", "bg": "os.system", "state": {}}, b""),
    ({"$": "pickle", "v": "..."}, b""),
    ({"$": "h", "kind": "cb", "id": "1"}, b""),
])
def test_malformed_or_dangerous_data_is_refused(header, blobs):
    with pytest.raises(wire.WireError):
        wire.decode(_message(header, blobs))


def test_truncated_deep_or_non_json_messages_are_refused():
    deep = {"$": "list", "v": []}
    for _ in range(200):
        deep = {"$": "list", "v": [deep]}
    for body in (b"\x00\x00", struct.pack(">Q", 99) + b"{}", _message("x")[:-1] + b"\xff", _message(deep)):
        with pytest.raises(wire.WireError):
            wire.decode(body)
    with pytest.raises(wire.WireError):
        wire.encode(object())


def test_ipython_syntax_becomes_python_with_a_note():
    notes = []
    code = python_source("%matplotlib inline\n!pip install -q numpy\nx = 1", 3, notes)
    assert "get_ipython()" in code and "x = 1" in code and "第 3 个代码单元" in notes[0]
    assert python_source("%%time\ny = 2", 4, notes).strip() == "y = 2"
    assert python_source("%%bash\nrm -rf /", 5, notes) == "" and "%%bash" in notes[-1]


def test_self_checks_are_removed_and_lines_kept():
    source = "def f(x):\n    return x\n\n\ndef test_a(f):\n    assert f(1) == 1\n\n\ntest_a(f)\nprint(\"✓ test_a 通过（1 分）\")"
    out = without_self_checks(source, {"test_a"})
    assert out.count("\n") == source.count("\n") and "test_a" not in out and "return x" in out


def test_the_generated_setup_cell_is_recognised(tmp_path):
    cell = render_setup_cell("2026.12.0")
    assert is_setup_cell(cell) and not is_setup_cell(cell + "\nimport os")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell), nbformat.v4.new_code_cell("x = 1")])
    nbformat.write(notebook, tmp_path / "a.ipynb")
    assert prepare(tmp_path / "a.ipynb", set()).cells == [(2, "x = 1")]
    (tmp_path / "b.ipynb").write_text("不是笔记本", encoding="utf-8")
    with pytest.raises(ValueError, match="无法解析"):
        prepare(tmp_path / "b.ipynb", set())


def _files(root: Path, names) -> list[Path]:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}", encoding="utf-8")
    return [root / name for name in names]


def test_student_ids_are_collision_free(tmp_path):
    paths = _files(tmp_path, ("gh/alice/作业/01.ipynb", "gh/bob/作业/01.ipynb"))
    assert path_ids(paths, [tmp_path / "gh"]) == ["alice", "bob"]
    assert path_ids(paths, paths) == ["alice", "bob"]  # 单独给出的文件也一样
    flat = _files(tmp_path, ("c/a/x.ipynb", "c/a_x.ipynb", "c/补交/张三.ipynb", "c/张三 (1).ipynb", "c/张三.ipynb"))
    ids = path_ids(flat, [tmp_path / "c"])
    assert ids == ["a/x", "a_x", "补交/张三", "张三 (1)", "张三"] and len(set(ids)) == len(ids)
    students = identify(flat, [tmp_path / "c"])
    assert "重复提交" in students[3].note and "重复提交" not in students[0].note


def test_roster_maps_submissions_to_students(tmp_path):
    (tmp_path / "名单.csv").write_text("学号,姓名,登录名\n2024001,张三,zs\n2024002,李四,ls\n", encoding="utf-8-sig")
    paths = _files(tmp_path, ("c/2024001_作业.ipynb", "c/ls/hw.ipynb", "c/谁.ipynb"))
    students = identify(paths, [tmp_path / "c"], tmp_path / "名单.csv")
    assert [(s.roster_id, s.name) for s in students] == [("2024001", "张三"), ("2024002", "李四"), ("", "")]
    assert "名单里找不到" in students[2].note


def test_csv_cells_cannot_become_formulas():
    assert [escape(c) for c in ("=1+1", "+cmd", "-2", "@SUM(A1)", "\t=x", "张三", "14")] == [
        "'=1+1", "'+cmd", "'-2", "'@SUM(A1)", "'\t=x", "张三", "14"]


def test_seccomp_program_is_a_whole_number_of_instructions():
    for machine in ("x86_64", "aarch64"):
        program = seccomp_program(machine)
        assert program and len(program) % 8 == 0 and len(program) // 8 < 32
    assert seccomp_program("riscv64") is None


def test_release_is_fixed(tmp_path):
    source = AssignmentSource(ROOT, ROOT / "assignments" / "01_skipgram")
    built = source.write(tmp_path, secret="老师的秘密")
    slug, tests, record = read_bundle(built.autograder)
    assert record["secret"] == "老师的秘密" and record["solutions"]["log_softmax"] == "wordvec_rnn.skipgram"
    assert source.write(tmp_path).autograder == built.autograder  # 测试没变：可以重新生成，种子沿用
    assert read_bundle(built.autograder)[2]["secret"] == "老师的秘密"
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as archive:
        archive.writestr(f"{slug}/tests.py", tests + "\n# 改过\n".encode())
        archive.writestr(f"{slug}/release.json", json.dumps(record))
    with pytest.raises(ValueError, match="改过"):
        read_bundle(tampered)
    with zipfile.ZipFile(built.autograder, "w") as archive:  # 假装发放之后 tests.py 变了
        archive.writestr(f"{slug}/tests.py", b"# old\n")
        archive.writestr(f"{slug}/release.json", json.dumps({**record, "tests_sha256": "0" * 64}))
    with pytest.raises(ValueError, match="--force"):
        source.write(tmp_path)
    assert source.write(tmp_path, force=True).autograder == built.autograder


def test_a_student_error_keeps_where_it_happened():
    from wordvec_classroom.remote import StudentError, outcome

    reply = {"kind": "error", "error": "MyError", "message": "坏了", "where": "第 3 个代码单元第 2 行"}
    with pytest.raises(StudentError) as caught:
        outcome(reply, "f", 1.0)
    assert caught.value.where == "第 3 个代码单元第 2 行" and caught.value.name == "MyError"
