import random

import numpy as np
import pytest
import torch

from wordvec_rnn.progress import DisplayBar, in_kernel, progress
from wordvec_rnn.seeding import set_seed


def draw():
    return random.random(), np.random.rand(), torch.rand(1).item()


def test_same_seed_same_numbers():
    rng = set_seed(7)
    first = draw() + (rng.normal(),)
    rng = set_seed(7)
    assert draw() + (rng.normal(),) == first
    set_seed(8)
    assert draw() != first[:3]


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "0"])
def test_bad_seed(bad):
    with pytest.raises(ValueError, match="参数 `seed`"):
        set_seed(bad)


def test_progress_counts_steps():
    assert not in_kernel()  # pytest 不在 Jupyter 内核里：用终端进度条
    bar = progress(range(5), desc="训练")
    assert sum(1 for _ in bar) == 5 and bar.n == 5
    with progress(total=3) as bar:
        bar.update(3)
    assert bar.n == 3
    with progress(desc="按时间训练") as bar:   # 总步数未知：只计数
        bar.update(7)
    assert bar.n == 7 and bar.total is None


def test_display_bar_updates_one_output_in_place(capsys):
    # 没有 IPython 内核时，display 把文字打印出来；每次刷新打印一次，收尾时是 100% 的那一行
    for _ in DisplayBar(range(4), desc="训练", mininterval=0):
        pass
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert lines[-1].startswith("{'text/plain': '训练: 100%") and "4/4" in lines[-1]


def test_progress_rejects_bad_input():
    with pytest.raises(ValueError, match="参数 `total`"):
        progress(total=-1)
    with pytest.raises(ValueError, match="参数 `desc`"):
        progress(range(2), desc="")
