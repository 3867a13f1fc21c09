"""基准脚本共用的两件小事：在 fork 出的子进程里运行一段测量，以及读出进程的峰值内存。"""

from __future__ import annotations

import multiprocessing as mp
import resource


def peak_mb() -> float:
    """本进程的峰值内存（MB，``ru_maxrss``；Linux 上以 KiB 计）。"""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(target, *args):
    """在一个 fork 出的子进程里运行 ``target(*args, queue)``，返回它放进队列的结果。

    每个测量独占一个进程：峰值内存互不干扰，一方的线程池也不会拖慢另一方。
    """
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue))
    process.start()
    out = queue.get()
    process.join()
    return out
