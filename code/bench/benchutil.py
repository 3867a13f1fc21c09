"""基准脚本共用的部分：在 fork 出的子进程里运行一段测量、读出峰值内存，以及可信的比较。

可信的比较（:class:`Comparison`）：开始前与结束后打印 1 分钟平均负载；两种实现交替运行至少 3 轮（负载随时间的
变化落到两边）；报告墙钟时间与进程 CPU 时间的中位数和比值。开始前负载超过 :data:`LOAD_LIMIT` 时不下结论，
只打印「不可信（机器有其他负载）」：负载下测得的比值不是测量。
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

LOAD_LIMIT = 1.0          # 开始前的 1 分钟平均负载高于它，结论不可信
MIN_ROUNDS = 3
UNTRUSTED = "不可信（机器有其他负载）"


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


def timed(step: Callable[[], object], repeats: int) -> list[dict]:
    """预热一次，再运行 ``repeats`` 次：每次的墙钟秒数与进程 CPU 秒数（``time.process_time``，含全部线程）。"""
    step()
    samples = []
    for _ in range(repeats):
        tic, cpu_tic = time.perf_counter(), time.process_time()
        step()
        samples.append(dict(seconds=time.perf_counter() - tic, cpu=time.process_time() - cpu_tic))
    return samples


def measured_in_child(target, peaks: dict[str, float], *args) -> Callable[[str, int], list[dict]]:
    """给 :meth:`Comparison.alternate` 的 ``measure``：在子进程里运行 ``target(*args, 一方, queue)``（它放进队列
    ``{"samples": …, "peak": …}``），把峰值内存记进 ``peaks``，返回这一轮的测量。"""

    def measure(side: str, _round: int) -> list[dict]:
        out = in_child(target, *args, side)
        peaks[side] = max(peaks.get(side, 0.0), out["peak"])
        return out["samples"]

    return measure


def load_average() -> float:
    return os.getloadavg()[0]


def wait_for_idle(max_seconds: float = 180.0, below: float = 0.9) -> float:
    """等到 1 分钟平均负载低于 ``below``（上一段测量留下的负载要一两分钟才退去），至多 ``max_seconds`` 秒；
    返回此刻的负载，作为下一段比较的「开始前」。"""
    deadline = time.monotonic() + max_seconds
    while load_average() >= below and time.monotonic() < deadline:
        time.sleep(5)
    return load_average()


@dataclass
class Comparison:
    """一次「本书 / 参照」的比较：``samples[一方]`` 是每次测量的 ``{"seconds": 墙钟, "cpu": 进程 CPU 时间}``。"""

    ours: str
    reference: str
    load_before: float = field(default_factory=load_average)
    samples: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def trusted(self) -> bool:
        return self.load_before <= LOAD_LIMIT

    def alternate(self, measure: Callable[[str, int], list[dict]], rounds: int) -> None:
        """两边交替运行 ``rounds`` 轮（至少 3 轮）；``measure(一方, 第几轮)`` 返回这一轮的若干次测量。"""
        if rounds < MIN_ROUNDS:
            raise ValueError(f"参数 `rounds`：期望至少 {MIN_ROUNDS} 轮（交替测量才能取中位数），实际得到 {rounds}")
        for k in range(rounds):
            for side in (self.ours, self.reference):
                self.samples.setdefault(side, []).extend(measure(side, k))

    def median(self, side: str, key: str) -> float:
        return float(np.median([s[key] for s in self.samples[side]]))

    def ratio(self, key: str = "seconds") -> float:
        """本书 / 参照，取各自的中位数（``key`` 为 ``"seconds"`` 或 ``"cpu"``）。"""
        return self.median(self.ours, key) / self.median(self.reference, key)

    def verdict(self, passed: bool, requirement: str) -> str:
        """「要求：达到 / 未达到」；开始前机器有负载时不下结论。"""
        return f"{requirement}：{UNTRUSTED}" if not self.trusted else f"{requirement}：{'达到' if passed else '未达到'}"

    def load_line(self) -> str:
        return f"负载（1 分钟平均）：开始前 {self.load_before:.2f}，结束后 {load_average():.2f}" + (
            "" if self.trusted else f"；开始前高于 {LOAD_LIMIT}，{UNTRUSTED}")
