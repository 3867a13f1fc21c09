"""word2vec 的快速训练：跳元模型（skip-gram）与连续词袋（CBOW），用负采样或层序 softmax（评估词向量的函数在
``word2vec_eval``）。

本模块是手写的（不由笔记本导出），供第 01 章「训练与评估」一节与 ``bench/bench_word2vec.py`` 使用。
算法与 word2vec 的 C 程序（``word2vec.c``）及 gensim 相同：

1. **编码**：句子 → 编号；不在词表中的词（出现少于 ``min_count`` 次）直接删去，窗口跨过它们（word2vec 的做法）。
2. **二次采样**（subsampling）：每一轮（epoch）重新抽样，词 w 的每次出现以概率
   ``keep_probability(counts, subsample)`` = min(1, sqrt(t / f(w))) 保留（论文的公式；``subsample_rule="word2vec"``
   换成 word2vec.c 与 gensim 的公式；``_subsample``）。
3. **动态窗口**：每个位置 i 抽一个缩小的半宽 a_i ~ U{1, …, a}（word2vec 的 reduced window），窗口是同一句子里、
   删词之后与 i 相距不超过 a_i 的位置。
4. **逐个窗口地更新**（第 01 章「训练与评估」的式 (eq-w2v-scores)–(eq-w2v-cbow-grad)）：语料切成若干块（chunk，
   整句为单位），一块里的随机数（半宽、负样本）一次用 numpy 抽好；输出一侧是一个目标对象（负采样或层序 softmax，
   在 ``word2vec_batch``），它给出每个位置的输出向量编号与标签；窗口的循环由 ``word2vec_loops`` 用 numba 编译成
   机器码，一个窗口的梯度由更新前的参数算出、加回参数矩阵后才处理下一个窗口。
5. **学习率** η 像 word2vec 一样线性衰减：从 ``lr`` 到 ``min_lr``，按已处理的词数计（``word2vec_loops._linear_lr``）。

给出 ``batch_size`` 时改为成批地更新（第 01 章的练习 1）：a_i 相同的窗口叠成 (B, 2a_i) 的编号矩阵
（``_window_groups``），一批的更新用 torch 的张量运算（``word2vec_batch``）。一批的梯度都在更新之前算出：同一批
里两次用到同一行时，第二次用的是旧值；批量太大时高频词的一行一次加上太多个旧梯度，训练会发散。

初始化与 word2vec.c 相同：v_w ~ U(-0.5/d, 0.5/d)，u_w = 0；参数为 float32。所有随机性来自
``np.random.default_rng(seed)``：同一个 ``seed``、同样的输入，结果逐位相同。
"""

from __future__ import annotations

import itertools
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NoReturn

import numpy as np
import torch

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import (Bool, Choice, Counts, Instance, Int, ListOf, NDArray, Optional, Real, Satisfies, Spec,
                                accepts)
from wordvec_rnn.negative_sampling import keep_probability
from wordvec_rnn.progress import progress
from wordvec_rnn.vocab import EOS_ID, UNK_ID, Vocab
from wordvec_rnn.word2vec_loops import _cbow_windows, _linear_lr, _skipgram_windows
from wordvec_rnn.word2vec_batch import (
    _cbow_step,
    _HierarchicalSoftmaxObjective,
    _loss_from_abs_grads,
    _NegativeSamplingObjective,
    _skipgram_step,
)

MODELS = ("skipgram", "cbow")
OBJECTIVES = ("negative_sampling", "hierarchical_softmax")
SUBSAMPLE_RULES = ("sqrt", "word2vec")


@accepts(counts=Counts(real=True), threshold=Real(0.0, 1.0, positive=True))
def keep_probability_word2vec(counts, threshold: float) -> np.ndarray:
    """word2vec.c 与 gensim 的二次采样公式：保留概率 min(1, (sqrt(f/t) + 1) · t/f)，f = counts / counts.sum()。

    比论文（Mikolov et al. 2013b）的 min(1, sqrt(t/f)) 多保留一些高频词：f ≫ t 时两者之比约为 1 + sqrt(t/f)。
    出现次数为 0 的词得到 1.0。
    """
    counts = counts.astype(np.float64)
    freq = counts / counts.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = (np.sqrt(freq / threshold) + 1.0) * threshold / freq
    return np.where(counts > 0, np.minimum(keep, 1.0), 1.0)


class WordVectors(Spec):
    """别处训练的词向量：(V, d) 的浮点 numpy 数组（行数等于词表大小），或可以按词取向量的映射（如 gensim 的 ``model.wv``）。"""

    def check(self, value, name, dims):
        if isinstance(value, np.ndarray):
            return NDArray("V", "d").check(value, name, dims)
        if not (hasattr(value, "__getitem__") and hasattr(value, "__contains__")):
            fail(name, "(V, d) 的浮点数组，或可以按词取向量的映射（如 gensim 的 model.wv）", value)
        if not any(token in value for token in dims.values["vocab"].tokens[EOS_ID + 1:]):
            fail(name, "至少含有词表中的一个词", value)
        return value


@dataclass
class Word2VecResult:
    """``train_word2vec`` 的结果。

    - ``center_vectors``：形状 (|V|, d)，第 w 行是 v_w（通常用作词 w 的词向量）；
    - ``outside_vectors``：负采样时形状 (|V|, d)，第 w 行是 u_w；层序 softmax 时是 Huffman 树内部节点的向量，
      形状 (|V|-1, d)，树在 ``tree``；
    - ``losses``：训练中的平均损失，每块语料一个值（跳元模型为每个词对、CBOW 为每个窗口的损失）；
    - ``loss_tokens``：记下每个损失值时已处理的词数（各轮累计，作横轴）；
    - ``words_per_second``：语料的词元数 × 轮数 / 训练秒数（词元按原始语料计，含被删去的低频词，与 gensim 的计法相同）；
    - ``seconds``：训练用的秒数（不含构建词表）；``n_predictions``：一共做了多少次预测（词对或窗口）；
    - ``snapshots``：训练途中存下的中心词向量，每份是 (已处理的词元数, (|V|, d) 数组的副本)，见 ``snapshot_tokens``。

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
    snapshots: list = field(default_factory=list)

    @classmethod
    @accepts(vocab=Instance(Vocab, "wordvec_rnn.vocab.Vocab", sizes={"V": "__len__"}),
             vectors=WordVectors(),
             model=Choice(*MODELS))
    def from_vectors(cls, vocab: Vocab, vectors: Mapping[str, np.ndarray] | np.ndarray, *, model: str = "skipgram"):
        """把别处训练的词向量（如 gensim 的 ``model.wv``）按 ``vocab`` 的编号排成一个结果，以便用同样的函数评估。

        ``vectors`` 是 (|V|, d) 数组，或可以按词取向量的映射（``vectors[word]``）；词表中取不到的词（含 UNK、EOS）为 0。
        """
        if isinstance(vectors, np.ndarray):
            table = vectors.astype(np.float32)
        else:
            rows = {w: np.asarray(vectors[token], dtype=np.float32) for w, token in enumerate(vocab.tokens)
                    if w > EOS_ID and token in vectors}
            table = np.zeros((len(vocab), len(next(iter(rows.values())))), dtype=np.float32)
            for w, row in rows.items():
                table[w] = row
        return cls(vocab=vocab, center_vectors=table, outside_vectors=np.zeros((0, table.shape[1]), np.float32),
                   losses=np.zeros(0), loss_tokens=np.zeros(0, np.int64), words_per_second=float("nan"),
                   seconds=float("nan"), n_predictions=0, model=model, objective="external")


class Corpus(ListOf):
    """语料：句子的列表（生成器也行），每个句子是一个词元列表（已分好词），至少一个句子非空。"""

    def __init__(self):
        super().__init__(Satisfies(lambda s: isinstance(s, (list, tuple)), "词元列表，如 ['我', '爱', '北京']"),
                         what="句子的列表，每个句子是一个词元列表，如 [['我', '爱', '北京']]")

    def check(self, value, name, dims):
        value = super().check(value, name, dims)
        if not any(value):
            fail(name, "非空的语料（至少一个非空句子）", value)
        return list(value)


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


def _window_groups(words: np.ndarray, half_widths, pos, valid, offsets, sort_key=None):
    """把一块语料的窗口（``_windows`` 的结果）按缩小的半宽 a_i 分组：a_i 相同的窗口形状相同。

    逐组给出 ``(rows, context, mask)``：``rows`` 是这一组窗口中央的位置（只含窗口里至少有一个词的），
    ``context`` 是窗口内的词（(B, 2a_i) 的 int64 张量），``mask``（(B, 2a_i) 布尔数组）标出哪些位置真在窗口里。
    给了 ``sort_key``（每个词一个数）时，组内的窗口按中心词的 ``sort_key`` 从小到大排（相同的保持原来的先后），
    否则按位置排。
    """
    has_context = valid.any(axis=1)
    for half in range(1, offsets[-1] + 1):
        rows = np.flatnonzero((half_widths == half) & has_context)
        if len(rows) == 0:
            continue
        if sort_key is not None:
            rows = rows[np.argsort(sort_key[words[rows]], kind="stable")]
        cells = np.ix_(rows, np.flatnonzero(np.abs(offsets) <= half))   # 按行存放（C 顺序），批与批之间不必复制
        yield rows, torch.from_numpy(words[pos[cells]]), valid[cells]


def _keep_probabilities(counts: np.ndarray, subsample: float | None, rule: str) -> np.ndarray:
    """二次采样时每个词被保留的概率（``subsample`` 为 None 时都是 1）。"""
    if subsample is None:
        return np.ones(len(counts))
    formula = keep_probability if rule == "sqrt" else keep_probability_word2vec
    return formula(counts, subsample)


def _subsample(words: np.ndarray, sents: np.ndarray, keep: np.ndarray, rng: np.random.Generator):
    """二次采样：词 w 的每次出现以概率 ``keep[w]`` 保留（每轮重新抽）。返回留下的编号与句子号。"""
    kept = rng.random(len(words)) < keep[words]
    return words[kept], sents[kept]


@accepts(sentences=Corpus(), model=Choice(*MODELS), objective=Choice(*OBJECTIVES), dim=Int(1), window=Int(1),
         negatives=Int(1), min_count=Int(1), epochs=Int(1), lr=Real(positive=True),
         min_lr=Satisfies(lambda v, lr: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= lr,
                          "[0, lr] 内的实数", uses=("lr",)),
         batch_size=Optional(Int(1)), subsample=Optional(Real(0.0, 1.0, positive=True)),
         subsample_rule=Choice(*SUBSAMPLE_RULES),
         seed=Int(0), vocab=Optional(Instance(Vocab, "wordvec_rnn.vocab.Vocab 或 None")), chunk_tokens=Int(1),
         workers=Int(1), snapshot_tokens=ListOf(Int(0), nonempty=False, what="已处理的词元数的列表，如 [0, 10000]"),
         show_progress=Bool())
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
    batch_size: int | None = None,
    subsample: float | None = 1e-3,
    subsample_rule: str = "sqrt",
    seed: int = 0,
    vocab: Vocab | None = None,
    chunk_tokens: int = 50_000,
    workers: int = 1,
    snapshot_tokens: list[int] = (),
    show_progress: bool = True,
) -> Word2VecResult:
    """训练跳元模型（``model="skipgram"``）或连续词袋（``model="cbow"``），实现第 01 章「训练与评估」的 (sec-w2v-program)。

    - ``sentences``：句子的列表，每个句子是一个词元列表（已分好词）；
    - ``objective``：``"negative_sampling"``（负采样，k = ``negatives``）或 ``"hierarchical_softmax"``（层序 softmax，
      用 ``wordvec_rnn.hierarchical_softmax`` 按词频建的 Huffman 树）；
    - ``dim`` = d，``window`` = 窗口半宽 a（每个位置再随机缩小为 a_i ~ U{1..a}），``negatives`` = k；
    - ``min_count``：出现少于这么多次的词不进词表、从语料中删去（给出 ``vocab`` 时不用它）；
    - ``epochs``：轮数；``lr``、``min_lr``：学习率 η 从 ``lr`` 线性降到 ``min_lr``（word2vec 与 gensim 的默认 0.025 → 0.0001）；
    - ``batch_size``：``None``（默认）逐个窗口地更新，用 ``word2vec_loops`` 的编译循环，与 word2vec.c 一样快；给一个整数时
      改为成批地用 torch 更新，每批大约含这么多个（中心词, 上下文词）词对，即 batch_size / 2a_i 个窗口（跳元模型每个
      词对是一次预测，CBOW 每个窗口是一次预测）；
    - ``subsample``：高频词二次采样的阈值 t（如 1e-3 或 1e-5），``None`` 表示不做；``subsample_rule``：保留概率的公式，
      ``"sqrt"`` 是论文的 min(1, sqrt(t/f))（``negative_sampling.keep_probability``），``"word2vec"`` 是 word2vec.c 与
      gensim 的 min(1, (sqrt(f/t)+1)·t/f)（与 gensim 逐项对照时用它）；
    - ``seed``：随机种子（初始化、二次采样、窗口、负样本）；
    - ``vocab``：已建好的词表（可选）；``chunk_tokens``：每块语料的词元数（只影响内存与速度，不影响算法）；
    - ``workers``：逐个窗口更新时用几个线程（默认 1）。多于 1 个时几个线程同时更新同一对参数矩阵、不加锁（Hogwild，
      gensim 的 ``workers`` 也是这样），更快，但结果不再逐位可重复；
    - ``snapshot_tokens``：在已处理这么多个词元（各轮累计）之后存一份中心词向量的副本（``result.snapshots``）：取在
      它之后的第一个语料块的末尾，0 是初值，超过总数的取训练结束时（第 01 章的词向量地图用它回放训练的过程）；
    - ``show_progress``：显示进度条（``wordvec_rnn.progress``）。
    """
    config = {"dim": dim, "window": window, "negatives": negatives, "min_count": min_count, "epochs": epochs, "lr": lr,
              "min_lr": float(min_lr), "batch_size": batch_size, "subsample": subsample, "subsample_rule": subsample_rule,
              "seed": seed, "workers": workers}
    if vocab is None:
        vocab = Vocab(sentences, min_count=min_count)
    return _train(sentences, vocab, model, objective, config, chunk_tokens, show_progress, sorted(snapshot_tokens))


def _train(sentences: list, vocab: Vocab, model: str, objective: str, config: dict, chunk_tokens: int,
           show_progress: bool, snapshot_tokens: list[int]) -> Word2VecResult:
    """``train_word2vec`` 的训练（参数都已检查过）：编码语料、初始化参数，再逐轮、逐块地二次采样并更新。"""
    rng = np.random.default_rng(config["seed"])
    start = time.perf_counter()
    n_raw = sum(map(len, sentences))
    ids, sentence_ids = _encode(sentences, vocab)
    if len(ids) == 0:
        fail("sentences", f"至少一个词在词表中（出现不少于 min_count={config['min_count']} 次），否则无词可训练",
             "没有这样的词")
    counts = vocab.counts.copy()
    counts[[UNK_ID, EOS_ID]] = 0  # UNK 与 EOS 不训练：不在语料里，也不作负样本
    keep = _keep_probabilities(counts, config["subsample"], config["subsample_rule"])
    dim, epochs = config["dim"], config["epochs"]
    V = ((rng.random((len(vocab), dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)  # v_w ~ U(-0.5/d, 0.5/d)
    if objective == "negative_sampling":
        output = _NegativeSamplingObjective(counts, dim, config["negatives"], rng)
    else:
        output = _HierarchicalSoftmaxObjective(counts, dim)
    V_t = torch.from_numpy(V)   # 与 V 共用内存：就地更新的是同一块数组
    chunks = _chunks(sentence_ids, chunk_tokens)
    total = epochs * len(ids)
    losses, loss_tokens, done_tokens, n_predictions = [], [], 0, 0
    bar = progress(total=total, desc=f"{model} 训练") if show_progress else None
    snapshots = _Snapshots(V, snapshot_tokens)
    for _ in range(epochs):
        for begin, end in chunks:
            words, sents = _subsample(ids[begin:end], sentence_ids[begin:end], keep, rng)
            loss_sum, count = _train_chunk(V_t, output, model == "skipgram", words, sents, rng, config,
                                           done_tokens, end - begin, total)
            n_predictions += count
            done_tokens += end - begin
            snapshots.take(done_tokens, last=done_tokens == total)
            if not np.isfinite(loss_sum):
                _diverged(config["lr"], f"已处理 {done_tokens} 个词元时损失是 {loss_sum}", bar)
            if count:
                losses.append(loss_sum / count)
                loss_tokens.append(done_tokens)
            if bar is not None:
                bar.update(end - begin)
                if losses:
                    bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
    if bar is not None:
        bar.close()
    if not (np.isfinite(V).all() and np.isfinite(output.outside).all()):
        _diverged(config["lr"], "训练结束时参数里有无穷大或 NaN", None)
    seconds = time.perf_counter() - start
    return Word2VecResult(vocab=vocab, center_vectors=V, outside_vectors=output.outside,
                          losses=np.array(losses, dtype=np.float64), loss_tokens=np.array(loss_tokens, dtype=np.int64),
                          words_per_second=epochs * n_raw / seconds, seconds=seconds, n_predictions=n_predictions,
                          model=model, objective=objective, tree=output.tree, config=config, snapshots=snapshots.taken)


class _Snapshots:
    """训练途中存下的中心词向量：已处理的词元数第一次达到所要的数时，存一份 V 的副本。"""

    def __init__(self, V: np.ndarray, wanted: list[int]):
        self.V, self.wanted, self.taken = V, list(wanted), []
        self.take(0, last=False)

    def take(self, done_tokens: int, last: bool) -> None:
        if self.wanted and (self.wanted[0] <= done_tokens or last):
            self.taken.append((done_tokens, self.V.copy()))
            self.wanted = [n for n in self.wanted if n > done_tokens] if not last else []


def _diverged(lr: float, what: str, bar) -> NoReturn:
    """训练发散（梯度步太大，参数越走越大，直到溢出成无穷大或 NaN）：不返回 NaN，报错并点名学习率。"""
    if bar is not None:
        bar.close()
    fail("lr", f"更小的学习率（训练发散了：{what}；word2vec 常用 0.025–0.05）", lr)


def _train_chunk(V, output, skipgram: bool, words, sents, rng, config: dict, done_tokens: int, n_tokens: int,
                 total: int) -> tuple[float, int]:
    """一块语料（二次采样之后，原有 ``n_tokens`` 个词元）：更新 V 与 U，返回 (损失之和, 预测次数)。

    默认（``batch_size`` 为 None）逐个窗口地更新（``word2vec_loops`` 的编译循环），否则成批地用 torch 更新。
    ``workers`` > 1 时把这块语料在句子边界处切成几段，几个线程同时各更新一段（不加锁，Hogwild）。
    """
    if config["batch_size"] is not None:
        return _train_chunk_batched(V, output, skipgram, words, sents, rng, config, done_tokens, n_tokens, total)
    n = len(words)
    if n < 2:
        return 0.0, 0
    half_widths = rng.integers(1, config["window"] + 1, size=n)   # a_i ~ U{1..a}
    targets, labels, lengths = output.window_targets(words)
    update = _skipgram_windows if skipgram else _cbow_windows

    def run(part: tuple[int, int]) -> tuple[float, int]:
        b, e = part
        schedule = (done_tokens + n_tokens * b / n, n_tokens * (e - b) / n, float(total), float(config["lr"]),
                    float(config["min_lr"]))
        return update(V.numpy(), output.outside, words[b:e], sents[b:e], half_widths[b:e], targets[b:e],
                      labels[b:e], lengths[b:e], schedule)

    parts = _chunks(sents, -(-n // config["workers"]))   # 至多 workers 段，只在句首切：各段的窗口与不切时相同
    if len(parts) == 1:
        return run(parts[0])
    with ThreadPoolExecutor(len(parts)) as pool:
        results = list(pool.map(run, parts))
    return sum(r[0] for r in results), sum(r[1] for r in results)


def _train_chunk_batched(V, output, skipgram: bool, words, sents, rng, config: dict, done_tokens: int,
                         n_tokens: int, total: int) -> tuple[float, int]:
    """成批地更新一块语料（``batch_size`` 给定时）：逐组窗口、逐批更新 V 与 U，返回 (损失之和, 预测次数)。

    ``output`` 是输出一侧的目标（``word2vec_batch`` 的负采样或层序 softmax）。块内的进度按预测次数折算成词元数，
    与此前已处理的 ``done_tokens`` 个词元一起决定每批的学习率。
    """
    if len(words) < 2:
        return 0.0, 0
    windows = _windows(words, sents, config["window"], rng)
    valid = windows[2]
    chunk_predictions = int(valid.sum()) if skipgram else int(valid.any(axis=1).sum())
    tokens_per_prediction = n_tokens / max(chunk_predictions, 1)
    targets = output.targets(words)
    U, lr, min_lr = output.outside_t, config["lr"], config["min_lr"]
    loss_sum, count = 0.0, 0
    # 层序 softmax：一批的 Ũ 补位到这批最长的路径，所以组内按中心词的路径长度排，一批里的路径长短相近
    path_lengths = None if output.tree is None else output.tree.lengths
    for rows, context, mask in _window_groups(words, *windows, sort_key=path_lengths):
        width = mask.shape[1]                                        # 2a_i
        mask_t = torch.from_numpy(mask[:, :, None].astype(np.float32))  # (B, 2a_i, 1)
        n_in_window = mask.sum(axis=1)
        if skipgram:
            done = np.r_[0, np.cumsum(n_in_window)].tolist()  # 前 s 个窗口共有多少个词对
        else:
            weights = torch.from_numpy((mask / n_in_window[:, None]).astype(np.float32))   # v̄ = Σ_j weights_j v_j
            done = range(len(rows) + 1)
        n_windows = max(1, config["batch_size"] // width)  # 一批约 batch_size 个（中心词, 上下文词）词对
        # 各批 |∂J/∂x| 依次写进这块缓冲区，这一组窗口算完后一次求出损失之和
        abs_grads = torch.empty(len(rows) * (width if skipgram else 1) * output.depth)
        filled = 0
        batches = output.batches(targets[rows], n_windows)
        for s, (target, labels, target_mask) in zip(range(0, len(rows), n_windows), batches):
            e = s + n_windows
            eta = _linear_lr(done_tokens + tokens_per_prediction * (count + done[s]), total, lr, min_lr)
            if skipgram:
                filled += _skipgram_step(V, U, context[s:e], mask_t[s:e], target, labels, target_mask, eta,
                                        abs_grads[filled:])
            else:
                filled += _cbow_step(V, U, context[s:e], mask_t[s:e], weights[s:e], target, labels, target_mask, eta,
                                    abs_grads[filled:])
        loss_sum += _loss_from_abs_grads(abs_grads[:filled])
        count += done[len(rows)]
    return loss_sum, count
