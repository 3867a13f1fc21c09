"""word2vec 逐个窗口的更新：用 numba 编译成机器码的循环，是 ``train_word2vec`` 默认的训练方式。

本模块是手写的（不由笔记本导出），供 ``word2vec_train`` 与第 01 章「训练与评估」一节使用。一个窗口的更新就是
第 01 章的式 (eq-w2v-window-grad)（跳元模型）与 (eq-w2v-cbow-grad)（CBOW）：先由更新前的参数算出这个窗口的全部
梯度，再加回参数矩阵；下一个窗口用的已是更新后的值（word2vec.c 与 gensim 也是逐个窗口地更新）。它与
``word2vec_batch`` 里批量大小为一个窗口的 ``skipgram_batch_update`` / ``cbow_batch_update`` 逐项相同（单元测试核对）。

为什么不用 torch：一个窗口只有几十次乘加，torch 的每次运算都有几微秒的固定开销，只能把许多窗口叠成一批；
一批的读出（``index_select``）、写回（``index_add_``）与几次矩阵乘法各自把数据读写一遍。编译的循环把一个窗口的
参数行读进缓存后一次做完，与 gensim 的 C（Cython）循环相当。

两个编译的循环 ``_skipgram_windows``、``_cbow_windows`` 由 ``word2vec_train._train_chunk`` 直接调用（输入由它备好，
不检查）；检查输入、学习率固定的入口是 ``window_updates``。输入：一块语料二次采样之后的编号 ``words`` 与句子号
``sents``、每个位置缩小的半宽 ``half_widths``；每个位置的输出目标 ``targets[i, :lengths[i]]``（Ũ 的各行在
``U`` 中的编号）与标签 ``labels[i, :lengths[i]]``；学习率按位置在块内的进度线性下降（``schedule`` =
(此前已处理的词元数, 这块的词元数, 总词元数, 初始学习率, 最低学习率)，由 ``_linear_lr`` 算出）。
返回 ``(损失之和, 预测次数)``：跳元模型每个词对一次预测，CBOW 每个窗口一次。
"""

from __future__ import annotations

import math

import numba
import numpy as np

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import Choice, NDArray, Real, accepts, returns
from wordvec_rnn.word2vec_batch import ParameterTable, ZeroOne


def _compiled(function):
    """编译成机器码。fastmath 只开 reassoc 等几项：允许编译器重排浮点加法（点积可以向量化），结果仍是确定的，
    但不假定没有无穷大与 NaN；nogil：两个线程可以同时训练两个模型；cache：机器码存进缓存目录，下次启动不必重新
    编译。没有可写的缓存目录时（只读的安装目录、沙箱）不缓存，每个进程第一次调用时编译（几秒）。"""
    options = dict(fastmath={"reassoc", "contract", "arcp", "nsz"}, nogil=True)
    try:
        return numba.njit(cache=True, **options)(function)
    except RuntimeError:    # numba：cannot cache function ...: no locator available
        return numba.njit(**options)(function)


_SMALLEST = 1e-7    # 单项损失 −log(1 − |g|) 里 1 − |g| 的下限，与 word2vec_batch._loss_from_abs_grads 相同
_RESCALE = 1e-200   # 损失的连乘积小于它时先取一次对数，免得下溢


@_compiled
def _context_range(sents, i, half):
    """位置 i 的窗口：同一句子里与 i 相距不超过 ``half`` 的位置是 [lo, hi]（不含 i 本身）。"""
    lo, hi = max(i - half, 0), min(i + half, len(sents) - 1)
    while sents[lo] != sents[i]:
        lo += 1
    while sents[hi] != sents[i]:
        hi -= 1
    return lo, hi


@_compiled
def _dot(x, y):
    total = x.dtype.type(0.0)
    for k in range(len(x)):
        total += x[k] * y[k]
    return total


@_compiled
def _add_scaled(a, x, y):
    """y += a x（就地）。"""
    for k in range(len(y)):
        y[k] += a * x[k]


@_compiled
def _add(x, y):
    """y += x（就地）。"""
    for k in range(len(y)):
        y[k] += x[k]


@_compiled
def _linear_lr(done, total, lr, min_lr):
    """学习率 η：已处理 ``done`` 个词元（共 ``total`` 个）时，从 ``lr`` 线性降到 ``min_lr``，之后不再降。
    两种更新方式共用它（成批的更新在 ``word2vec_train`` 里从 Python 调用）。"""
    return lr - (lr - min_lr) * min(done / total, 1.0)


@_compiled
def _learning_rate(schedule, i, n):
    """块内第 i 个位置（共 n 个）的学习率：按它在块内的进度折算成已处理的词元数。"""
    done, n_tokens, total, lr, min_lr = schedule
    return _linear_lr(done + n_tokens * i / n, total, lr, min_lr)


@_compiled
def _score_gradient(x, label, eta, product):
    """由得分 x 得到 −η ∂J/∂x = −η(σ(x) − 标签)，并把 1 − |σ(x) − 标签| 乘进损失的连乘积。"""
    if x >= 0:                                  # σ(x) 的两种写法各管一半，exp 的参数不大于 0，不会上溢
        g = 1.0 / (1.0 + math.exp(-x)) - label
    else:
        e = math.exp(x)
        g = e / (1.0 + e) - label
    product *= max(1.0 - abs(g), _SMALLEST)
    return -eta * g, product


@_compiled
def _skipgram_windows(V, U, words, sents, half_widths, targets, labels, lengths, schedule):
    """跳元模型：位置 i 的窗口里每个词 c_r 作中心词，S = C Ũ^T，C += −η G Ũ，Ũ += −η G^T C（式 (eq-w2v-window-grad)）。"""
    n, d = len(words), V.shape[1]
    G = np.empty((2 * half_widths.max(), targets.shape[1]), dtype=V.dtype)   # −η G，一行一个中心词
    dC = np.empty((G.shape[0], d), dtype=V.dtype)                            # −η G Ũ
    log_loss, product, count = 0.0, 1.0, 0
    for i in range(n):
        lo, hi = _context_range(sents, i, half_widths[i])
        if lo == hi:
            continue
        eta, T, r = _learning_rate(schedule, i, n), lengths[i], 0
        for j in range(lo, hi + 1):
            if j == i:
                continue
            c = words[j]
            for t in range(T):
                G[r, t], product = _score_gradient(_dot(V[c], U[targets[i, t]]), labels[i, t], eta, product)
            dC[r] = 0.0
            for t in range(T):
                _add_scaled(G[r, t], U[targets[i, t]], dC[r])
            r += 1
            if product < _RESCALE:
                log_loss, product = log_loss + math.log(product), 1.0
        for t in range(T):                      # Ũ 用更新前的 C
            u = targets[i, t]
            r = 0
            for j in range(lo, hi + 1):
                if j != i:
                    _add_scaled(G[r, t], V[words[j]], U[u])
                    r += 1
        r = 0
        for j in range(lo, hi + 1):
            if j != i:
                _add(dC[r], V[words[j]])
                r += 1
        count += r
    return -(log_loss + math.log(product)), count


@_compiled
def _cbow_windows(V, U, words, sents, half_widths, targets, labels, lengths, schedule):
    """CBOW：v̄ = 窗口内 v 的平均，x = Ũ v̄，Ũ += −η g v̄^T，窗口里每个 v += −η Ũ^T g（式 (eq-w2v-cbow-grad)）。"""
    n, d = len(words), V.shape[1]
    g = np.empty(targets.shape[1], dtype=V.dtype)    # −η g
    v_bar = np.empty(d, dtype=V.dtype)
    dv = np.empty(d, dtype=V.dtype)                  # −η ∂J/∂v̄
    log_loss, product, count = 0.0, 1.0, 0
    for i in range(n):
        lo, hi = _context_range(sents, i, half_widths[i])
        if lo == hi:
            continue
        eta, T = _learning_rate(schedule, i, n), lengths[i]
        v_bar[:] = 0.0
        for j in range(lo, hi + 1):
            if j != i:
                _add(V[words[j]], v_bar)
        v_bar /= hi - lo
        dv[:] = 0.0
        for t in range(T):
            g[t], product = _score_gradient(_dot(v_bar, U[targets[i, t]]), labels[i, t], eta, product)
            _add_scaled(g[t], U[targets[i, t]], dv)
        for t in range(T):                      # Ũ 的梯度 g v̄^T；dv 已由更新前的 Ũ 算出
            _add_scaled(g[t], v_bar, U[targets[i, t]])
        for j in range(lo, hi + 1):
            if j != i:
                _add(dv, V[words[j]])
        count += 1
        if product < _RESCALE:
            log_loss, product = log_loss + math.log(product), 1.0
    return -(log_loss + math.log(product)), count


class SentenceIds(NDArray):
    """每个位置的句子号：一维整数数组，从小到大（同一句子的词连在一起）。"""

    def check(self, value, name, dims):
        super().check(value, name, dims)
        if np.any(np.diff(value) < 0):
            fail(name, "从小到大排列的句子号（同一句子的词连在一起）", value)
        return value


class PathLengths(NDArray):
    """每个位置的输出目标有几个：1 到 T 之间的整数（T 是 ``targets`` 的列数）。"""

    def check(self, value, name, dims):
        super().check(value, name, dims)
        if value.min() < 1 or value.max() > dims["T"]:
            fail(name, f"1 到 {dims['T']} 之间的整数", got=f"元素 {int(value.min())} … {int(value.max())}")
        return value


@accepts(model=Choice("skipgram", "cbow"), center_vectors=ParameterTable("V", "d"),
         outside_vectors=ParameterTable("N", "d"), words=NDArray("n", dtype="int", below="V"),
         sentence_ids=SentenceIds("n", dtype="int"), half_widths=NDArray("n", dtype="int", low=1, below=2**31),
         targets=NDArray("n", "T", dtype="int", below="N"), labels=ZeroOne("n", "T"), lengths=PathLengths("n", dtype="int"),
         lr=Real(0.0))
@returns(Real(), Real())
def window_updates(model, center_vectors, outside_vectors, words, sentence_ids, half_widths, targets, labels, lengths,
                   lr):
    """逐个窗口地更新（就地改写两个参数矩阵），返回 ``(损失之和, 预测次数)``：每个窗口实现式 (eq-w2v-window-grad)
    （``model="skipgram"``）或 (eq-w2v-cbow-grad)（``model="cbow"``），学习率固定为 ``lr``。

    ``words[i]`` 是位置 i 的词、``sentence_ids[i]`` 是它的句子号，``half_widths[i]`` 是缩小的半宽 a_i：窗口是同一句子里
    与 i 相距不超过 a_i 的位置。``targets[i, :lengths[i]]`` 是位置 i 的 Ũ 各行在 ``outside_vectors`` 中的编号，
    ``labels[i, :lengths[i]]`` 是它们的标签（负采样：[w_i, n_1, …, n_k] 与 (1, 0, …, 0)）。结果与逐个窗口调用
    ``skipgram_batch_update`` / ``cbow_batch_update``（批量为一个窗口）相同；训练时 ``train_word2vec`` 直接调用编译的循环，
    学习率随进度线性下降。
    """
    kernel = _skipgram_windows if model == "skipgram" else _cbow_windows
    ints = [np.ascontiguousarray(a, dtype=np.int64) for a in (words, sentence_ids, half_widths, targets)]
    labels = np.ascontiguousarray(labels, dtype=center_vectors.dtype)
    return kernel(center_vectors, outside_vectors, *ints, labels, np.ascontiguousarray(lengths, dtype=np.int64),
                  (0.0, 1.0, 1.0, float(lr), float(lr)))
