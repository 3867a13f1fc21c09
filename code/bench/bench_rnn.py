"""基准：本书 numpy 实现的一步 BPTT 对照 ``torch.nn.RNN``，以及字符级语言模型训练固定时间后的验证困惑度。

运行（在仓库根目录）::

    .venv/bin/python code/bench/bench_rnn.py                   # 默认：tanh RNN，字符级模型训练 60 s
    .venv/bin/python code/bench/bench_rnn.py --cell lstm       # 第 05 章：同一个脚本换成 LSTM（或 --cell gru）
    .venv/bin/python code/bench/bench_rnn.py --seconds 120 --threads 1

一次运行打印三部分：

(a) 一步前向 + 反向的时间。同样的尺寸（默认 B=32，T=35，n=m=256，q=2000）、同样的参数与数据：本书的
    ``wordvec_rnn.rnn.rnn_loss_and_gradients``（numpy，逐步照公式前向与 BPTT），对照 ``nn.RNN`` + ``nn.Linear`` +
    ``F.cross_entropy(reduction="sum")`` 的前向与 ``backward()``，float64 与 float32 各一次；float64 下先核对两边的
    损失与梯度一致。每种实现、每种精度在自己的子进程里计时（两种线程池——numpy 的 BLAS 与 torch 的 OpenMP——在
    同一个进程里交替使用时，一方空转等待的线程会抢走另一方的 CPU，两核机器上能慢好几倍），numpy 与 torch 交替
    ``--rounds`` 轮（至少 3），每轮 ``--repeats`` 次，打印全部次数的中位数（毫秒/步）与比值 numpy / torch（墙钟与进程
    CPU 时间各一个）；开始前机器有负载（1 分钟平均高于 1）时不下结论，只说「不可信」（``benchutil.Comparison``）。numpy 的矩阵乘法
    由它的 BLAS 执行，线程数由环境变量（如 ``OPENBLAS_NUM_THREADS``）决定，本脚本不改它，只把它打印出来；torch 用
    ``--threads`` 个线程（默认 2）。
(b) 字符级语言模型（``wordvec_rnn.char_lm``，第 02 章「字符级语言模型」的小设置：n=64，m=256，B=32，T=35，
    Adam 学习率 5e-3，裁剪阈值 1）在《人民日报》1998-01 上训练固定的 ``--seconds`` 秒（只计训练，不含验证），
    然后在整个验证集上算困惑度，与一元模型的困惑度比较。``--cell`` 选循环层，同样的时间里 GRU、LSTM 每步更慢、
    走的步数更少，比较的是「同样的算力买到多低的困惑度」。
(c) 峰值内存：每个子进程的 ``ru_maxrss``（(a) 中 numpy 与 torch 分别取各自子进程的最大值）。父进程不导入 torch，
    子进程的数字不含别人的内存。

所有数字都在同一次运行中测得；机器上有其他负载时，时间会变长，比值也会受影响。
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from benchutil import Comparison, in_child, load_average, measured_in_child, peak_mb, timed



def make_problem(args, dtype):
    """(a) 的参数、输入与标签：固定种子，每个子进程生成的完全相同。"""
    from wordvec_rnn.rnn import init_rnn_params

    rng = np.random.default_rng(0)
    params = init_rnn_params(args.n, args.m, args.q, rng, dtype=dtype)
    X = rng.normal(size=(args.B, args.T, args.n)).astype(dtype)
    targets = rng.integers(0, args.q, size=(args.B, args.T))
    return params, X, targets




def torch_step_fn(rnn, out, X, targets):
    """一步：前向（nn.RNN + nn.Linear + 交叉熵之和）与 backward()。"""
    import torch
    from torch.nn import functional as F

    Xt, Yt = torch.from_numpy(X), torch.from_numpy(targets)
    parameters = [*rnn.parameters(), *out.parameters()]
    q = out.weight.shape[0]

    def step():
        for p in parameters:
            p.grad = None
        H, _ = rnn(Xt)
        loss = F.cross_entropy(out(H).reshape(-1, q), Yt.reshape(-1), reduction="sum")
        loss.backward()
        return loss

    return step


def check_same_gradients(args, queue):
    """float64 下先核对：numpy 与 torch 算的是同一个损失与同一组梯度。"""
    import torch

    from wordvec_rnn.gradcheck import relative_error
    from wordvec_rnn.rnn import rnn_loss_and_gradients, rnn_to_torch

    torch.set_num_threads(args.threads)
    params, X, targets = make_problem(args, np.float64)
    loss_np, grads, _ = rnn_loss_and_gradients(params, X, targets)
    rnn, out = rnn_to_torch(params)
    loss_t = torch_step_fn(rnn, out, X, targets)().item()
    torch_grads = {"V": rnn.weight_ih_l0.grad, "W": rnn.weight_hh_l0.grad, "b_h": rnn.bias_ih_l0.grad,
                   "U": out.weight.grad, "b_y": out.bias.grad}
    worst = max(relative_error(torch_grads[k].numpy(), grads[k]) for k in grads)
    queue.put(dict(loss_np=loss_np, loss_t=loss_t, worst=worst))


def time_step(args, dtype, which, queue):
    """在本子进程里给一种实现计时（``benchutil.timed``），连同峰值内存放进队列。"""
    if which == "numpy":
        from wordvec_rnn.rnn import rnn_loss_and_gradients

        params, X, targets = make_problem(args, dtype)

        def step():
            return rnn_loss_and_gradients(params, X, targets)
    else:
        import torch

        from wordvec_rnn.rnn import rnn_to_torch

        torch.set_num_threads(args.threads)
        params, X, targets = make_problem(args, dtype)
        step = torch_step_fn(*rnn_to_torch(params), X, targets)
    queue.put(dict(samples=timed(step, args.repeats), peak=peak_mb()))


def bench_step(args, load_before: float):
    """(a) numpy 的一步 BPTT 对照 torch.nn.RNN 的前向 + 反向；每种实现、每种精度各在自己的子进程里计时。"""
    check = in_child(check_same_gradients, args)
    assert abs(check["loss_np"] - check["loss_t"]) < 1e-9 * abs(check["loss_np"]) and check["worst"] < 1e-8, check
    print(f"  float64 核对：损失 {check['loss_np']:.6f}（torch {check['loss_t']:.6f}），梯度的最大相对误差 {check['worst']:.1e}")
    peaks = {}
    for dtype in (np.float64, np.float32):
        comparison = Comparison("numpy", "torch", load_before)
        comparison.alternate(measured_in_child(time_step, peaks, args, dtype), args.rounds)
        t_np, t_torch = (1e3 * comparison.median(side, "seconds") for side in ("numpy", "torch"))
        print(f"  {np.dtype(dtype).name}：numpy {t_np:7.1f} ms/步，torch.nn.RNN {t_torch:7.1f} ms/步，"
              f"比值 numpy / torch = {comparison.ratio():.2f}（按进程 CPU 时间 {comparison.ratio('cpu'):.2f}）；"
              f"{comparison.verdict(comparison.ratio() <= 1.0, '要求比值 ≤ 1')}")
    print(f"  {comparison.load_line()}")
    return peaks


def bench_char_lm(args, queue):
    """(b) 字符级语言模型训练固定时间后的验证困惑度，对照一元模型。"""
    import torch

    from wordvec_rnn import corpora
    from wordvec_rnn.char_lm import (CharLM, batchify, char_sentences, encode_stream, perplexity, train_char_lm,
                                     train_val_split, unigram_perplexity)
    from wordvec_rnn.vocab import Vocab

    torch.set_num_threads(args.threads)
    sentences = char_sentences(corpora.peoples_daily(keep_punctuation=True))
    train_sentences, val_sentences = train_val_split(sentences, 0.05, seed=0)
    vocab = Vocab(train_sentences, min_count=10)
    train_data = batchify(encode_stream(train_sentences, vocab), 32)
    val_data = batchify(encode_stream(val_sentences, vocab), 10)
    unigram = unigram_perplexity(encode_stream(train_sentences, vocab), val_data[:, 1:], len(vocab))
    torch.manual_seed(0)
    model = CharLM(len(vocab), 64, 256, cell=args.cell)
    history = train_char_lm(model, train_data, val_data[:, :2], T=35, max_seconds=args.seconds, lr=5e-3,
                            max_norm=1.0, eval_every=None, show_progress=False)
    tic = time.perf_counter()
    ppl = perplexity(model, val_data, 100)
    eval_seconds = time.perf_counter() - tic
    chars = history.steps * 32 * 35
    print(f"  |V| = {len(vocab)}，训练 {history.steps} 步（{chars} 个字，{history.seconds:.1f} s，{chars / history.seconds:.0f} 字/s），"
          f"验证集 {val_data.numel()} 个字（评价用时 {eval_seconds:.1f} s）")
    print(f"  验证困惑度：{args.cell.upper()} {ppl:.1f}，一元模型 {unigram:.1f}，均匀分布 {len(vocab)}；"
          f"比值 {args.cell.upper()} / 一元模型 = {ppl / unigram:.2f}")
    queue.put(dict(steps=history.steps, ppl=ppl, unigram=unigram, peak=peak_mb()))




def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", choices=["rnn", "gru", "lstm"], default="rnn", help="(b) 的循环层")
    parser.add_argument("--seconds", type=float, default=60.0, help="(b) 的训练时间（秒，不含验证）")
    parser.add_argument("--threads", type=int, default=2, help="torch 的线程数")
    parser.add_argument("--repeats", type=int, default=5, help="(a) 每个子进程里每种实现重复的次数")
    parser.add_argument("--rounds", type=int, default=3, help="(a) numpy 与 torch 交替计时的轮数（至少 3；取全部次数的中位数）")
    parser.add_argument("--B", type=int, default=32)
    parser.add_argument("--T", type=int, default=35)
    parser.add_argument("--n", type=int, default=256)
    parser.add_argument("--m", type=int, default=256)
    parser.add_argument("--q", type=int, default=2000)
    args = parser.parse_args(argv)
    load_before = load_average()

    from importlib.metadata import version

    print(f"python {sys.version.split()[0]}，numpy {np.__version__}，torch {version('torch')}；torch 线程数 {args.threads}，"
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '未设置')}，CPU 核数 {os.cpu_count()}，"
          f"负载 {load_before:.2f}")
    print(f"\n(a) 一步前向 + 反向（B={args.B}，T={args.T}，n={args.n}，m={args.m}，q={args.q}，{args.rounds} 轮 × {args.repeats} 次的中位数）")
    peaks = bench_step(args, load_before)
    print(f"\n(b) 字符级语言模型，cell={args.cell}，训练 {args.seconds:.0f} s")
    lm = in_child(bench_char_lm, args)
    print(f"\n(c) 峰值内存（各子进程的 ru_maxrss）：(a) numpy {peaks['numpy']:.0f} MB，torch {peaks['torch']:.0f} MB；"
          f"(b) {lm['peak']:.0f} MB（含读入的语料）")


if __name__ == "__main__":
    main()
