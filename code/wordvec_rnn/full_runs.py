"""完整运行（``FULL_RUN = True``）的结果：随包发布的一个小文件，正文里完整设置下的数都从它 glue 出来。

书构建时每个笔记本只跑小设置（两核 CPU 上不超过 60 秒）；完整设置要跑几分钟到半小时。``make full-runs``
（即 ``python -m wordvec_rnn.full_runs``）把每个有 ``FULL_RUN = False`` 开关的笔记本改成 ``True`` 从头执行，
笔记本在结尾调用 :func:`record_full_run` 交出结果，本模块把它们连同日期、机器与用时写进
``wordvec_rnn/full_runs.json``。构建时笔记本用 :func:`full_run_results` 读回，再 glue 进正文，
所以正文里完整运行的数与结果文件一致，也写明是哪一天、在什么机器上跑出来的。
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from wordvec_rnn.checks import check_str, fail

RESULTS_FILE = Path(__file__).with_name("full_runs.json")
OUTPUT_ENV = "WORDVEC_RNN_FULL_RUN_OUTPUT"  # make full-runs 设置：本次完整运行的结果写到这个文件
SWITCH_OFF, SWITCH_ON = "FULL_RUN = False", "FULL_RUN = True"


def _check_results(value, name: str):
    """结果只能是 JSON 的基本类型：字符串、整数、有限实数、列表与以字符串为键的字典（不许 NaN）。"""
    if isinstance(value, dict):
        for key, item in value.items():
            check_str(key, f"{name} 的键")
            _check_results(item, f"{name}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_results(item, f"{name}[{i}]")
    elif isinstance(value, float) and not math.isfinite(value):
        fail(name, "有限实数", value)
    elif value is not None and not isinstance(value, (str, int, float)):
        fail(name, "str、int、float、list 或 dict（先用 float() 或 .tolist() 转换 numpy 与 torch 的值）", value)
    return value


def record_full_run(notebook: str, results: dict) -> None:
    """完整运行结束时交出结果（``notebook`` 如 ``"02_rnn/05_char_lm"``）；只在 ``make full-runs`` 里写文件。"""
    check_str(notebook, "notebook")
    if not isinstance(results, dict):
        fail("results", "以字符串为键的 dict", results)
    _check_results(results, "results")
    path = os.environ.get(OUTPUT_ENV)
    if path:
        Path(path).write_text(json.dumps({notebook: results}, ensure_ascii=False), encoding="utf-8")
    else:
        print(f"完整运行的结果（{notebook}）：用 make full-runs 运行时写进 wordvec_rnn/full_runs.json")


def _live_results(notebook: str) -> dict | None:
    """``make full-runs`` 运行中：本次刚交出的结果（第一次完整运行时结果文件里还没有它）。"""
    path = os.environ.get(OUTPUT_ENV)
    if not path or not Path(path).exists():
        return None
    return json.loads(Path(path).read_text(encoding="utf-8")).get(notebook)


def full_run_results(notebook: str) -> dict:
    """``notebook`` 上一次完整运行的结果（不含运行信息，运行信息见 :func:`full_run_meta`）。"""
    live = _live_results(check_str(notebook, "notebook"))
    if live is not None:
        return live
    entry = _load().get(notebook)
    if entry is None:
        fail("notebook", f"结果文件 {RESULTS_FILE.name} 中已有的笔记本（先运行 make full-runs）", notebook)
    return entry["results"]


def full_run_meta(notebook: str) -> dict:
    """上一次完整运行的日期、机器、软件版本与用时（``make full-runs`` 运行中则是本机此刻的信息）。"""
    if _live_results(check_str(notebook, "notebook")) is not None:
        return {**machine_description(), "seconds": 0.0}
    entry = _load().get(notebook)
    if entry is None:
        fail("notebook", f"结果文件 {RESULTS_FILE.name} 中已有的笔记本（先运行 make full-runs）", notebook)
    return entry["meta"]


def glue_full_run_meta(notebook: str) -> None:
    """登记完整运行的日期、机器与用时：正文用 ``{glue:text}`full_run_date```、``full_run_machine``、
    ``full_run_minutes`` 引用。"""
    from wordvec_rnn.glue import glue

    meta = full_run_meta(notebook)
    glue("full_run_date", meta["date"])
    glue("full_run_machine", f"{meta['cores']} 核 {meta['cpu']}（{meta['system']}；Python {meta['python']}、"
         f"numpy {meta['numpy']}、torch {meta['torch']}）")
    glue("full_run_minutes", meta["seconds"] / 60)


def machine_description() -> dict:
    """日期、CPU 型号与核数、操作系统、Python、numpy 与 torch 的版本。"""
    import numpy
    import torch

    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "torch": torch.__version__,
    }


def _load() -> dict:
    if not RESULTS_FILE.exists():
        return {}
    return json.loads(RESULTS_FILE.read_text(encoding="utf-8"))


@contextmanager
def _locked_results():
    """读出结果文件，交给调用者修改，再写回；文件锁让几个同时进行的完整运行不互相覆盖。"""
    import fcntl

    with open(RESULTS_FILE.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = _load()
        yield results
        text = json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True)
        RESULTS_FILE.write_text(text + "\n", encoding="utf-8")


def switchable_notebooks(root: Path) -> dict[str, Path]:
    """``_toc.yml`` 中有 ``FULL_RUN = False`` 开关的笔记本：``"02_rnn/05_char_lm"`` → 路径。"""
    from wordvec_rnn.export import notebooks_in_reading_order

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
        previous = _load().get(notebook, {}).get("meta", {}).get("seconds")
        print(f"完整运行 {notebook}" + (f"（上次用了 {previous / 60:.0f} 分钟）" if previous else ""), flush=True)
        entry = run_full(notebook, notebooks[notebook])
        with _locked_results() as results:
            results[notebook] = entry
        forget_cached_outputs(args.root, notebooks[notebook])
        print(f"完成 {notebook}：{entry['meta']['seconds'] / 60:.1f} 分钟，结果写进 {RESULTS_FILE.name}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
