"""基准脚本的共用部分（code/bench/benchutil.py）：交替测量、中位数与比值、负载下不下结论；以及脚本本身能跑通。"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO

BENCH = REPO / "code" / "bench"
sys.path.insert(0, str(BENCH))

from benchutil import UNTRUSTED, Comparison, timed  # noqa: E402


def fake_measure(times: dict[str, list[float]], order: list):
    def measure(side, k):
        order.append((side, k))
        return [dict(seconds=t, cpu=t / 2) for t in times[side]]

    return measure


def test_sides_alternate_and_ratios_are_of_medians():
    order = []
    comparison = Comparison("ours", "ref", load_before=0.2)
    comparison.alternate(fake_measure({"ours": [1.0, 3.0, 100.0], "ref": [2.0, 2.0, 2.0]}, order), rounds=3)
    assert order == [("ours", 0), ("ref", 0), ("ours", 1), ("ref", 1), ("ours", 2), ("ref", 2)]
    assert comparison.ratio() == pytest.approx(3.0 / 2.0)   # 中位数：一次 100 s 的离群值不影响
    assert comparison.ratio("cpu") == pytest.approx(1.5)
    assert comparison.verdict(True, "要求 ≤ 1.5") == "要求 ≤ 1.5：达到"
    assert comparison.verdict(False, "要求 ≤ 1.5") == "要求 ≤ 1.5：未达到"


def test_a_loaded_machine_gives_no_verdict():
    comparison = Comparison("ours", "ref", load_before=1.7)
    assert comparison.verdict(True, "要求 ≤ 1.5") == f"要求 ≤ 1.5：{UNTRUSTED}"
    assert UNTRUSTED in comparison.load_line() and "开始前 1.70" in comparison.load_line()


def test_fewer_than_three_rounds_are_refused():
    with pytest.raises(ValueError, match="参数 `rounds`：期望至少 3 轮"):
        Comparison("ours", "ref").alternate(fake_measure({"ours": [1.0], "ref": [1.0]}, []), rounds=2)


def test_timed_warms_up_once_then_measures_each_repeat():
    calls = []
    samples = timed(lambda: calls.append(1), repeats=4)
    assert len(calls) == 5 and len(samples) == 4
    assert all(s["seconds"] >= 0 and s["cpu"] >= 0 for s in samples)


@pytest.mark.parametrize("cell, module", [("lstm", "nn.LSTM"), ("lstm_manual", "nn.LSTM"), ("gru", "nn.GRU"), ("gru_manual", "nn.GRU")])
def test_layer_benchmark_runs_and_reports_load_and_verdict(cell, module):
    out = subprocess.run([sys.executable, str(BENCH / "bench_lstm.py"), "--skip-lm", "--cell", cell, "--B", "2", "--T", "3",
                          "--n", "4", "--m", "5", "--repeats", "1", "--rounds", "3"],
                         capture_output=True, text=True, timeout=300, check=True, cwd=REPO).stdout
    assert "1 个线程" in out and "2 个线程" in out and f"比值 本书 / {module}" in out and "float64 核对" in out
    assert "负载（1 分钟平均）：开始前" in out and ("达到" in out or UNTRUSTED in out)


def test_waiting_for_an_idle_machine_gives_up_after_the_deadline():
    from benchutil import wait_for_idle

    assert wait_for_idle(max_seconds=0, below=-1.0) >= 0.0   # 负载永远不低于 -1：到期即返回此刻的负载
