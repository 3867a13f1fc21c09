"""``make full-runs``：把每个有 ``FULL_RUN = False`` 开关的笔记本改成 ``True`` 从头执行，结果写进结果文件。

笔记本在结尾调用 :func:`wordvec_rnn.full_runs.record_full_run` 交出结果；本模块把它们连同日期、机器与用时写进
随包发布的 ``wordvec_rnn/full_runs.json``，构建时笔记本再用 :func:`wordvec_rnn.full_runs.full_run_results` 读回。
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from wordvec_rnn import full_runs as recorded
from wordvec_rnn.full_runs import OUTPUT_ENV, SWITCH_OFF, SWITCH_ON, machine_description

from .export import notebooks_in_reading_order


@contextmanager
def _locked_results():
    """读出结果文件，交给调用者修改，再写回；文件锁让几个同时进行的完整运行不互相覆盖。"""
    import fcntl

    with open(recorded.RESULTS_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = recorded.recorded_runs()
        yield results
        text = json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True)
        recorded.RESULTS_FILE.write_text(text + "\n", encoding="utf-8")


def switchable_notebooks(root: Path) -> dict[str, Path]:
    """``_toc.yml`` 中有 ``FULL_RUN = False`` 开关的笔记本：``"02_rnn/05_char_lm"`` → 路径。"""
    found = {}
    for path in notebooks_in_reading_order(root):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(line.startswith(SWITCH_OFF) for c in cells if c["cell_type"] == "code"
               for line in "".join(c["source"]).splitlines()):
            found[path.relative_to(root / "chapters").with_suffix("").as_posix()] = path
    return found


def run_full(notebook: str, path: Path) -> dict:
    """把开关改成 ``True``，在笔记本所在目录从头执行，返回它交出的结果与运行信息。"""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = "\n".join(SWITCH_ON + line[len(SWITCH_OFF):] if line.startswith(SWITCH_OFF) else line
                                    for line in cell.source.splitlines())
    output = path.parent / f".{path.stem}.full_run.json"
    output.unlink(missing_ok=True)
    os.environ[OUTPUT_ENV] = str(output.resolve())
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    started = time.perf_counter()

    def progress(cell, cell_index, **_):
        done = sum(c.cell_type == "code" for c in nb.cells[: cell_index + 1])
        print(f"  {notebook}：{done}/{n_code} 个代码单元，{(time.perf_counter() - started) / 60:.1f} 分钟", flush=True)

    try:
        NotebookClient(nb, timeout=None, kernel_name="python3", on_cell_executed=progress,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        recorded = json.loads(output.read_text(encoding="utf-8"))[notebook]
    finally:
        del os.environ[OUTPUT_ENV]
        output.unlink(missing_ok=True)
    meta = {**machine_description(), "seconds": round(time.perf_counter() - started, 1)}
    return {"meta": meta, "results": recorded}


def forget_cached_outputs(root: Path, path: Path) -> None:
    """结果文件变了，上次构建里这个笔记本的输出就过时了：构建缓存只认笔记本本身的内容，Sphinx 只重读改过的文件。
    删掉缓存里的输出、更新笔记本的修改时间，下次 make book 就重新执行它。"""
    path.touch()
    cache_dir = root / "_build" / ".jupyter_cache"
    if not cache_dir.exists():
        return
    from jupyter_cache import get_cache

    cache = get_cache(cache_dir)
    try:
        cache.remove_cache(cache.match_cache_file(str(path)).pk)
    except KeyError:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（含 _toc.yml），默认当前目录")
    parser.add_argument("--only", nargs="+", metavar="NOTEBOOK", help="只跑这几个，如 02_rnn/05_char_lm")
    args = parser.parse_args(argv)
    notebooks = switchable_notebooks(args.root)
    unknown = sorted(set(args.only or []) - set(notebooks))
    if unknown:
        parser.error(f"参数 --only：期望 {', '.join(notebooks)} 中的笔记本，实际得到 {', '.join(unknown)}")
    for notebook in args.only or notebooks:
        previous = recorded.recorded_runs().get(notebook, {}).get("meta", {}).get("seconds")
        print(f"完整运行 {notebook}" + (f"（上次用了 {previous / 60:.0f} 分钟）" if previous else ""), flush=True)
        entry = run_full(notebook, notebooks[notebook])
        with _locked_results() as results:
            results[notebook] = entry
        forget_cached_outputs(args.root, notebooks[notebook])
        print(f"完成 {notebook}：{entry['meta']['seconds'] / 60:.1f} 分钟，结果写进 {recorded.RESULTS_FILE.name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
