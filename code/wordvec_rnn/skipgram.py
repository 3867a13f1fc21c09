# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save skipgram` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/01_word2vec/01_skipgram_softmax.ipynb

"""第 01 章「跳元模型与 softmax」（chapters/01_word2vec/01_skipgram_softmax.ipynb）中推导并实现的代码：实现、从语料到
(c,o) 对、实验。
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wordvec_rnn.inputs import Int, ListOf, NDArray, Real, Rng, Satisfies, Str, accepts, returns
from wordvec_rnn.progress import progress


# 定义于 chapters/01_word2vec/01_skipgram_softmax.ipynb 「跳元模型与 softmax」§「实现」
@accepts(x=NDArray(..., "q"))
@returns(NDArray(..., "q"))
def log_softmax(x: np.ndarray) -> np.ndarray:
    """沿最后一维的 log softmax：实现式 (eq-sg-log-softmax)，先减去最大值 m，exp 不会上溢。"""
    shifted = x - x.max(axis=-1, keepdims=True)  # softmax(x) = softmax(x - 常数)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return log_probs


@accepts(x=NDArray(..., "q"))
@returns(NDArray(..., "q"))
def softmax(x: np.ndarray) -> np.ndarray:
    """沿最后一维的 softmax：实现式 (eq-sg-softmax) 的 exp(x_i) / Σ_j exp(x_j)；先减去最大值 m，exp 不会上溢，分母至少是 1。"""
    E = x - x.max(axis=-1, keepdims=True)   # softmax(x) = softmax(x - m)，最大的指数是 e^0 = 1
    np.exp(E, out=E)                        # 原地算 exp 与除法：只分配一个与 x 同样大的数组
    E /= E.sum(axis=-1, keepdims=True)
    return E


@accepts(outside_vectors=NDArray("V", "d"), center_vec=NDArray("d"), outside_idx=Int(0, below="V"))
@returns(Real(), NDArray("d"), NDArray("V", "d"))
def naive_softmax_loss_and_gradient(center_vec, outside_idx, outside_vectors):
    """一个 (c, o) 对的跳元模型损失 J = -log P(o | c)（完整的 softmax）及其梯度：实现式 (eq-sg-pair-loss)、
    (eq-sg-grad-vc-matrix) 与 (eq-sg-grad-U)。

    - ``center_vec``：中心词向量 v_c，形状 (d,)；
    - ``outside_idx``：上下文词 o 的编号，0 <= o < V；
    - ``outside_vectors``：上下文词向量矩阵 U，形状 (V, d)，第 w 行是 u_wᵀ。

    返回 ``(loss, grad_center, grad_outside)``：grad_center = ∂J/∂v_c = Uᵀ(ŷ - y)，形状 (d,)；
    grad_outside = ∂J/∂U = (ŷ - y) v_cᵀ，形状 (V, d)，第 w 行是 (ŷ_w - y_w) v_cᵀ。
    """
    o = outside_idx
    log_y_hat = log_softmax(outside_vectors @ center_vec)  # log P(w | c)，对每个 w ∈ V
    loss = -log_y_hat[o]                                   # J = -log P(o | c)
    delta = np.exp(log_y_hat)                              # ŷ = softmax(U v_c)
    delta[o] -= 1.0                                        # ŷ - y，y 是 o 的独热向量
    grad_center = outside_vectors.T @ delta                # Uᵀ(ŷ - y) = -u_o + Σ_w P(w|c) u_w
    grad_outside = np.outer(delta, center_vec)             # (ŷ - y) v_cᵀ：第 w 行 (ŷ_w - y_w) v_cᵀ
    return float(loss), grad_center, grad_outside


@accepts(outside_vectors=NDArray("V", "d"), center_vecs=NDArray("B", "d"),
         outside_idx=NDArray("B", dtype="int", below="V"))
@returns(Real(), NDArray("B", "d"), NDArray("V", "d"))
def naive_softmax_batch_loss_and_gradient(center_vecs, outside_idx, outside_vectors):
    """一批 B 个 (c, o) 对的平均损失 (1/B) Σ_i -log P(o_i | c_i) 及其梯度：实现式 (eq-sg-batch-grad)（向量化，不逐对循环）。

    - ``center_vecs``：矩阵 C，形状 (B, d)，第 i 行是第 i 对的中心词向量 v_{c_i}ᵀ；
    - ``outside_idx``：形状 (B,) 的整数数组，第 i 对的上下文词编号 o_i；
    - ``outside_vectors``：矩阵 U，形状 (V, d)，第 w 行是 u_wᵀ。

    返回 ``(loss, grad_centers, grad_outside)``，都是平均损失的梯度：grad_centers = ΔU，形状 (B, d)，第 i 行是
    (1/B) Uᵀ(ŷ_i - y_i) 的转置（同一个中心词在批中出现几次，调用者就把几行都加到它的 v_c 上）；
    grad_outside = ΔᵀC = (1/B) Σ_i (ŷ_i - y_i) v_{c_i}ᵀ，形状 (V, d)。
    """
    batch = len(center_vecs)
    rows = np.arange(batch)
    log_y_hat = log_softmax(center_vecs @ outside_vectors.T)  # C Uᵀ：(B, V)，第 i 行是 log softmax(U v_{c_i})ᵀ
    loss = -log_y_hat[rows, outside_idx].mean()
    delta = np.exp(log_y_hat)                                 # Ŷ：第 i 行是 ŷ_iᵀ
    delta[rows, outside_idx] -= 1.0                           # Ŷ - Y
    delta /= batch                                            # Δ：平均损失，每对的梯度乘 1/B
    grad_centers = delta @ outside_vectors                    # ΔU：(B, d)，第 i 行 (1/B) (Uᵀ(ŷ_i - y_i))ᵀ
    grad_outside = delta.T @ center_vecs                      # ΔᵀC：(V, d) = (1/B) Σ_i (ŷ_i - y_i) v_{c_i}ᵀ
    return float(loss), grad_centers, grad_outside


# 定义于 chapters/01_word2vec/01_skipgram_softmax.ipynb 「跳元模型与 softmax」§「从语料到 $(c,o)$ 对」
SENTENCES = ListOf(NDArray(None, dtype="int", nonempty=False))  # 每句一个一维编号数组（可以为空）


@accepts(sentences=SENTENCES)
@returns(NDArray("N", dtype="int", nonempty=False), NDArray("N", dtype="int", nonempty=False))
def flatten_sentences(sentences: Sequence[np.ndarray]):
    """把若干句的编号数组首尾相接（见 (sec-sg-pairs)）：返回 ``(ids, sentence_of)``，sentence_of[t] 是位置 t 所在句子的序号。

    ``sentences`` 是非空的列表，元素是一维整数数组（可以为空）。产生窗口的函数用 sentence_of 保证窗口不跨句。
    """
    ids = np.concatenate([np.asarray(s, dtype=np.int64) for s in sentences])
    sentence_of = np.repeat(np.arange(len(sentences)), [len(s) for s in sentences])
    return ids, sentence_of


@accepts(sentences=SENTENCES, window=Int(1))
@returns(NDArray("P", dtype="int", nonempty=False), NDArray("P", dtype="int", nonempty=False))
def skipgram_pairs(sentences: Sequence[np.ndarray], window: int):
    """滑动窗口产生的全部 (中心词, 上下文词) 对，即式 (eq-sg-objective) 中求和的每一项 (w_t, w_{t+j})：
    每个位置 t 与同一句内的 t + j，0 < |j| <= window。

    返回两个 int64 数组 ``(centers, outsides)``，按中心词的位置、再按 j 从小到大排列。
    只对 2·window 个偏移 j 循环，每个 j 一次处理所有位置，不逐对循环。
    """
    ids, sentence_of = flatten_sentences(sentences)
    positions, offsets = [], []
    for j in [j for j in range(-window, window + 1) if j != 0]:
        t = np.arange(max(0, -j), len(ids) - max(0, j))      # t 与 t + j 都在语料之内
        t = t[sentence_of[t] == sentence_of[t + j]]          # 而且在同一句内
        positions.append(t)
        offsets.append(np.full(len(t), j))
    positions, offsets = np.concatenate(positions), np.concatenate(offsets)
    order = np.lexsort((offsets, positions))                 # 先按位置 t，再按偏移 j
    positions, offsets = positions[order], offsets[order]
    return ids[positions], ids[positions + offsets]


# 定义于 chapters/01_word2vec/01_skipgram_softmax.ipynb 「跳元模型与 softmax」§「实验：在小语料上训练」
@accepts(n_lines=Int(1), min_count=Int(1))
def peoples_daily_ids(n_lines: int = 300, min_count: int = 5):
    """本章的小语料（见 (sec-sg-experiment)）：《人民日报》语料的前 ``n_lines`` 段，出现少于 ``min_count`` 次的词不进词表。

    返回 ``(vocab, sentences)``：sentences 是每段一个的编号数组；
    与 word2vec 的做法一样，词表外的词（UNK）直接删去。
    """
    from wordvec_rnn.corpora import peoples_daily
    from wordvec_rnn.vocab import UNK_ID, Vocab

    lines = peoples_daily()[:n_lines]
    vocab = Vocab(lines, min_count=min_count)
    sentences = [ids[ids != UNK_ID] for ids in map(vocab.encode, lines)]
    return vocab, sentences


@accepts(vocab_size=Int(1), d=Int(1), rng=Rng())
@returns(NDArray("V", "d"), NDArray("V", "d"))
def init_vectors(vocab_size: int, d: int, rng: np.random.Generator):
    """word2vec 的初始化（见 (sec-sg-experiment)）：中心词向量 v_w 在 [-0.5/d, 0.5/d) 上均匀分布，上下文词向量 u_w 全为 0。

    返回 ``(center_vectors, outside_vectors)``，形状都是 (vocab_size, d)，float64。
    u 全为 0 时每个 P(w | c) = 1/|V|。
    """
    return (rng.random((vocab_size, d)) - 0.5) / d, np.zeros((vocab_size, d))


@accepts(n_examples=Int(1), step=Satisfies(callable, "函数 step(batch, lr)，返回这一批的平均损失"),
         lr=Real(positive=True), epochs=Int(1), batch_size=Int(1), rng=Rng(), desc=Str())
@returns(NDArray("L"))
def minibatch_sgd(n_examples: int, step, *, lr, epochs, batch_size, rng, desc):
    """小批量 SGD 的循环，实现式 (eq-sg-update)：每轮把 ``n_examples`` 个样本的下标打乱，按 ``batch_size`` 分批，
    每批调用 ``step(batch, lr)``（以学习率 η = lr 就地更新参数，返回这一批的平均损失）。返回每个小批量的损失。
    """
    n_batches = -(-n_examples // batch_size)
    losses = []
    with progress(total=epochs * n_batches, desc=desc) as bar:
        for _ in range(epochs):
            order = rng.permutation(n_examples)
            for start in range(0, n_examples, batch_size):
                losses.append(step(order[start : start + batch_size], lr))
                bar.update(1)
            bar.set_postfix_str(f"本轮平均损失 {np.mean(losses[-n_batches:]):.3f}")
    return np.array(losses)


@accepts(center_vectors=NDArray("V", "d"), outside_vectors=NDArray("V", "d"),
         centers=NDArray("P", dtype="int", below="V"), outsides=NDArray("P", dtype="int", below="V"),
         lr=Real(positive=True), epochs=Int(1), batch_size=Int(1), rng=Rng(), desc=Str())
@returns(NDArray("L"))
def train_skipgram(centers, outsides, center_vectors, outside_vectors, *, lr, epochs, batch_size=128, rng,
                   desc="训练跳元模型"):
    """用完整 softmax 的跳元模型与小批量 SGD 训练词向量：实现式 (eq-sg-update) θ ← θ - η ∇_θ J(θ)（η = ``lr``），
    梯度由式 (eq-sg-batch-grad) 给出，原地更新两张表。

    ``centers``、``outsides`` 是形状 (P,) 的编号数组（P 个 (c, o) 对）；每轮把它们打乱，按 ``batch_size`` 分批。
    返回每个小批量的平均损失（形状 (轮数 × 批数,) 的数组）。
    """
    def step(batch, lr):
        loss, grad_centers, grad_outside = naive_softmax_batch_loss_and_gradient(
            center_vectors[centers[batch]], outsides[batch], outside_vectors
        )
        np.add.at(center_vectors, centers[batch], -lr * grad_centers)  # 重复的中心词：梯度累加
        np.subtract(outside_vectors, lr * grad_outside, out=outside_vectors)
        return loss

    return minibatch_sgd(len(centers), step, lr=lr, epochs=epochs, batch_size=batch_size, rng=rng, desc=desc)
