"""构建书之前，把内容改过的笔记本执行进 jupyter-book 的执行缓存：两个一起执行，量墙钟时间的单独执行。

``make book`` 先运行本模块，再运行 ``jupyter-book build``；后者在缓存里找到每个笔记本当前内容的输出，不再执行。
jupyter-book 自己一个接一个地执行笔记本，两核的机器闲着一半。这里用两个进程同时执行，执行的方式与 jupyter-book
相同（jupyter-cache 的 ``single_nb_execution``，工作目录是笔记本所在的目录，不允许出错，每个单元限时 300 秒）。

用 ``time.perf_counter``、``timeit`` 量墙钟时间或用 ``torch.set_num_threads`` 开两个以上线程的笔记本，正文引用的速度
与另一个同时执行的笔记本争抢 CPU 就不准了：它们在其余笔记本执行完之后一个一个地单独执行。
只用 CPU 时间（``time.process_time``）计时的笔记本不受另一个进程影响，同其他笔记本一起并行。

执行出错的笔记本不写进缓存；本模块列出错误并以状态 1 退出，``make book`` 随之失败。在仓库根目录运行::

    python -m wordvec_book.execute
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

from wordvec_book.export import notebooks_in_reading_order

CACHE_DIR = Path("_build") / ".jupyter_cache"     # jupyter-book 1.x 的默认位置，_config.yml 的 execute_notebooks: cache 用它
WALL_CLOCK = re.compile(r"\b(perf_counter|timeit)\b|\bset_num_threads\((?!1\))")   # set_num_threads(1) 不算
WORKERS = 2


def measures_wall_clock(notebook: nbformat.NotebookNode) -> bool:
    """笔记本的代码量墙钟时间或开几个线程：与别的笔记本同时执行，它引用的速度就不准。"""
    return any(cell.cell_type == "code" and WALL_CLOCK.search(cell.source) for cell in notebook.cells)


def execute_notebook(path: Path, timeout: int) -> tuple[Path, nbformat.NotebookNode | None, float, str]:
    """像 jupyter-book 那样执行一个笔记本：返回 (路径, 执行后的笔记本或 None, 秒数, 错误信息)。"""
    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(notebook, cwd=str(path.parent), timeout=timeout, allow_errors=False,
                                 meta_override=True)
    if result.err is not None:
        return path, None, result.time, result.exc_string or repr(result.err)
    return path, notebook, result.time, ""


def stale_notebooks(root: Path, cache) -> list[Path]:
    """``_toc.yml`` 里缓存中还没有当前内容的笔记本。"""
    stale = []
    for path in notebooks_in_reading_order(root):
        try:
            cache.match_cache_file(str(path))
        except KeyError:
            stale.append(path)
    return stale


def record(cache, outcome: tuple[Path, nbformat.NotebookNode | None, float, str], root: Path) -> str:
    """把执行好的笔记本写进缓存（与 jupyter-book 写的一样），返回一行报告；出错时返回空串。"""
    path, notebook, seconds, _ = outcome
    if notebook is None:
        return ""
    cache.cache_notebook_bundle(CacheBundleIn(notebook, str(path), data={"execution_seconds": seconds}),
                                check_validity=False, overwrite=True)
    return f"{seconds:6.1f} s  {path.relative_to(root)}"


def execute_all(root: Path, timeout: int) -> list[tuple[Path, nbformat.NotebookNode | None, float, str]]:
    """执行缓存里过时的笔记本：先两个一起执行不量墙钟时间的，再逐个执行量墙钟时间的；每个执行完即写进缓存。"""
    cache = get_cache(str(root / CACHE_DIR))
    stale = stale_notebooks(root, cache)
    alone = [p for p in stale if measures_wall_clock(nbformat.read(p, as_version=4))]
    together = [p for p in stale if p not in alone]
    outcomes = []
    with ProcessPoolExecutor(WORKERS) as pool:
        for outcome in pool.map(execute_notebook, together, [timeout] * len(together)):
            outcomes.append(outcome)
            print(record(cache, outcome, root) or f"出错    {outcome[0].relative_to(root)}", flush=True)
    for path in alone:
        outcomes.append(execute_notebook(path, timeout))
        print((record(cache, outcomes[-1], root) or f"出错    {path.relative_to(root)}") + "（单独执行）", flush=True)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（含 _toc.yml 与 _config.yml），默认当前目录")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    timeout = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))["execute"]["timeout"]
    started = time.perf_counter()
    failed = [(path, error) for path, _, _, error in execute_all(root, timeout) if error]
    for path, error in failed:
        print(f"\n{path.relative_to(root)} 执行出错：\n{error[-3000:]}", file=sys.stderr)
    print(f"执行笔记本共用 {time.perf_counter() - started:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
