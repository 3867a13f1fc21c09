"""wordvec_rnn.full_runs 与 wordvec_book.full_runs（make full-runs）：结果的交出与读回、开关的替换、结果文件的合并。"""

from __future__ import annotations

import json

import pytest

from wordvec_book import full_runs as runner
from wordvec_rnn import full_runs


def write_notebook(path, sources):
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source} for i, source in enumerate(sources)]
    notebook = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}},
                "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def results_file(tmp_path, monkeypatch):
    path = tmp_path / "full_runs.json"
    monkeypatch.setattr(full_runs, "RESULTS_FILE", path)
    monkeypatch.delenv(full_runs.OUTPUT_ENV, raising=False)
    return path


def test_results_are_read_back(results_file):
    results_file.write_text(json.dumps({"a/b": {"meta": {"date": "2026-12-06", "seconds": 60.0},
                                                "results": {"ppl": 83.0}}}), encoding="utf-8")
    assert full_runs.full_run_results("a/b") == {"ppl": 83.0}
    assert full_runs.full_run_meta("a/b")["date"] == "2026-12-06"
    for read in (full_runs.full_run_results, full_runs.full_run_meta):
        with pytest.raises(ValueError, match="make full-runs"):
            read("a/c")


def test_live_run_sees_what_it_recorded(results_file, tmp_path, monkeypatch):
    monkeypatch.setenv(full_runs.OUTPUT_ENV, str(tmp_path / "live.json"))
    full_runs.record_full_run("a/b", {"ppl": 80.5, "rows": [[1, 2.5]]})
    assert full_runs.full_run_results("a/b") == {"ppl": 80.5, "rows": [[1, 2.5]]}
    assert full_runs.full_run_meta("a/b")["cores"] >= 1


@pytest.mark.parametrize("bad", [{"x": float("nan")}, {"x": object()}, {1: 2.0}, [1.0]])
def test_record_refuses_what_json_cannot_hold(bad, results_file):
    with pytest.raises(ValueError, match="参数 `results"):
        full_runs.record_full_run("a/b", bad)


def test_make_full_runs_turns_the_switch_on(results_file, tmp_path):
    for tool in ("nbclient", "jupyter_cache"):   # make full-runs 是构建书的工具，只在构建书的环境里
        pytest.importorskip(tool, reason="make full-runs 用构建书的环境")
    (tmp_path / "_toc.yml").write_text("root: chapters/x/01_demo\n", encoding="utf-8")
    notebook = tmp_path / "chapters" / "x" / "01_demo.ipynb"
    notebook.parent.mkdir(parents=True)
    write_notebook(notebook, [
        "FULL_RUN = False  # 改成 True：完整设置",
        "from wordvec_rnn.full_runs import record_full_run, full_run_results\n"
        "if FULL_RUN:\n    record_full_run('x/01_demo', {'steps': 1000 if FULL_RUN else 10})\n"
        "assert full_run_results('x/01_demo')['steps'] == 1000",
    ])
    assert list(runner.switchable_notebooks(tmp_path)) == ["x/01_demo"]
    from jupyter_cache import get_cache

    cache = get_cache(tmp_path / "_build" / ".jupyter_cache")
    cache.cache_notebook_file(str(notebook), check_validity=False)  # 构建时留下的（将会过时的）输出
    built = notebook.stat().st_mtime_ns
    assert runner.main(["--root", str(tmp_path), "--only", "x/01_demo"]) == 0
    entry = json.loads(results_file.read_text(encoding="utf-8"))["x/01_demo"]
    assert entry["results"] == {"steps": 1000} and entry["meta"]["seconds"] > 0
    assert {"date", "cpu", "cores", "python", "numpy", "torch"} <= set(entry["meta"])
    assert "FULL_RUN = False" in notebook.read_text(encoding="utf-8")  # 笔记本本身不变
    with pytest.raises(KeyError):  # 结果变了：缓存的输出已删掉，下次构建重新执行这个笔记本
        cache.match_cache_file(str(notebook))
    assert notebook.stat().st_mtime_ns > built  # Sphinx 见到修改时间变了才重读它
    with pytest.raises(SystemExit):
        runner.main(["--root", str(tmp_path), "--only", "x/02_missing"])


@pytest.fixture
def artifacts_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(full_runs, "ARTIFACTS_DIR", tmp_path / "artifacts")
    monkeypatch.delenv(full_runs.OUTPUT_ENV, raising=False)
    return tmp_path / "artifacts"


def test_arrays_are_saved_only_by_make_full_runs(artifacts_dir, tmp_path, monkeypatch, capsys):
    import numpy as np

    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    full_runs.save_full_run_arrays("a/b", "vectors", {"v": vectors, "words": '["甲", "乙"]'})
    assert "make full-runs" in capsys.readouterr().out and not artifacts_dir.exists()
    assert full_runs.load_full_run_arrays("a/b", "vectors") is None
    monkeypatch.setenv(full_runs.OUTPUT_ENV, str(tmp_path / "live.json"))
    full_runs.save_full_run_arrays("a/b", "vectors", {"v": vectors, "words": '["甲", "乙"]'})
    saved = full_runs.load_full_run_arrays("a/b", "vectors")
    assert saved["v"].dtype == np.float32 and np.array_equal(saved["v"], vectors)
    assert json.loads(str(saved["words"])) == ["甲", "乙"]
    assert {"date", "cpu", "cores"} <= set(saved["meta"])
    assert full_runs.load_full_run_arrays("a/b", "other") is None


def test_save_refuses_tensors_and_the_meta_key(artifacts_dir):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=r'参数 `arrays\["v"\]`.*numpy 数组或字符串'):
        full_runs.save_full_run_arrays("a/b", "vectors", {"v": torch.zeros(2)})
    with pytest.raises(ValueError, match="参数 `arrays`.*meta"):
        full_runs.save_full_run_arrays("a/b", "vectors", {"meta": "x"})
