"""word2vec 的一批更新：输出一侧的两种目标（负采样、层序 softmax），以及跳元模型与 CBOW 的一步梯度更新。

本模块是手写的（不由笔记本导出），供 ``word2vec_train.train_word2vec`` 与第 01 章「训练与评估」一节使用
（第 01 章「训练与评估」的式 (eq-w2v-scores)–(eq-w2v-cbow-grad)）。两种目标两条路都用；成批的更新只在给出
``batch_size`` 时用（默认逐个窗口地更新，在 ``word2vec_loops``），它也是编译的循环的参照：批量为一个窗口时两者相同。位置 i 的窗口给出矩阵 C（窗口内 2a_i 个词的
v_c^T，2a_i×d）与输出向量矩阵 Ũ（U 的若干行，与负采样一节的 Ũ 相同）：负采样时 Ũ = [u_{w_i}^T; u_{n_1}^T; …; u_{n_k}^T]
（(k+1)×d，负样本由 ``NoiseSampler`` 抽取，标签 y = (1, 0, …, 0)，见 ``_NegativeSamplingObjective``）；层序 softmax 时
Ũ 是 w_i 在 Huffman 树上的路径经过的内部节点的向量（标签是 1 − 编码位，向左为 1，见 ``_HierarchicalSoftmaxObjective``）。

- 跳元模型：窗口里每个词 w_j 作中心词 c、w_i 作上下文词 o，即 (c, o) = (w_j, w_i) 这 2a_i 个词对。
  这是把全部词对按**上下文词的位置**分组：位置对 (j, i) 与 (i, j) 都在语料的词对里，分组方式不改变词对的
  集合，word2vec.c 与 gensim 的循环也是这样分组的。得分矩阵 S = C Ũ^T（2a_i×(k+1)）。同一窗口的 2a_i 个词对
  **共用**这 k 个负样本（Ji et al. 2016, *Parallelizing Word2Vec in Shared and Distributed Memory*），
  word2vec.c 则给每个词对各抽 k 个：损失的期望相同，而要读写的 u 少了约 2a_i 倍，这是本实现在 CPU 上追上
  gensim 的关键。
- CBOW：v̄ = 窗口内 v 的平均，用 v̄ 预测中心词 w_i：x = Ũ v̄。v̄ 由 ``torch.nn.functional.embedding_bag`` 一步算出
  （按编号读出各行、乘以权重 1/窗口内的词数、相加），不必先把 C 存下来。与 word2vec.c 和 gensim（``cbow_mean=1``）一样，
  窗口内的每个 v 都加上整个 ∂J/∂v̄（准确的梯度是 ∂J/∂v̄ 除以窗口内的词数）。

损失都是 Σ −log σ(±s)（标签为 1 取 +，为 0 取 −），对得分的导数是 σ(s) − 标签；再由链式法则得到 C 与 Ũ 的
梯度（批量矩阵乘法 ``torch.bmm``），最后用 ``torch.Tensor.index_add_`` 把一批的梯度加回
``center_vectors`` 与 ``outside_vectors`` 的对应行（同一行出现多次时累加）。一批的全部运算都是 torch 的张量运算，
参数矩阵是与 numpy 数组共用内存的张量；各批的 |∂J/∂s| 先写进一块缓冲区，每组窗口算完后才一次求出损失。
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from wordvec_rnn.checks import fail
from wordvec_rnn.hierarchical_softmax import build_huffman_tree
from wordvec_rnn.inputs import NDArray, Real, accepts, returns
from wordvec_rnn.negative_sampling import NoiseSampler


class _NegativeSamplingObjective:
    """负采样（k 个负样本）：位置 i 的 Ũ = [u_{w_i}; u_{n_1}; …; u_{n_k}]，标签 y = (1, 0, …, 0)。

    两种目标（另一种是 ``_HierarchicalSoftmaxObjective``）的接口相同，训练循环不必区分它们：

    - ``outside``：输出向量矩阵 U（float32，初值 0），``outside_t`` 是与它共用内存的张量（就地更新）；
    - ``depth``：Ũ 至多几行；``tree``：Huffman 树（负采样时为 None）；
    - ``targets(words)``：一块语料里每个位置的目标（这里是 [w_i, n_1, …, n_k]，(n, k+1)）；
    - ``batches(targets, size)``：把一组窗口的目标按每批 ``size`` 个窗口切开，逐批给出
      ``(target, labels, target_mask)``：Ũ 各行的编号 (B, T)、标签 (1 或 B, T)、有效的列（None 表示全有效）；
    - ``window_targets(words)``：逐个窗口更新（``word2vec_loops``）用的 ``(targets, labels, lengths)``：位置 i 的
      Ũ 各行的编号 ``targets[i, :lengths[i]]`` 与它们的标签 ``labels[i, :lengths[i]]``。

    负样本由 ``NoiseSampler`` 抽取（用 ``rng`` 派生的一个独立的随机数生成器）。
    """

    tree = None

    def __init__(self, counts: np.ndarray, dim: int, negatives: int, rng: np.random.Generator):
        self.noise = _BucketedNoise(NoiseSampler(counts, rng=np.random.default_rng(rng.integers(2**63))))
        self.negatives, self.depth = negatives, negatives + 1
        self.outside = np.zeros((len(counts), dim), dtype=np.float32)   # u_w = 0
        self.outside_t = torch.from_numpy(self.outside)
        self.labels = torch.zeros(1, negatives + 1)
        self.labels[0, 0] = 1.0                             # 第 0 列是真实的词，其余 k 列是负样本

    def targets(self, words: np.ndarray) -> np.ndarray:
        negs = self.noise.sample((len(words), self.negatives))   # 每个窗口 k 个负样本
        return np.concatenate([words[:, None], negs], axis=1)

    def window_targets(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        targets = self.targets(words)
        labels = np.zeros(targets.shape, dtype=np.float32)
        labels[:, 0] = 1.0
        return targets, labels, np.full(len(words), self.depth)

    def batches(self, targets: np.ndarray, size: int):
        targets = torch.from_numpy(targets)
        for s in range(0, len(targets), size):
            yield targets[s:s + size], self.labels, None


class _HierarchicalSoftmaxObjective:
    """层序 softmax：位置 i 的 Ũ 是 w_i 在 Huffman 树（``hierarchical_softmax.build_huffman_tree``，按词频建）上的
    路径经过的内部节点的向量，标签是 1 − 编码位（向左为 1：P = σ(u·v)）。接口同 ``_NegativeSamplingObjective``。
    """

    def __init__(self, counts: np.ndarray, dim: int):
        self.tree = build_huffman_tree(counts)
        self.depth = self.tree.paths.shape[1]
        self.outside = np.zeros((self.tree.num_inner, dim), dtype=np.float32)   # 内部节点的向量，初值 0
        self.outside_t = torch.from_numpy(self.outside)
        self.labels = (1 - self.tree.codes).astype(np.float32)
        self.mask = self.tree.mask.astype(np.float32)

    def targets(self, words: np.ndarray) -> np.ndarray:
        return words                                        # 路径由中心词决定，按批查表

    def window_targets(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.tree.paths[words], self.labels[words], self.tree.lengths[words]

    def batches(self, centers: np.ndarray, size: int):
        for s in range(0, len(centers), size):
            center = centers[s:s + size]
            depth = int(self.tree.lengths[center].max())    # 补位只补到这一批最长的路径
            yield (torch.from_numpy(self.tree.paths[center, :depth]), torch.from_numpy(self.labels[center, :depth]),
                   torch.from_numpy(self.mask[center, :depth]))


# 只为速度而有（第 01 章「训练与评估」一节的笔记本限时 60 秒，并要与 gensim 的速度相当）：朴素的写法就是
# NoiseSampler.sample，这里逐位相同，只是少做二分查找；读者读 _NegativeSamplingObjective 即可，不必读这个类。
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


# 一批更新。全部用 torch 的张量运算（批量矩阵乘法 torch.bmm、index_select、embedding_bag、index_add_），每批只有十来次运算，
# 每次运算的固定开销（几微秒）摊到约 1024 个词对上。参数 V、U 是与 numpy 数组共用内存的张量，就地改写。
# context (B, 2a_i) 与 target (B, T) 是 int64 编号；mask (B, 2a_i, 1) 是 0/1；labels、target_mask 的形状是 (1 或 B, T)，
# target_mask 为 None 表示全是 1（负采样）。|∂J/∂x| 写进 abs_out 的开头，返回写了多少个数。
# 训练循环直接调用 _skipgram_step、_cbow_step，不检查输入；检查输入的版本是文件末尾的两个 *_batch_update。


def _skipgram_step(V, U, context, mask, target, labels, target_mask, eta, abs_out) -> int:
    """跳元模型的一批：每个窗口 2a_i 个词对，得分 S = C Ũ^T。"""
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
    V.index_add_(0, context.reshape(-1), torch.bmm(G, U_tilde).view(-1, d))           # −η G Ũ
    U.index_add_(0, target.reshape(-1), torch.bmm(G.transpose(1, 2), C).view(-1, d))  # −η G^T C
    return G.numel()


def _cbow_step(V, U, context, mask, weights, target, labels, target_mask, eta, abs_out) -> int:
    """CBOW 的一批：每个窗口一次预测，得分 x = Ũ v̄（``weights`` (B, 2a_i) 是 mask 除以窗口内的词数）。"""
    B, T, d = context.shape[0], target.shape[1], V.shape[1]
    v_bar = F.embedding_bag(context, V, mode="sum", per_sample_weights=weights).unsqueeze(1)  # (B, 1, d)：v̄ = 平均
    U_tilde = U.index_select(0, target.reshape(-1)).view(B, T, d)  # (B, T, d)
    g = torch.bmm(v_bar, U_tilde.transpose(1, 2))                   # (B, 1, T)：得分 x^T = v̄^T Ũ^T
    g.sigmoid_().sub_(labels.unsqueeze(1))                          # g = ∂J/∂x = σ(x) − 标签
    if target_mask is not None:
        g.mul_(target_mask.unsqueeze(1))
    torch.abs(g, out=abs_out[:g.numel()].view(g.shape))
    g.mul_(-eta)                                                    # −η g
    grad_v_bar = torch.bmm(g, U_tilde)                              # (B, 1, d)：−η ∂J/∂v̄ = −η Ũ^T g
    V.index_add_(0, context.reshape(-1), (mask * grad_v_bar).reshape(-1, d))     # 每个上下文词都加上整个 −η ∂J/∂v̄
    U.index_add_(0, target.reshape(-1), (g.transpose(1, 2) * v_bar).view(-1, d))  # −η ∂J/∂Ũ = −η g v̄^T（外积）
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


def _batch_update(skipgram, center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr):
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
        n = _skipgram_step(V, U, context, mask_t, target, labels, target_mask, lr, abs_out)
    else:
        n = _cbow_step(V, U, context, mask_t, mask_t[..., 0] / mask_t.sum(1), target, labels, target_mask, lr, abs_out)
    loss = _loss_from_abs_grads(abs_out[:n])
    return loss, int(np.asarray(mask).sum()) if skipgram else B


class ParameterTable(NDArray):
    """就地更新的参数矩阵：行连续存放的浮点 numpy 数组，dtype 与 ``center_vectors`` 相同。"""

    def check(self, value, name, dims):
        super().check(value, name, dims)
        first = dims.values.get("center_vectors", value)
        if not value.flags.c_contiguous or value.dtype != first.dtype:
            fail(name, f"行连续存放的 {first.dtype} 数组（与 center_vectors 相同，就地更新）", value)
        return value


class WindowMask(NDArray):
    """(B, 2a_i) 的布尔数组：窗口里哪些位置是上下文词，每个窗口至少一个。"""

    def check(self, value, name, dims):
        super().check(value, name, dims)
        if not value.any(axis=1).all():
            fail(name, "每个窗口至少一个 True", value)
        return value


class ZeroOne(NDArray):
    """元素都是 0 或 1 的浮点数组（标签 y、有效列的掩码）。"""

    def check(self, value, name, dims):
        super().check(value, name, dims)
        if not np.isin(value, (0.0, 1.0)).all():
            fail(name, "元素都是 0 或 1 的数组", got=f"取值 {np.unique(value)[:5].tolist()}")
        return value


class PerTarget(ZeroOne):
    """(B, T) 或 (1, T) 的 0/1 浮点数组：每个输出向量一列（1 行时各窗口共用）。"""

    def check(self, value, name, dims):
        super().check(value, name, dims)
        if value.shape[0] not in (1, dims["B"]):
            fail(name, f"形状 ({dims['B']} 或 1, {dims['T']})", value)
        return value


UPDATE = {"center_vectors": ParameterTable("V", "d"), "outside_vectors": ParameterTable("N", "d"),
          "context": NDArray("B", "A", dtype="int", below="V"), "mask": WindowMask("B", "A", dtype="bool"),
          "target": NDArray("B", "T", dtype="int", below="N"), "labels": PerTarget(None, "T"),
          "target_mask": PerTarget(None, "T"), "lr": Real(0.0)}


@accepts(**UPDATE)
@returns(Real(), Real())
def skipgram_batch_update(center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr):
    """跳元模型的一批更新（就地改写两个参数矩阵），返回 ``(这一批的损失之和, 词对数)``：实现式 (eq-w2v-window-loss)
    与 (eq-w2v-window-grad)。

    B 个窗口：第 r 个窗口中央的词作上下文词 o，窗口里 ``mask[r]`` 为真的（至多 2a_i 个）词 ``context[r]`` 各作一次
    中心词 c；``target[r]`` 是 T 个输出向量的编号（Ũ 的各行；负采样：[o, n_1, …, n_k]），``labels[r]`` 是它们的标签 y
    （1 或 0），``target_mask[r]`` 标出有效的列（层序 softmax 的路径长短不一）。损失是 Σ −log σ(±u·v_c)，更新是
    v ← v − lr ∂J/∂v、u ← u − lr ∂J/∂u，``lr`` 即学习率 η（梯度都由更新前的参数算出）。
    """
    return _batch_update(True, center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr)


@accepts(**UPDATE)
@returns(Real(), Real())
def cbow_batch_update(center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr):
    """CBOW 的一批更新（就地改写两个参数矩阵），返回 ``(这一批的损失之和, 窗口数)``：实现式 (eq-w2v-cbow-grad)。

    参数同 :func:`skipgram_batch_update`；v̄ = 窗口内（``mask`` 为真的）上下文词向量的平均，预测窗口中央的词：
    损失 Σ −log σ(±u·v̄)。与 word2vec.c、gensim 一样，窗口内每个上下文词向量都减去 lr·∂J/∂v̄（准确的梯度
    ∂J/∂v 还要除以窗口内的词数）。
    """
    return _batch_update(False, center_vectors, outside_vectors, context, mask, target, labels, target_mask, lr)
