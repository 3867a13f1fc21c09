"""基准：本书的 ``lstm_layer``（torch 张量运算，反向交给 autograd）对照 ``torch.nn.LSTM``（``--cell gru``：``gru_layer``
对照 ``torch.nn.GRU``），以及字符级语言模型里 LSTM 对照普通 RNN。

运行（在仓库根目录）::

    .venv/bin/python code/bench/bench_lstm.py                  # 默认：(a) 1 与 2 个线程，(b) 每个模型训练 60 s
    .venv/bin/python code/bench/bench_lstm.py --seconds 120 --rounds 3 --repeats 10
    .venv/bin/python code/bench/bench_lstm.py --cell gru --skip-lm   # (a) 换成 GRU（"torch" 变体，与 nn.GRU 算的相同）
    .venv/bin/python code/bench/bench_lstm.py --cell lstm_manual --skip-lm   # (a) 手写反向的 lstm_layer_manual（gru_manual 同理）

一次运行打印三部分：

(a) 一步前向 + 反向的时间（默认 B=32，T=64，n=64，m=256，float32）。同一组参数（``init_lstm_params``，固定种子）、
    同样的输入：``wordvec_rnn.lstm.lstm_layer`` 的前向，对照用 ``lstm_to_torch`` 放进同样参数的 ``nn.LSTM``
    （``batch_first=True``）的前向；两边都对输出之和 ``H.sum()`` 调用 ``backward()``。先在 float64 下核对两边的输出
    与参数梯度一致。然后对 torch 的 1 个与 2 个线程（``torch.set_num_threads``）分别计时：每种实现在自己的
    子进程里运行（``benchutil.in_child``），两种实现交替 ``--rounds`` 轮（至少 3），每轮预热一次再计 ``--repeats`` 次，
    打印全部次数的中位数（毫秒/步）与比值 本书 / nn.LSTM；另外打印进程 CPU 时间（``time.process_time``，含全部
    线程）的中位数与比值。开始前与结束后打印 1 分钟平均负载；开始前高于 1 时不下结论，只说「不可信」（``benchutil.Comparison``）。CPU 上 float32
    的 ``nn.LSTM`` 由 oneDNN 的融合内核执行，本书的实现是逐步的 Python 循环（每步一次 ``addmm`` 与几个逐元素
    运算），比值就是这个循环的代价；2 个线程时每个小运算都要同步一次线程池，代价更明显。
(b) 字符级语言模型：直接调用 ``bench_rnn.bench_char_lm``（第 02 章的设置：n=64，m=256，B=32，T=35，Adam 学习率
    5e-3，裁剪阈值 1，《人民日报》1998-01），普通 RNN 与 LSTM 各训练 ``--seconds`` 秒（torch 用 ``--lm-threads``
    个线程，默认 2），在整个验证集上算困惑度，与一元模型比较。比较的是「同样的训练时间买到多低的困惑度」。
    第三个模型是调过的 LSTM（``tuned_char_lm``）：同样的数据与评价，m=128、学习率 2e-2（``--lm-m``、``--lm-lr``、
    ``--lm-T`` 可改）。m=256 的 LSTM 每步比 RNN 慢；m 减半、学习率加大，同样时间里走的步数多、前期下降快。
    机器空闲时两者的困惑度相近；机器有别的负载、m=256 走不了几步时，调过的模型仍能把困惑度降下来。
    ``--only-tuned`` 只训练这一个模型，调参时用。
(c) 峰值内存：各子进程的 ``ru_maxrss``。

所有数字在同一次运行中测得；机器上有其他负载时，时间会变长，比值与 (b) 的步数也会受影响。
"""

from __future__ import annotations

import argparse
import os
import sys
from argparse import Namespace

import numpy as np

from bench_rnn import bench_char_lm
from benchutil import Comparison, in_child, load_average, measured_in_child, peak_mb, timed


LAYER_NAMES = {"lstm": "lstm_layer", "lstm_manual": "lstm_layer_manual", "gru": "gru_layer", "gru_manual": "gru_layer_manual"}


def cell_api(cell: str):
    """(a) 比较的层：``(init_params, layer, to_torch, grads_from_torch, torch 模块的名字)``。GRU 用 ``"torch"`` 变体，与 nn.GRU 算的相同。"""
    from functools import partial

    from wordvec_rnn import gru, lstm

    if cell in ("lstm", "lstm_manual"):
        layer = lstm.lstm_layer if cell == "lstm" else lstm.lstm_layer_manual
        return lstm.init_lstm_params, layer, lstm.lstm_to_torch, lstm.lstm_grads_from_torch, "nn.LSTM"
    layer = gru.gru_layer if cell == "gru" else gru.gru_layer_manual
    return (partial(gru.init_gru_params, variant="torch"), partial(layer, variant="torch"), gru.gru_to_torch,
            gru.gru_grads_from_torch, "nn.GRU")


def make_problem(args, dtype_name: str):
    """(a) 的参数与输入：固定种子，每个子进程生成的完全相同。"""
    import torch

    dtype = getattr(torch, dtype_name)
    gen = torch.Generator().manual_seed(0)
    params = cell_api(args.cell)[0](args.n, args.m, generator=gen, dtype=dtype)
    X = torch.randn(args.B, args.T, args.n, generator=gen, dtype=dtype)
    return params, X


def step_fn(cell: str, which: str, params, X):
    """一步：前向，再对 H.sum() 反向；返回无参数的函数与（参与求导的）参数列表。"""
    _, layer, to_torch, _, _ = cell_api(cell)
    if which == "ours":
        leaves = [p.requires_grad_(True) for p in params.values()]

        def forward():
            return layer(X, params)[0]
    else:
        module = to_torch(params)
        leaves = list(module.parameters())

        def forward():
            return module(X)[0]

    def step():
        for p in leaves:
            p.grad = None
        H = forward()
        H.sum().backward()
        return H

    return step, leaves


def check_same(args, queue):
    """float64 下核对：两边的输出与梯度一致（torch 模块的梯度用 ``*_grads_from_torch`` 换成本书参数的梯度）。"""
    import torch

    torch.set_num_threads(1)
    _, _, to_torch, grads_from_torch, _ = cell_api(args.cell)
    params, X = make_problem(args, "float64")
    step, leaves = step_fn(args.cell, "ours", params, X)
    H = step()
    module = to_torch({k: v.detach() for k, v in params.items()})
    H_ref, _ = module(X)
    H_ref.sum().backward()
    torch_grads = grads_from_torch(module)
    worst_grad = max((params[k].grad - torch_grads[k]).abs().max().item() for k in params)
    queue.put(dict(out=(H - H_ref).abs().max().item(), grad=worst_grad))


def time_step(args, threads, which, queue):
    """在本子进程里给一种实现计时（``benchutil.timed``），连同峰值内存放进队列。"""
    import torch

    torch.set_num_threads(threads)
    step, _ = step_fn(args.cell, which, *make_problem(args, "float32"))
    queue.put(dict(samples=timed(step, args.repeats), peak=peak_mb()))


def bench_step(args, load_before: float):
    """(a) 本书的层对照 torch 的模块的前向 + 反向，1 个与 2 个线程；返回峰值内存与每个线程数的比较。"""
    check = in_child(check_same, args)
    assert check["out"] < 1e-10 and check["grad"] < 1e-10, check
    print(f"  float64 核对：输出的最大差 {check['out']:.1e}，参数梯度的最大差 {check['grad']:.1e}")
    peaks = {"ours": 0.0, "torch": 0.0}
    comparisons = {}
    for threads in (1, 2):
        comparison = Comparison("ours", "torch", load_before)
        comparison.alternate(measured_in_child(time_step, peaks, args, threads), args.rounds)
        ms = {side: {key: 1e3 * comparison.median(side, key) for key in ("seconds", "cpu")} for side in ("ours", "torch")}
        name = cell_api(args.cell)[4]
        print(f"  {threads} 个线程：{LAYER_NAMES[args.cell]} {ms['ours']['seconds']:7.1f} ms/步，{name} {ms['torch']['seconds']:7.1f} "
              f"ms/步，比值 本书 / {name} = {comparison.ratio():.2f}；进程 CPU 时间 {ms['ours']['cpu']:.1f} 与 "
              f"{ms['torch']['cpu']:.1f} ms/步，比值 {comparison.ratio('cpu'):.2f}")
        comparisons[threads] = comparison
    return peaks, comparisons


def tuned_char_lm(args, queue):
    """(b) 的第三个模型：LSTM，可以换 m、学习率与 BPTT 长度 T（``--lm-m``、``--lm-lr``、``--lm-T``）；数据、词表、
    裁剪阈值与评价都与 ``bench_rnn.bench_char_lm`` 相同。"""
    import torch

    from wordvec_rnn import corpora
    from wordvec_rnn.char_lm import (CharLM, batchify, char_sentences, encode_stream, perplexity, train_char_lm,
                                     train_val_split)
    from wordvec_rnn.vocab import Vocab

    torch.set_num_threads(args.lm_threads)
    train_sentences, val_sentences = train_val_split(char_sentences(corpora.peoples_daily(keep_punctuation=True)),
                                                     0.05, seed=0)
    vocab = Vocab(train_sentences, min_count=10)
    train_data = batchify(encode_stream(train_sentences, vocab), 32)
    val_data = batchify(encode_stream(val_sentences, vocab), 10)
    torch.manual_seed(0)
    model = CharLM(len(vocab), 64, args.lm_m, cell="lstm")
    history = train_char_lm(model, train_data, val_data[:, :2], T=args.lm_T, max_seconds=args.seconds, lr=args.lm_lr,
                            max_norm=1.0, eval_every=None, show_progress=False)
    ppl = perplexity(model, val_data, 100)
    print(f"  m={args.lm_m}，学习率 {args.lm_lr:g}，T={args.lm_T}：训练 {history.steps} 步（{history.seconds:.1f} s），"
          f"验证困惑度 LSTM {ppl:.1f}")
    queue.put(dict(steps=history.steps, ppl=ppl, peak=peak_mb()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="(b) 每个模型的训练时间（秒，不含验证）")
    parser.add_argument("--lm-threads", type=int, default=2, help="(b) torch 的线程数")
    parser.add_argument("--repeats", type=int, default=5, help="(a) 每个子进程里重复的次数")
    parser.add_argument("--rounds", type=int, default=3, help="(a) 两种实现交替计时的轮数（至少 3；取全部次数的中位数）")
    parser.add_argument("--B", type=int, default=32)
    parser.add_argument("--T", type=int, default=64)
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--m", type=int, default=256)
    parser.add_argument("--lm-m", type=int, default=128, help="(b) 调过的 LSTM 的隐状态维数")
    parser.add_argument("--lm-lr", type=float, default=2e-2, help="(b) 调过的 LSTM 的学习率")
    parser.add_argument("--lm-T", type=int, default=35, help="(b) 调过的 LSTM 的 BPTT 长度")
    parser.add_argument("--cell", choices=list(LAYER_NAMES), default="lstm",
                        help="(a) 比较的层：lstm_layer、gru_layer，或手写反向的 lstm_layer_manual、gru_layer_manual")
    parser.add_argument("--skip-lm", action="store_true", help="只运行 (a)")
    parser.add_argument("--only-tuned", action="store_true", help="(b) 只训练调过的 LSTM（调参用）")
    args = parser.parse_args(argv)
    load_before = load_average()

    from importlib.metadata import version

    print(f"python {sys.version.split()[0]}，numpy {np.__version__}，torch {version('torch')}；"
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '未设置')}，CPU 核数 {os.cpu_count()}，"
          f"负载 {load_before:.2f}")
    if args.only_tuned:
        print(f"\n(b) 调过的 LSTM，训练 {args.seconds:.0f} s，{args.lm_threads} 个线程")
        in_child(tuned_char_lm, args)
        return
    print(f"\n(a) {LAYER_NAMES[args.cell]} 一步前向 + 反向（B={args.B}，T={args.T}，n={args.n}，m={args.m}，float32，"
          f"{args.rounds} 轮 × {args.repeats} 次的中位数）")
    peaks, comparisons = bench_step(args, load_before)
    first = comparisons[1]
    print(f"  {first.verdict(first.ratio() <= 1.5, '要求 1 个线程时比值 ≤ 1.5')}（{first.ratio():.2f}）")
    print(f"  {first.load_line()}")
    if args.skip_lm:
        return
    results = {}
    for cell in ("rnn", "lstm"):
        print(f"\n(b) 字符级语言模型，cell={cell}，训练 {args.seconds:.0f} s，{args.lm_threads} 个线程")
        results[cell] = in_child(bench_char_lm, Namespace(cell=cell, threads=args.lm_threads, seconds=args.seconds))
    print(f"\n(b) 调过的 LSTM，训练 {args.seconds:.0f} s，{args.lm_threads} 个线程")
    tuned = in_child(tuned_char_lm, args)
    rnn, lstm = results["rnn"], results["lstm"]
    best = min(lstm["ppl"], tuned["ppl"])
    print(f"\n  小结：验证困惑度 RNN {rnn['ppl']:.1f}（{rnn['steps']} 步），LSTM {lstm['ppl']:.1f}（{lstm['steps']} 步），"
          f"调过的 LSTM {tuned['ppl']:.1f}（{tuned['steps']} 步），一元模型 {lstm['unigram']:.1f}；"
          f"目标 LSTM ≤ 150：{'达到' if best <= 150 else '未达到'}")
    print(f"\n(c) 峰值内存（各子进程的 ru_maxrss）：(a) 本书 {peaks['ours']:.0f} MB，{cell_api(args.cell)[4]} {peaks['torch']:.0f} MB；"
          f"(b) RNN {rnn['peak']:.0f} MB，LSTM {lstm['peak']:.0f} MB，调过的 LSTM {tuned['peak']:.0f} MB（含读入的语料）")


if __name__ == "__main__":
    main()
