"""评估词向量：余弦相似度、最近邻、类比（3CosAdd）与词语相似度评测的 Spearman ρ。

本模块是手写的（不由笔记本导出），供第 01 章「训练与评估」一节与 ``bench/bench_word2vec.py`` 使用。
评估的对象是 ``word2vec_train.train_word2vec`` 返回的 ``Word2VecResult``（别处训练的词向量先用
``Word2VecResult.from_vectors`` 按同一个词表排好）；各函数只用中心词向量 v_w，UNK 与 EOS 不算作近邻。
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import ArrayLike, Instance, Int, ListOf, Real, Satisfies, Spec, accepts, returns
from wordvec_rnn.vocab import EOS_ID, UNK_ID
from wordvec_rnn.word2vec_train import Word2VecResult

RESULT = Instance(Word2VecResult, "train_word2vec 返回的 Word2VecResult（别处的词向量用 Word2VecResult.from_vectors）")


class Word(Spec):
    """``result`` 词表中的一个普通词（不是 UNK、EOS），它的词向量不为零（否则余弦无定义）；返回它的编号。"""

    def check(self, value, name, dims):
        vocab = dims.values["result"].vocab
        if not isinstance(value, str) or value not in vocab or vocab[value] in (UNK_ID, EOS_ID):
            fail(name, "词表中的词", value)
        if not dims.values["result"].center_vectors[vocab[value]].any():
            fail(name, "词向量不为零的词（零向量的余弦相似度无定义）", value)
        return value


class Ranked(ArrayLike):
    """一维的实数数组或列表（长度 N ≥ 2，不全相同：全相同时秩没有差别，相关系数无定义）；整数先转成浮点数。"""

    converts_integers = True

    def __init__(self):
        super().__init__("N")

    def check(self, value, name, dims):
        if isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.dtype.kind in "iub"):
            value = np.asarray(value, dtype=np.float64)
        value = super().check(value, name, dims)
        if len(value) < 2 or (value == value[0]).all():
            fail(name, "至少 2 个、不全相同的数", value)
        return value


def _unit_vectors(result: Word2VecResult) -> np.ndarray:
    vectors = result.center_vectors.astype(np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


def _word_id(result: Word2VecResult, word: str) -> int:
    return result.vocab[word]


def _nearest(result: Word2VecResult, query: np.ndarray, exclude: Sequence[int], topn: int) -> list[tuple[str, float]]:
    unit = _unit_vectors(result)
    sims = unit @ (query / np.linalg.norm(query))
    sims[[UNK_ID, EOS_ID, *exclude]] = -np.inf  # 特殊词元与查询词本身不算
    topn = min(topn, int(np.isfinite(sims).sum()))
    best = np.argpartition(-sims, topn - 1)[:topn] if topn else np.zeros(0, np.int64)
    best = best[np.argsort(-sims[best], kind="stable")]
    return [(result.vocab.tokens[i], float(sims[i])) for i in best]


@accepts(result=RESULT, word1=Word(), word2=Word())
@returns(Real(-1.0 - 1e-6, 1.0 + 1e-6))
def similarity(result: Word2VecResult, word1: str, word2: str) -> float:
    """两个词的中心词向量的余弦相似度 cos(v_1, v_2)。"""
    unit = _unit_vectors(result)
    return float(unit[_word_id(result, word1)] @ unit[_word_id(result, word2)])


@accepts(result=RESULT, word=Word(), topn=Int(1))
def most_similar(result: Word2VecResult, word: str, topn: int = 10) -> list[tuple[str, float]]:
    """与 ``word`` 的中心词向量余弦相似度最大的 ``topn`` 个词（不含它自己、UNK 与 EOS），从大到小（(sec-w2v-neighbours)）。"""
    w = _word_id(result, word)
    return _nearest(result, _unit_vectors(result)[w], [w], topn)


@accepts(result=RESULT, a=Word(), b=Word(), c=Word(), topn=Int(1))
def analogy(result: Word2VecResult, a: str, b: str, c: str, topn: int = 1) -> list[tuple[str, float]]:
    """类比「a 之于 b，如同 c 之于 ?」：与 v_b − v_a + v_c 余弦最大的词（不含 a、b、c），各向量先归一化（3CosAdd，
    (sec-w2v-analogy)）。"""
    ia, ib, ic = _word_id(result, a), _word_id(result, b), _word_id(result, c)
    unit = _unit_vectors(result)
    return _nearest(result, unit[ib] - unit[ia] + unit[ic], [ia, ib, ic], topn)


def _ranks(x: np.ndarray) -> np.ndarray:
    """从 1 起的秩，并列的取平均秩（Spearman 相关系数的定义）。"""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = np.arange(1, len(x) + 1)
    _, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


@accepts(x=Ranked(), y=Ranked())
@returns(Real(-1.0 - 1e-9, 1.0 + 1e-9))
def spearman(x, y) -> float:
    """Spearman 秩相关系数：两组数的秩的 Pearson 相关系数（并列取平均秩）。"""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    rx, ry = _ranks(x) - (len(x) + 1) / 2, _ranks(y) - (len(y) + 1) / 2
    return float(rx @ ry / math.sqrt(float(rx @ rx) * float(ry @ ry)))


@accepts(result=RESULT, pairs=ListOf(Satisfies(
    lambda item: isinstance(item, (tuple, list)) and len(item) == 3 and all(isinstance(w, str) for w in item[:2]),
    "(词1, 词2, 分数) 三元组"), what="(词1, 词2, 分数) 三元组的列表，如 corpora.wordsim353()"))
def wordsim_spearman(result: Word2VecResult, pairs) -> tuple[float, int]:
    """词语相似度评测（(sec-w2v-wordsim)）：``pairs`` 是 (词1, 词2, 人给的分数) 的序列，如 ``corpora.wordsim353()``。

    对两个词都在词表中的词对，算中心词向量的余弦相似度，返回它与人的分数的 Spearman ρ，以及用到的词对数。
    """
    unit = _unit_vectors(result)
    vocab = result.vocab
    found = [(vocab[w1], vocab[w2], float(score)) for w1, w2, score in pairs
             if w1 in vocab and w2 in vocab and min(vocab[w1], vocab[w2]) > EOS_ID]
    if len(found) < 2:
        fail("pairs", "至少 2 个两词都在词表中的词对", got=f"{len(found)} 个")
    i, j, human = (np.array(col) for col in zip(*found))
    cosines = np.einsum("nd,nd->n", unit[i], unit[j])
    return spearman(cosines, human), len(found)
