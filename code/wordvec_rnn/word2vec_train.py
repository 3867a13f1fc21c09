"""word2vec 的快速训练：跳元模型（skip-gram）与连续词袋（CBOW），用负采样或层序 softmax（评估词向量的函数在
``word2vec_eval``）。

本模块是手写的（不由笔记本导出），供第 01 章「训练与评估」一节与 ``bench/bench_word2vec.py`` 使用。
算法与 word2vec 的 C 程序（``word2vec.c``）及 gensim 相同，只是把逐个词对的循环换成了按块、按批的向量化运算：

1. **编码**：句子 → 编号；不在词表中的词（出现少于 ``min_count`` 次）直接删去，窗口跨过它们（word2vec 的做法）。
2. **二次采样**（subsampling）：每一轮（epoch）重新抽样，词 w 的每次出现以概率
   ``keep_probability(counts, subsample)`` = min(1, sqrt(t / f(w))) 保留（论文的公式；``subsample_rule="word2vec"``
   换成 word2vec.c 与 gensim 的公式）。
3. **动态窗口**：每个位置 i 抽一个缩小的半宽 a_i ~ U{1, …, a}（word2vec 的 reduced window），窗口是同一句子里、
   删词之后与 i 相距不超过 a_i 的位置。
4. **按窗口成批**：语料切成若干块（chunk，整句为单位），一块里所有窗口的编号一次用 numpy 算出；a_i 相同的窗口
   形状相同，叠成 (B, 2a_i) 的编号矩阵，一批是 B 个窗口。
5. **一次更新**（第 01 章「训练与评估」的式 (eq-w2v-scores)–(eq-w2v-cbow-grad)）：位置 i 的窗口给出矩阵 C
   （窗口内 2a_i 个词的 v_c^T，2a_i×d）与输出向量矩阵 Ũ（U 的若干行，与负采样一节的 Ũ 相同）：负采样时
   Ũ = [u_{w_i}^T; u_{n_1}^T; …; u_{n_k}^T]（(k+1)×d，负样本由 ``NoiseSampler`` 抽取，标签 y = (1, 0, …, 0)）；
   层序 softmax 时 Ũ 是 w_i 在 Huffman 树上的路径经过的内部节点的向量（标签是 1 − 编码位，向左为 1）。
   负样本与 ``NoiseSampler.sample`` 逐位相同，只是先查一张分桶表，少做二分查找（``_BucketedNoise``）。

   - 跳元模型：窗口里每个词 w_j 作中心词 c、w_i 作上下文词 o，即 (c, o) = (w_j, w_i) 这 2a_i 个词对。
     这是把全部词对按**上下文词的位置**分组：位置对 (j, i) 与 (i, j) 都在语料的词对里，分组方式不改变词对的
     集合，word2vec.c 与 gensim 的循环也是这样分组的。得分矩阵 S = C Ũ^T（2a_i×(k+1)）。同一窗口的 2a_i 个词对
     **共用**这 k 个负样本（Ji et al. 2016, *Parallelizing Word2Vec in Shared and Distributed Memory*），
     word2vec.c 则给每个词对各抽 k 个：损失的期望相同，而要读写的 u 少了约 2a_i 倍，这是本实现在 CPU 上追上
     gensim 的关键。
   - CBOW：v̄ = 窗口内 v 的平均，用 v̄ 预测中心词 w_i：x = Ũ v̄。与 word2vec.c 和 gensim（``cbow_mean=1``）一样，
     窗口内的每个 v 都加上整个 ∂J/∂v̄（准确的梯度是 ∂J/∂v̄ 除以窗口内的词数）。

   损失都是 Σ −log σ(±s)（标签为 1 取 +，为 0 取 −），对得分的导数是 σ(s) − 标签；再由链式法则得到 C 与 Ũ 的
   梯度（批量矩阵乘法 ``torch.bmm``），最后用 ``torch.Tensor.index_put_(..., accumulate=True)`` 把一批的梯度加回
   ``center_vectors`` 与 ``outside_vectors`` 的对应行（同一行出现多次时累加）。一批的全部运算都是 torch 的张量运算，
   参数矩阵是与 numpy 数组共用内存的张量；各批的 |∂J/∂s| 先写进一块缓冲区，每组窗口算完后才一次求出损失。
6. **学习率** η 像 word2vec 一样线性衰减：从 ``lr`` 到 ``min_lr``，按已处理的词数计。

一批的梯度都在更新之前算出：同一批里两次用到同一行时，第二次用的是旧值，这与 word2vec 逐对更新不同。批量
不大（默认每批约 1024 个词对）时看不出差别（见 ``bench/bench_word2vec.py`` 与 gensim 的对照）；批量太大时高频词的
一行一次加上太多个旧梯度，训练会发散。

初始化与 word2vec.c 相同：v_w ~ U(-0.5/d, 0.5/d)，u_w = 0；参数为 float32。所有随机性来自
``np.random.default_rng(seed)``：同一个 ``seed``、同样的输入，结果逐位相同。
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from wordvec_rnn.checks import check_array, check_choice, check_float, check_ids, check_int, check_positive, fail
from wordvec_rnn.negative_sampling import NoiseSampler, keep_probability
from wordvec_rnn.progress import progress
from wordvec_rnn.vocab import EOS_ID, UNK_ID, Vocab

MODELS = ("skipgram", "cbow")
OBJECTIVES = ("negative_sampling", "hierarchical_softmax")
SUBSAMPLE_RULES = ("sqrt", "word2vec")


def keep_probability_word2vec(counts, threshold: float) -> np.ndarray:
    """word2vec.c 与 gensim 的二次采样公式：保留概率 min(1, (sqrt(f/t) + 1) · t/f)，f = counts / counts.sum()。

    比论文（Mikolov et al. 2013b）的 min(1, sqrt(t/f)) 多保留一些高频词：f ≫ t 时两者之比约为 1 + sqrt(t/f)。
    出现次数为 0 的词得到 1.0。
    """
    counts = np.asarray(counts)
    check_array(counts, "counts", ndim=1, finite=True)
    if counts.dtype.kind not in "iuf" or (counts < 0).any() or counts.sum() == 0:
        fail("counts", "非负的出现次数，不全为 0", counts)
    counts = counts.astype(np.float64)
    threshold = check_float(threshold, "threshold", low=0.0, high=1.0)
    freq = counts / counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(freq / threshold) + 1.0) * threshold / freq
    return np.where(counts > 0, np.minimum(keep, 1.0), 1.0)


@dataclass
class Word2VecResult:
    """``train_word2vec`` 的结果。

    - ``center_vectors``：形状 (|V|, d)，第 w 行是 v_w（通常用作词 w 的词向量）；
    - ``outside_vectors``：负采样时形状 (|V|, d)，第 w 行是 u_w；层序 softmax 时是 Huffman 树内部节点的向量，
      形状 (|V|-1, d)，树在 ``tree``；
    - ``losses``：训练中的平均损失，每块语料一个值（跳元模型为每个词对、CBOW 为每个窗口的损失）；
    - ``loss_tokens``：记下每个损失值时已处理的词数（各轮累计，作横轴）；
    - ``words_per_second``：语料的词元数 × 轮数 / 训练秒数（词元按原始语料计，含被删去的低频词，与 gensim 的计法相同）；
    - ``seconds``：训练用的秒数（不含构建词表）；``n_predictions``：一共做了多少次预测（词对或窗口）。

    UNK 与 EOS 两行不参加训练（保持初值），评估函数也不把它们算作近邻。
    """

    vocab: Vocab
    center_vectors: np.ndarray
    outside_vectors: np.ndarray
    losses: np.ndarray
    loss_tokens: np.ndarray
    words_per_second: float
    seconds: float
    n_predictions: int
    model: str
    objective: str = "negative_sampling"
    tree: object = None
    config: dict = field(default_factory=dict)

    @classmethod
    def from_vectors(cls, vocab: Vocab, vectors: Mapping[str, np.ndarray] | np.ndarray, *, model: str = "skipgram"):
        """把别处训练的词向量（如 gensim 的 ``model.wv``）按 ``vocab`` 的编号排成一个结果，以便用同样的函数评估。

        ``vectors`` 是 (|V|, d) 数组，或可以按词取向量的映射（``vectors[word]``）；词表中取不到的词（含 UNK、EOS）为 0。
        """
        if not isinstance(vocab, Vocab):
            fail("vocab", "Vocab 对象", vocab)
        if isinstance(vectors, np.ndarray):
            check_array(vectors, "vectors", shape=(len(vocab), None), dtype="float")
            table = vectors.astype(np.float32)
        else:
            rows = {w: np.asarray(vectors[token], dtype=np.float32) for w, token in enumerate(vocab.tokens)
                    if w > EOS_ID and token in vectors}
            if not rows:
                fail("vectors", "至少含有词表中的一个词", vectors)
            table = np.zeros((len(vocab), len(next(iter(rows.values())))), dtype=np.float32)
            for w, row in rows.items():
                table[w] = row
        return cls(vocab=vocab, center_vectors=table, outside_vectors=np.zeros((0, table.shape[1]), np.float32),
                   losses=np.zeros(0), loss_tokens=np.zeros(0, np.int64), words_per_second=float("nan"),
                   seconds=float("nan"), n_predictions=0, model=model, objective="external")


def _check_sentences(sentences) -> list:
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Iterable):
        fail("sentences", "句子的列表，每个句子是一个词元列表，如 [['我', '爱', '北京']]", sentences)
    sentences = list(sentences)
    if not any(isinstance(s, Sequence) and len(s) for s in sentences):
        fail("sentences", "非空的语料（至少一个非空句子）", sentences)
    return sentences


def _encode(sentences: list, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """全部句子 → (编号, 句子号)：删去 UNK（低频词），不加 EOS。

    与逐句 ``vocab.encode`` 的结果相同，只是一次查完整个语料（词元在构建词表时已检查过）：
    ``map(dict.get, ...)`` 逐词查表，没有 Python 层的循环。
    """
    index = {token: i for i, token in enumerate(vocab.tokens)}.get
    tokens = itertools.chain.from_iterable(sentences)
    ids = np.fromiter(map(index, tokens, itertools.repeat(UNK_ID)), dtype=np.int64)
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    sentence_ids = np.repeat(np.arange(len(sentences), dtype=np.int64), lengths)
    known = ids != UNK_ID
    return ids[known], sentence_ids[known]


def _chunks(sentence_ids: np.ndarray, chunk_tokens: int) -> list[tuple[int, int]]:
    """把编号序列切成约 ``chunk_tokens`` 个词元的块，只在句子边界处切（一块至少一整句）。"""
    n = len(sentence_ids)
    starts = np.flatnonzero(np.r_[True, sentence_ids[1:] != sentence_ids[:-1]])
    bounds, begin = [], 0
    while begin < n:
        j = np.searchsorted(starts, begin + chunk_tokens)   # 第一个不早于 begin + chunk_tokens 的句首
        end = int(starts[j]) if j < len(starts) else n
        bounds.append((begin, end))
        begin = end
    return bounds


def _windows(words: np.ndarray, sents: np.ndarray, window: int, rng: np.random.Generator):
    """一块语料（二次采样之后）的全部窗口，不逐位置循环。

    返回 ``(half_widths, pos, valid, offsets)``：``half_widths[i]`` = a_i ~ U{1..window} 是位置 i 的缩小半宽；
    ``offsets`` 是 -window..-1, 1..window；``pos[i, j]`` 是位置 i + offsets[j]（越界处截到边上）；``valid[i, j]``
    表示那个位置在同一句子里且 |offsets[j]| ≤ a_i。
    """
    n = len(words)
    half_widths = rng.integers(1, window + 1, size=n)
    offsets = np.r_[np.arange(-window, 0), np.arange(1, window + 1)]
    pos = np.arange(n)[:, None] + offsets
    inside = (pos >= 0) & (pos < n)
    np.clip(pos, 0, n - 1, out=pos)
    valid = inside & (sents[pos] == sents[:, None]) & (np.abs(offsets) <= half_widths[:, None])
    return half_widths, pos, valid, offsets


class _BucketedNoise:
    """与 ``NoiseSampler.sample`` 逐位相同的负样本（同一个 ``rng``、同样的均匀数 u、同样的逆变换），只是更快。

    ``NoiseSampler`` 对每个 u 在累积分布 cdf 上二分查找。这里先把 [0, 1) 等分成 2^18 个桶，预先查好每个桶的
    左端点落在哪个词：若桶里没有 cdf 的分界点，桶内所有 u 的答案都是它（查一次表）；只有含分界点的少数桶
    （不超过 |V| / 2^18 的概率）才照旧二分查找。u·2^18 是精确的（乘 2 的幂），所以结果与逐个二分查找完全相同。
    """

    BUCKETS = 1 << 18

    def __init__(self, sampler: NoiseSampler):
        self.rng, self.cdf = sampler.rng, sampler.cdf
        edges = np.arange(self.BUCKETS + 1, dtype=np.float64) / self.BUCKETS
        self.first = np.searchsorted(self.cdf, edges[:-1], side="right").astype(np.int64)  # 桶左端点的答案
        self.exact = self.first == np.searchsorted(self.cdf, edges[1:], side="left")     # 桶内答案都相同

    def sample(self, shape: tuple[int, ...]) -> np.ndarray:
        u = self.rng.random(shape)                   # 与 NoiseSampler.sample 抽同样的数
        bucket = (u * self.BUCKETS).astype(np.intp)
        draws = self.first[bucket]
        rest = np.flatnonzero(~self.exact[bucket])
        draws.flat[rest] = np.searchsorted(self.cdf, u.flat[rest], side="right")
        return draws


def train_word2vec(
    sentences,
    *,
    model: str = "skipgram",
    objective: str = "negative_sampling",
    dim: int = 100,
    window: int = 5,
    negatives: int = 5,
    min_count: int = 5,
    epochs: int = 1,
    lr: float = 0.025,
    min_lr: float = 1e-4,
    batch_size: int = 1024,
    subsample: float | None = 1e-3,
    subsample_rule: str = "sqrt",
    seed: int = 0,
    vocab: Vocab | None = None,
    chunk_tokens: int = 50_000,
    show_progress: bool = True,
) -> Word2VecResult:
    """训练跳元模型（``model="skipgram"``）或连续词袋（``model="cbow"``），实现第 01 章「训练与评估」的 (sec-w2v-program)。

    - ``sentences``：句子的列表，每个句子是一个词元列表（已分好词）；
    - ``objective``：``"negative_sampling"``（负采样，k = ``negatives``）或 ``"hierarchical_softmax"``（层序 softmax，
      用 ``wordvec_rnn.hierarchical_softmax`` 按词频建的 Huffman 树）；
    - ``dim`` = d，``window`` = 窗口半宽 a（每个位置再随机缩小为 a_i ~ U{1..a}），``negatives`` = k；
    - ``min_count``：出现少于这么多次的词不进词表、从语料中删去（给出 ``vocab`` 时不用它）；
    - ``epochs``：轮数；``lr``、``min_lr``：学习率 η 从 ``lr`` 线性降到 ``min_lr``（word2vec 与 gensim 的默认 0.025 → 0.0001）；
    - ``batch_size``：每批大约含多少个（中心词, 上下文词）词对，即 batch_size / 2a_i 个窗口（跳元模型每个词对是一次预测，
      CBOW 每个窗口是一次预测）；
    - ``subsample``：高频词二次采样的阈值 t（如 1e-3 或 1e-5），``None`` 表示不做；``subsample_rule``：保留概率的公式，
      ``"sqrt"`` 是论文的 min(1, sqrt(t/f))（``negative_sampling.keep_probability``），``"word2vec"`` 是 word2vec.c 与
      gensim 的 min(1, (sqrt(f/t)+1)·t/f)（与 gensim 逐项对照时用它）；
    - ``seed``：随机种子（初始化、二次采样、窗口、负样本）；
    - ``vocab``：已建好的词表（可选）；``chunk_tokens``：每块语料的词元数（只影响内存与速度，不影响算法）；
    - ``show_progress``：显示进度条（``wordvec_rnn.progress``）。
    """
    sentences = _check_sentences(sentences)
    model = check_choice(model, "model", MODELS)
    objective = check_choice(objective, "objective", OBJECTIVES)
    dim = check_int(dim, "dim", low=1)
    window = check_int(window, "window", low=1)
    negatives = check_int(negatives, "negatives", low=1)
    epochs = check_int(epochs, "epochs", low=1)
    lr = check_positive(lr, "lr")
    min_lr = check_float(min_lr, "min_lr", low=0.0, high=lr)
    batch_size = check_int(batch_size, "batch_size", low=1)
    if subsample is not None:
        subsample = check_float(subsample, "subsample", low=0.0, high=1.0)
        if subsample == 0.0:
            fail("subsample", "(0, 1] 内的阈值（如 1e-3），或 None 表示不做二次采样", subsample)
    subsample_rule = check_choice(subsample_rule, "subsample_rule", SUBSAMPLE_RULES)
    seed = check_int(seed, "seed", low=0)
    chunk_tokens = check_int(chunk_tokens, "chunk_tokens", low=1)
    min_count = check_int(min_count, "min_count", low=1)
    if vocab is None:
        vocab = Vocab(sentences, min_count=min_count)
    elif not isinstance(vocab, Vocab):
        fail("vocab", "Vocab 对象或 None", vocab)
    if not isinstance(show_progress, bool):
        fail("show_progress", "布尔值", show_progress)

    rng = np.random.default_rng(seed)
    start = time.perf_counter()
    n_raw = sum(map(len, sentences))
    ids, sentence_ids = _encode(sentences, vocab)
    if len(ids) == 0:
        fail("sentences", f"至少一个词在词表中（出现不少于 min_count={min_count} 次），否则无词可训练", "没有这样的词")

    counts = vocab.counts.copy()
    counts[[UNK_ID, EOS_ID]] = 0  # UNK 与 EOS 不训练：不在语料里，也不作负样本
    if subsample is None:
        keep = np.ones(len(vocab))
    elif subsample_rule == "sqrt":
        keep = keep_probability(counts, subsample)
    else:
        keep = keep_probability_word2vec(counts, subsample)

    V = ((rng.random((len(vocab), dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)  # v_w ~ U(-0.5/d, 0.5/d)
    tree, noise = None, None
    if objective == "negative_sampling":
        noise = _BucketedNoise(NoiseSampler(counts, rng=np.random.default_rng(rng.integers(2**63))))
        U = np.zeros((len(vocab), dim), dtype=np.float32)           # u_w = 0
        ns_labels = torch.zeros(1, negatives + 1)
        ns_labels[0, 0] = 1.0                             # 第 0 列是真实的词，其余 k 列是负样本
    else:
        from wordvec_rnn.hierarchical_softmax import build_huffman_tree

        tree = build_huffman_tree(counts)
        U = np.zeros((tree.num_inner, dim), dtype=np.float32)       # 内部节点的向量，初值 0
        path_labels = (1 - tree.codes).astype(np.float32)          # 向左（编码 0）的标签为 1：P = σ(u·v)
        path_mask = tree.mask.astype(np.float32)
    V_t, U_t = torch.from_numpy(V), torch.from_numpy(U)   # 与 V、U 共用内存：就地更新的是同一块数组
    skipgram = model == "skipgram"

    chunks = _chunks(sentence_ids, chunk_tokens)
    total = epochs * len(ids)
    losses, loss_tokens = [], []
    done_tokens, n_predictions = 0, 0
    bar = progress(total=total, desc=f"{model} 训练") if show_progress else None
    for _ in range(epochs):
        for begin, end in chunks:
            words, sents = ids[begin:end], sentence_ids[begin:end]
            kept = rng.random(len(words)) < keep[words]
            words, sents = words[kept], sents[kept]
            loss_sum, count = 0.0, 0
            if len(words) > 1:
                half_widths, pos, valid, offsets = _windows(words, sents, window, rng)
                n_context = valid.sum(axis=1)
                chunk_predictions = int(n_context.sum()) if skipgram else int((n_context > 0).sum())
                tokens_per_prediction = (end - begin) / max(chunk_predictions, 1)
                if noise is not None:
                    negs = noise.sample((len(words), negatives))             # 每个窗口 k 个负样本
                    targets = np.concatenate([words[:, None], negs], axis=1)  # (n, k+1)：[w_i, n_1..n_k]
                for half in range(1, window + 1):  # a_i 相同的窗口形状相同：(B, 2a_i)
                    rows = np.flatnonzero((half_widths == half) & (n_context > 0))
                    if len(rows) == 0:
                        continue
                    cols = np.flatnonzero(np.abs(offsets) <= half)
                    mask = valid[rows][:, cols]                            # (B, 2a_i)：哪些位置真在窗口里
                    context = torch.from_numpy(words[pos[rows][:, cols]])  # (B, 2a_i)：窗口内的词
                    mask_t = torch.from_numpy(mask[:, :, None].astype(np.float32))  # (B, 2a_i, 1)
                    n_in_window = mask.sum(axis=1)
                    if skipgram:
                        done = np.r_[0, np.cumsum(n_in_window)].tolist()  # 前 s 个窗口共有多少个词对
                    else:
                        sizes = torch.from_numpy(n_in_window[:, None].astype(np.float32))
                        done = range(len(rows) + 1)
                    if noise is not None:
                        target_all = torch.from_numpy(targets[rows])
                        depth = negatives + 1
                    else:
                        centers = words[rows]
                        depth = tree.paths.shape[1]
                    n_windows = max(1, batch_size // (2 * half))  # 一批约 batch_size 个（中心词, 上下文词）词对
                    # 各批 |∂J/∂x| 依次写进这块缓冲区，这一组窗口算完后一次求出损失之和
                    abs_grads = torch.empty(len(rows) * (2 * half if skipgram else 1) * depth)
                    filled = 0
                    for s in range(0, len(rows), n_windows):
                        e = s + n_windows
                        if noise is not None:
                            target, labels, target_mask = target_all[s:e], ns_labels, None
                        else:
                            center = centers[s:e]
                            depth_b = int(tree.lengths[center].max())     # 补位只补到这一批最长的路径
                            target = torch.from_numpy(tree.paths[center, :depth_b])
                            labels = torch.from_numpy(path_labels[center, :depth_b])
                            target_mask = torch.from_numpy(path_mask[center, :depth_b])
                        frac = (done_tokens + tokens_per_prediction * (count + done[s])) / total
                        eta = lr - (lr - min_lr) * min(frac, 1.0)       # 学习率 η 线性衰减
                        if skipgram:
                            filled += _skipgram_step(V_t, U_t, context[s:e], mask_t[s:e], target, labels, target_mask,
                                                     eta, abs_grads[filled:])
                        else:
                            filled += _cbow_step(V_t, U_t, context[s:e], mask_t[s:e], sizes[s:e], target, labels,
                                                 target_mask, eta, abs_grads[filled:])
                    loss_sum += _loss_from_abs_grads(abs_grads[:filled])
                    count += done[len(rows)]
                n_predictions += count
            done_tokens += end - begin
            if count:
                losses.append(loss_sum / count)
                loss_tokens.append(done_tokens)
            if bar is not None:
                bar.update(end - begin)
                if losses:
                    bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
    if bar is not None:
        bar.close()
    seconds = time.perf_counter() - start
    config = dict(dim=dim, window=window, negatives=negatives, min_count=min_count, epochs=epochs, lr=lr,
                  min_lr=min_lr, batch_size=batch_size, subsample=subsample, subsample_rule=subsample_rule, seed=seed)
    return Word2VecResult(
        vocab=vocab,
        center_vectors=V,
        outside_vectors=U,
        losses=np.array(losses, dtype=np.float64),
        loss_tokens=np.array(loss_tokens, dtype=np.int64),
        words_per_second=epochs * n_raw / seconds,
        seconds=seconds,
        n_predictions=n_predictions,
        model=model,
        objective=objective,
        tree=tree,
        config=config,
    )


# 一批更新。全部用 torch 的张量运算（批量矩阵乘法 torch.bmm、index_select、index_put_），每批只有十来次运算，
# 每次运算的固定开销（几微秒）摊到约 1024 个词对上。参数 V、U 是与 numpy 数组共用内存的张量，就地改写。
# context (B, 2a_i) 与 target (B, T) 是 int64 编号；mask (B, 2a_i, 1) 是 0/1；labels、target_mask 的形状是 (1 或 B, T)，
# target_mask 为 None 表示全是 1（负采样）。|∂J/∂x| 写进 abs_out 的开头，返回写了多少个数。


def _skipgram_step(V, U, context, mask, target, labels, target_mask, eta, abs_out) -> int:
    B, width = context.shape
    T, d = target.shape[1], V.shape[1]
    C = V.index_select(0, context.reshape(-1)).view(B, width, d)   # (B, 2a_i, d)：中心词向量 v_c^T
    U_tilde = U.index_select(0, target.reshape(-1)).view(B, T, d)  # (B, T, d)：Ũ = [u_o; u_{n_1}; …; u_{n_k}] 或路径上的节点
    G = torch.bmm(C, U_tilde.transpose(1, 2))                       # (B, 2a_i, T)：得分 S = C Ũ^T
    G.sigmoid_().sub_(labels.unsqueeze(1)).mul_(mask)               # G = ∂J/∂S = σ(S) − 标签；不在窗口里的位置为 0
    if target_mask is not None:
        G.mul_(target_mask.unsqueeze(1))                            # 路径的补位为 0
    torch.abs(G, out=abs_out[:G.numel()].view(G.shape))
    G.mul_(-eta)                                                    # −η G
    V.index_put_((context.reshape(-1),), torch.bmm(G, U_tilde).view(-1, d), accumulate=True)           # −η G Ũ
    U.index_put_((target.reshape(-1),), torch.bmm(G.transpose(1, 2), C).view(-1, d), accumulate=True)  # −η G^T C
    return G.numel()


def _cbow_step(V, U, context, mask, sizes, target, labels, target_mask, eta, abs_out) -> int:
    B, width = context.shape
    T, d = target.shape[1], V.shape[1]
    C = V.index_select(0, context.reshape(-1)).view(B, width, d)   # (B, 2a_i, d)
    v_bar = (C * mask).sum(1).div_(sizes)                           # (B, d)：v̄ = 窗口内 v 的平均（sizes 是窗口内的词数）
    U_tilde = U.index_select(0, target.reshape(-1)).view(B, T, d)  # (B, T, d)
    g = (U_tilde * v_bar.unsqueeze(1)).sum(2)                       # (B, T)：得分 x = Ũ v̄
    g.sigmoid_().sub_(labels)                                       # g = ∂J/∂x = σ(x) − 标签
    if target_mask is not None:
        g.mul_(target_mask)
    torch.abs(g, out=abs_out[:g.numel()].view(g.shape))
    g = g.mul_(-eta).unsqueeze(2)                                   # (B, T, 1)：−η g
    grad_v_bar = (g * U_tilde).sum(1, keepdim=True)                 # (B, 1, d)：−η ∂J/∂v̄ = −η Ũ^T g
    V.index_put_((context.reshape(-1),), (mask * grad_v_bar).reshape(-1, d), accumulate=True)  # 每个上下文词都加上整个 −η ∂J/∂v̄
    U.index_put_((target.reshape(-1),), (g * v_bar.unsqueeze(1)).reshape(-1, d), accumulate=True)  # −η ∂J/∂Ũ = −η g v̄^T
    return g.numel()


def _loss_from_abs_grads(abs_grads: torch.Tensor) -> float:
    """由 |∂J/∂x| 得到损失之和 Σ −log σ(±x)（就地改写 ``abs_grads``）。

    ∂J/∂x = g = σ(x) − 标签。标签为 1 时 −log σ(x) = −log(1 + g)，为 0 时 −log σ(−x) = −log(1 − g)：两种情形都是
    −log(1 − |g|)，损失由导数顺手得到（不在窗口或路径上的位置 g = 0，损失也是 0）。float32 的 σ(x) 在 |x| > 17 时
    舍入成 0 或 1，这里把 1 − |g| 截在 1e-7 以上，单项损失最多约 16。
    """
    if abs_grads.numel() == 0:
        return 0.0
    return -float(abs_grads.neg_().add_(1.0).clamp_(min=1e-7).log_().sum(dtype=torch.float64))


def _batch_update(step, center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr, skipgram):
    V, U = torch.from_numpy(center_vectors), torch.from_numpy(outside_vectors)
    dtype = V.dtype
    context = torch.from_numpy(np.ascontiguousarray(context, dtype=np.int64))
    target = torch.from_numpy(np.ascontiguousarray(target, dtype=np.int64))
    mask_t = torch.from_numpy(np.asarray(mask)[:, :, None]).to(dtype)
    labels = torch.from_numpy(np.asarray(labels)).to(dtype)
    target_mask = torch.from_numpy(np.asarray(target_mask)).to(dtype)
    B, width = context.shape
    abs_out = torch.empty(B * (width if skipgram else 1) * target.shape[1], dtype=dtype)
    if skipgram:
        n = step(V, U, context, mask_t, target, labels, target_mask, lr, abs_out)
    else:
        n = step(V, U, context, mask_t, mask_t.sum(1), target, labels, target_mask, lr, abs_out)
    loss = _loss_from_abs_grads(abs_out[:n])
    return loss, int(np.asarray(mask).sum()) if skipgram else B


def _check_update(center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr):
    dims: dict[str, int] = {}
    check_array(center_vectors, "center_vectors", shape=(None, "d"), dtype="float", dims=dims)
    check_array(outside_vectors, "outside_vectors", shape=(None, "d"), dtype="float", dims=dims)
    if not (isinstance(center_vectors, np.ndarray) and isinstance(outside_vectors, np.ndarray)):
        fail("center_vectors", "numpy 数组（就地更新）", center_vectors)
    if center_vectors.dtype != outside_vectors.dtype or not center_vectors.flags.c_contiguous \
            or not outside_vectors.flags.c_contiguous:
        fail("outside_vectors", f"与 center_vectors 同为 {center_vectors.dtype}、行连续存放的数组", outside_vectors)
    check_array(context, "context", shape=("B", "2a_i"), dtype="int", dims=dims)
    check_ids(context, "context", len(center_vectors))
    check_array(mask, "mask", shape=("B", "2a_i"), dtype="bool", dims=dims)
    if not mask.any(axis=1).all():
        fail("mask", "每个窗口至少一个 True", mask)
    check_array(target, "target", shape=("B", "T"), dtype="int", dims=dims)
    check_ids(target, "target", len(outside_vectors))
    for name, value in (("labels", labels), ("target_mask", target_mask)):
        check_array(value, name, ndim=2, dtype="float")
        if value.shape[1] != dims["T"] or value.shape[0] not in (1, dims["B"]):
            fail(name, f"形状 ({dims['B']} 或 1, {dims['T']})", value)
    return check_float(lr, "lr", low=0.0)


def skipgram_batch_update(center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr):
    """跳元模型的一批更新（就地改写两个参数矩阵），返回 ``(这一批的损失之和, 词对数)``：实现式 (eq-w2v-window-loss)
    与 (eq-w2v-window-grad)。

    B 个窗口：第 r 个窗口中央的词作上下文词 o，窗口里 ``mask[r]`` 为真的（至多 2a_i 个）词 ``context[r]`` 各作一次
    中心词 c；``target[r]`` 是 T 个输出向量的编号（Ũ 的各行；负采样：[o, n_1, …, n_k]），``labels[r]`` 是它们的标签 y
    （1 或 0），``target_mask[r]`` 标出有效的列（层序 softmax 的路径长短不一）。损失是 Σ −log σ(±u·v_c)，更新是
    v ← v − lr ∂J/∂v、u ← u − lr ∂J/∂u，``lr`` 即学习率 η（梯度都由更新前的参数算出）。
    """
    lr = _check_update(center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr)
    return _batch_update(_skipgram_step, center_vectors, outside_vectors, context, mask, target, labels, target_mask,
                         lr, skipgram=True)


def cbow_batch_update(center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr):
    """CBOW 的一批更新（就地改写两个参数矩阵），返回 ``(这一批的损失之和, 窗口数)``：实现式 (eq-w2v-cbow-grad)。

    参数同 :func:`skipgram_batch_update`；v̄ = 窗口内（``mask`` 为真的）上下文词向量的平均，预测窗口中央的词：
    损失 Σ −log σ(±u·v̄)。与 word2vec.c、gensim 一样，窗口内每个上下文词向量都减去 lr·∂J/∂v̄（准确的梯度
    ∂J/∂v 还要除以窗口内的词数）。
    """
    lr = _check_update(center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr)
    return _batch_update(_cbow_step, center_vectors, outside_vectors, context, mask, target, labels, target_mask,
                         lr, skipgram=False)

