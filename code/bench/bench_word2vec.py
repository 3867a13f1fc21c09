"""基准：本书的 word2vec 训练（``wordvec_rnn.word2vec_train``）对照 gensim，同一语料、同一组超参数、同一次运行。

运行（在仓库根目录）::

    .venv/bin/python code/bench/bench_word2vec.py                       # 英文维基节选，跳元模型 + 负采样，15 轮
    .venv/bin/python code/bench/bench_word2vec.py --corpus peoples_daily  # 《人民日报》1998-01（没有 WordSim-353）
    .venv/bin/python code/bench/bench_word2vec.py --model cbow --objective hierarchical_softmax --epochs 5

打印两者的速度（词元/秒 = 语料词元数 × 轮数 / 训练秒数）、比值（本书 / gensim）、CPU 时间、WordSim-353 的
Spearman ρ 与用到的词对数，以及峰值内存。两个训练各在一个子进程里运行（fork，语料在父进程读好），峰值内存
是那个子进程的 ``ru_maxrss``，互不干扰；父进程读完语料时的 ``ru_maxrss`` 也一并打印，作为两者共同的起点。

公平起见：

- 默认先比 1 个线程、再比 2 个（``--threads``）：gensim 用 ``workers=线程数``（另有一个线程把句子分批喂给它），
  本书的 ``train_word2vec`` 也用 ``workers=线程数``（逐个窗口的编译循环，``word2vec_loops``；多个线程时每块语料
  切成几段、各线程同时更新，不加锁，与 gensim 相同）。打印的「CPU/墙钟」之比说明各自实际用了多少个核。
  本书的循环在第一次调用时由 numba 编译（之后从缓存载入），计时之前先在几段语料上训练一次，不计入训练时间。
- 超参数相同：d=100，窗口 a=5（两者都随机缩小窗口），k=5，min_count=5，二次采样阈值 1e-3，学习率 0.025 → 0.0001，
  同样的轮数。计时只算训练（gensim 的 ``train``；本书的 ``train_word2vec`` 去掉建词表，含编码语料）。
- 英文维基节选的文章最长约 1.5 万词，而 gensim 只训练每个文本的前 10000 个词（``MAX_WORDS_IN_BATCH``），
  所以两者拿到的都是切成每段至多 1000 词的文章。
- 二次采样默认用与 gensim 相同的 word2vec.c 公式 min(1, (sqrt(f/t)+1)·t/f)（``--subsample-rule sqrt`` 换成本书
  默认的论文公式 min(1, sqrt(t/f))，它删去更多高频词，词对更少、更快）。
- 仍有的差别（见 ``word2vec_train`` 与 ``word2vec_batch`` 的说明）：本书跳元模型一个窗口里的词对共用 k 个负样本；σ 精确计算，而 gensim
  查表，且 |u·v| ≥ 6 时跳过这一项更新；gensim 抽到与正样本相同的负样本时跳过它，本书不跳过；
  gensim 的 v 初值取 U(-1/d, 1/d)，本书与 word2vec.c 一样取 U(-0.5/d, 0.5/d)。
- 默认训练 15 轮。这个语料只有 45 万词元，5 轮远没有训练到头：跳元模型 + 负采样的 ρ 从 5 轮时的约 0.22（gensim）/
  0.24（本书）升到 15 轮时的约 0.49 / 0.51（各 3 个种子的平均）。``--epochs 5`` 重现 5 轮的对照。

两个 ρ 都由 ``wordsim_spearman`` 用同一种方式算出（中心词向量的余弦相似度）。这个语料只有 45 万词，ρ 随种子的
波动约 ±0.01–0.02（CBOW 5 轮时约 ±0.03，比较两边要用更多的种子，如 ``--seeds 0 1 2 3 4 5 6 7 8 9``），所以默认用 3 个种子（``--seeds 0 1 2``）：每个种子一轮，两边交替训练，速度取中位数、ρ 取平均。
开始前与结束后打印 1 分钟平均负载；开始前高于 1 时速度不下结论，只说「不可信（机器有其他负载）」（``benchutil.Comparison``）。
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from benchutil import Comparison, in_child, load_average, peak_mb, wait_for_idle

MAX_PIECE = 1000


def load_corpus(name: str) -> list[list[str]]:
    from wordvec_rnn import corpora

    if name == "enwiki":
        articles = corpora.english_wiki()
        return [a[i : i + MAX_PIECE] for a in articles for i in range(0, len(a), MAX_PIECE)]
    return corpora.peoples_daily()



def run_ours(sentences, args, threads, seed, queue):
    import torch

    from wordvec_rnn.corpora import wordsim353
    from wordvec_rnn.vocab import Vocab
    from wordvec_rnn.word2vec_eval import wordsim_spearman
    from wordvec_rnn.word2vec_train import train_word2vec

    torch.set_num_threads(1)   # 逐个窗口的循环不用 torch 的线程；线程数由 workers 决定
    t = time.perf_counter()
    vocab = Vocab(sentences, min_count=5)
    vocab_seconds = time.perf_counter() - t
    # 先在几段上训练一次：载入（第一次运行时是编译）word2vec_loops 的机器码，不计入训练时间；gensim 的 C 循环也是预先编译好的
    train_word2vec(sentences[:20], model=args.model, objective=args.objective, vocab=vocab, show_progress=False)
    cpu = time.process_time()
    result = train_word2vec(
        sentences, model=args.model, objective=args.objective, dim=100, window=5, negatives=5, epochs=args.epochs,
        lr=0.025, min_lr=1e-4, subsample=1e-3, subsample_rule=args.subsample_rule, seed=seed, vocab=vocab,
        workers=threads, show_progress=False,
    )
    cpu = time.process_time() - cpu
    rho, found = wordsim_spearman(result, wordsim353()) if args.corpus == "enwiki" else (float("nan"), 0)
    queue.put(dict(name="本书", seconds=result.seconds, cpu=cpu, vocab_seconds=vocab_seconds, vocab=len(vocab) - 2,
                   rho=rho, found=found, peak=peak_mb(), threads=threads))


def run_gensim(sentences, args, threads, seed, queue):
    from gensim.models import Word2Vec

    from wordvec_rnn.corpora import wordsim353
    from wordvec_rnn.vocab import Vocab
    from wordvec_rnn.word2vec_eval import wordsim_spearman
    from wordvec_rnn.word2vec_train import Word2VecResult

    hs = args.objective == "hierarchical_softmax"
    model = Word2Vec(vector_size=100, window=5, min_count=5, workers=threads, sg=int(args.model == "skipgram"),
                     hs=int(hs), negative=0 if hs else 5, sample=1e-3, alpha=0.025, min_alpha=1e-4, seed=seed)
    t = time.perf_counter()
    model.build_vocab(sentences)
    vocab_seconds = time.perf_counter() - t
    cpu, t = time.process_time(), time.perf_counter()
    model.train(sentences, total_examples=len(sentences), epochs=args.epochs)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    rho, found = float("nan"), 0
    if args.corpus == "enwiki":
        # 把 gensim 的向量按同一个词表排好，用同一个函数评估
        wrapped = Word2VecResult.from_vectors(Vocab(sentences, min_count=5), model.wv, model=args.model)
        rho, found = wordsim_spearman(wrapped, wordsim353())
    queue.put(dict(name="gensim", seconds=seconds, cpu=cpu, vocab_seconds=vocab_seconds, vocab=len(model.wv),
                   rho=rho, found=found, peak=peak_mb(), threads=threads))




# 每种模式的要求：本书 / gensim 的词元/秒（1 个线程）至少是这么多
REQUIRED_SPEED = {("skipgram", "negative_sampling"): 1.2, ("cbow", "negative_sampling"): 0.8,
                  ("skipgram", "hierarchical_softmax"): 1.0, ("cbow", "hierarchical_softmax"): 0.8}
RHO_TOLERANCE = 0.02  # WordSim-353 的 ρ 与 gensim 之差（几个种子的平均）不超过它


def run_round(sentences, args, threads, peaks, rows):
    """给 ``Comparison.alternate`` 的 ``measure``：第 k 轮用第 k 个种子，在子进程里训练一方，打印一行。"""
    n_tokens = sum(map(len, sentences))

    def measure(side: str, k: int) -> list[dict]:
        seed = args.seeds[k]
        out = in_child(run_ours if side == "本书" else run_gensim, sentences, args, threads, seed)
        out["seed"], out["wps"] = seed, n_tokens * args.epochs / out["seconds"]
        peaks[side] = max(peaks.get(side, 0.0), out["peak"])
        rows.append(out)
        print(f"  种子 {seed}  {out['name']:6s}  训练 {out['seconds']:6.2f} s（CPU {out['cpu']:6.2f} s，"
              f"CPU/墙钟 {out['cpu'] / out['seconds']:.2f}，线程数 {out['threads']}） "
              f"{out['wps']:9.0f} 词元/s  建词表 {out['vocab_seconds']:.2f} s  词表 {out['vocab']}  "
              + (f"ρ = {out['rho']:.3f}（{out['found']} 对）  " if out["found"] else "")
              + f"峰值内存 {out['peak']:.0f} MB", flush=True)
        return [dict(seconds=out["seconds"], cpu=out["cpu"])]

    return measure


def compare(sentences, args, threads, load_before) -> None:
    """``threads`` 个线程下交替训练两边（每个种子一轮），打印速度比、CPU 时间比、ρ 与各自的结论。"""
    print(f"\n{threads} 个线程（本书与 gensim 都是 workers={threads}）")
    peaks, rows = {}, []
    comparison = Comparison("本书", "gensim", load_before)
    comparison.alternate(run_round(sentences, args, threads, peaks, rows), len(args.seeds))
    speed, cpu_speed = 1 / comparison.ratio("seconds"), 1 / comparison.ratio("cpu")
    wps = {side: np.median([r["wps"] for r in rows if r["name"] == side]) for side in ("本书", "gensim")}
    required = REQUIRED_SPEED[(args.model, args.objective)]
    print(f"  速度（中位数）：本书 {wps['本书']:.0f} 词元/s，gensim {wps['gensim']:.0f} 词元/s，比值（本书/gensim）"
          f"{speed:.2f}，按进程 CPU 时间 {cpu_speed:.2f}"
          + (f"；{comparison.verdict(speed >= required, f'要求 ≥ {required}')}" if threads == 1 else ""))
    if args.corpus == "enwiki":
        rho = {side: np.mean([r["rho"] for r in rows if r["name"] == side]) for side in ("本书", "gensim")}
        gap = rho["本书"] - rho["gensim"]
        verdict = "达到" if abs(gap) <= RHO_TOLERANCE else "未达到"
        print(f"  WordSim-353：本书 ρ = {rho['本书']:.3f}，gensim ρ = {rho['gensim']:.3f}，差 {gap:+.3f}"
              f"（{len(args.seeds)} 个种子的平均）；要求 |差| ≤ {RHO_TOLERANCE}：{verdict}")
    print(f"  峰值内存：本书 {peaks['本书']:.0f} MB，gensim {peaks['gensim']:.0f} MB")
    print(f"  {comparison.load_line()}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["enwiki", "peoples_daily"], default="enwiki")
    parser.add_argument("--model", choices=["skipgram", "cbow"], default="skipgram")
    parser.add_argument("--objective", choices=["negative_sampling", "hierarchical_softmax"], default="negative_sampling")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2],
                        help="每个种子一轮、两边交替训练（至少 3 个）；速度取中位数，ρ 取平均")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="依次比较的线程数")
    parser.add_argument("--subsample-rule", choices=["word2vec", "sqrt"], default="word2vec",
                        help="本书一方的二次采样公式：word2vec（与 gensim 相同，默认）或 sqrt（论文的 min(1, sqrt(t/f))）")
    args = parser.parse_args(argv)
    load_before = load_average()

    import gensim
    import torch

    sentences = load_corpus(args.corpus)
    k_text = "k=5，" if args.objective == "negative_sampling" else ""
    print(f"语料 {args.corpus}：{len(sentences)} 段，{sum(map(len, sentences))} 个词元；{args.model}，{args.objective}，"
          f"d=100，a=5，{k_text}min_count=5，sample=1e-3（本书用 {args.subsample_rule} 公式），{args.epochs} 轮")
    print(f"python {sys.version.split()[0]}，numpy {np.__version__}，torch {torch.__version__}，gensim {gensim.__version__}；"
          f"开始前负载 {load_before:.2f}")
    print(f"读完语料时父进程的峰值内存 {peak_mb():.0f} MB（各子进程的共同起点）")
    for k, threads in enumerate(args.threads):  # 第二段比较之前先等上一段的负载退去
        compare(sentences, args, threads, load_before if k == 0 else wait_for_idle())


if __name__ == "__main__":
    main()
