# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save negative_sampling` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/01_word2vec/03_negative_sampling.ipynb

"""第 01 章「负采样」（chapters/01_word2vec/03_negative_sampling.ipynb）中推导并实现的代码：梯度、一个批量、噪声分布、
高频词的二次采样。
"""

import numpy as np

from wordvec_rnn.inputs import Counts, Elementwise, Int, NDArray, Optional, Real, Rng, Shape, accepts, returns


# 定义于 chapters/01_word2vec/03_negative_sampling.ipynb 「负采样」§「梯度」
@accepts(x=Elementwise())
@returns(Elementwise())
def sigmoid(x):
    """σ(x) = 1 / (1 + e^{-x})，实现式 (eq-ns-sigmoid)，逐元素；写成 (1 + tanh(x/2)) / 2，|x| 很大时也不溢出。"""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


@accepts(x=Elementwise())
@returns(Elementwise())
def softplus(x):
    """softplus(x) = log(1 + e^x) = -log σ(-x)，实现式 (eq-ns-softplus)，逐元素，数值稳定。"""
    return np.logaddexp(0.0, x)


@accepts(x=Elementwise())
@returns(Elementwise())
def log_sigmoid(x):
    """log σ(x) = -softplus(-x)，由式 (eq-ns-softplus) 得出，逐元素；x 很负时也不会取 log 0。"""
    return -np.logaddexp(0.0, -x)


@accepts(outside_vectors=NDArray("V", "d", finite="used"), center_vec=NDArray("d"), outside_idx=Int(0, below="V"),
         negative_idx=NDArray("k", dtype="int", below="V"))
@returns(Real(), NDArray("d"), NDArray("V", "d"))
def neg_sampling_loss_and_gradient(center_vec, outside_idx, negative_idx, outside_vectors):
    """一个正样本 (c, o) 与 k 个负样本 w_1, …, w_k 的负采样损失及其梯度：实现式 (eq-ns-loss) 与 (eq-ns-grads)。

    - ``center_vec``：v_c，形状 (d,)；``outside_idx``：o 的编号（整数）；
    - ``negative_idx``：w_1, …, w_k 的编号，形状 (k,)，k ≥ 1，可以重复；
    - ``outside_vectors``：上下文词向量矩阵 U，形状 (V, d)，第 w 行是 u_wᵀ。

    返回 ``(loss, grad_center, grad_outside)``：
    J = -log σ(u_oᵀv_c) - Σ_i log σ(-u_{w_i}ᵀv_c)；∂J/∂v_c 形状 (d,)；
    ∂J/∂U 与 U 同形状 (V, d)，只有 o 与各 w_i 的行不为零，
    同一个词被抽到几次，它那一行就累加几次。
    """
    v_c, U, o, neg = center_vec, outside_vectors, outside_idx, negative_idx

    u_o, u_neg = U[o], U[neg]              # u_o：(d,)；u_{w_1..w_k}：(k, d)
    x_o, x_neg = u_o @ v_c, u_neg @ v_c    # u_oᵀv_c 与 u_{w_i}ᵀv_c
    # -log σ(x) = softplus(-x)，-log σ(-x) = softplus(x)
    loss = softplus(-x_o) + softplus(x_neg).sum()

    grad_center = (sigmoid(x_o) - 1.0) * u_o + sigmoid(x_neg) @ u_neg
    grad_outside = np.zeros_like(U)
    grad_outside[o] += (sigmoid(x_o) - 1.0) * v_c
    np.add.at(grad_outside, neg, sigmoid(x_neg)[:, None] * v_c)  # 重复的负样本逐次累加
    return float(loss), grad_center, grad_outside


# 定义于 chapters/01_word2vec/03_negative_sampling.ipynb 「负采样」§「一个批量」
@accepts(outside_vectors=NDArray("V", "d", finite="used"), center_vecs=NDArray("B", "d"),
         outside_idx=NDArray("B", dtype="int", below="V"), negative_idx=NDArray("B", "k", dtype="int", below="V"))
@returns(Real(), NDArray("B", "d"), NDArray("V", "d"))
def neg_sampling_batch_loss_and_gradient(center_vecs, outside_idx, negative_idx,
                                         outside_vectors):
    """B 个正样本 (c_b, o_b)、每个配 k 个负样本的平均损失及其梯度：实现式 (eq-ns-batch-loss)，每一行按
    式 (eq-ns-matrix) 计算；没有逐对的 Python 循环。

    - ``center_vecs``：v_{c_b} 按行堆叠，形状 (B, d)；``outside_idx``：o_b，形状 (B,)；
    - ``negative_idx``：第 b 行是 (c_b, o_b) 的 k 个负样本，形状 (B, k)；
    - ``outside_vectors``：矩阵 U，形状 (V, d)，第 w 行是 u_wᵀ。

    返回 ``(loss, grad_centers, grad_outside)``：loss 是 B 个单对损失的平均，两个梯度都是
    这个平均损失的梯度，形状分别为 (B, d)（第 b 行对应 v_{c_b}，同一个中心词出现几次由
    调用者累加）与 (V, d)。
    """
    C, U = center_vecs, outside_vectors
    B, d = C.shape

    # 第 b 行：[o_b, w_{b,1}, …, w_{b,k}]，标签 [1, 0, …, 0]：真实的上下文词为 1，噪声词为 0
    idx = np.column_stack([outside_idx, negative_idx])  # (B, k+1)
    labels = np.zeros(idx.shape)
    labels[:, 0] = 1.0
    U_used = U[idx]                              # (B, k+1, d)：第 b 个是这一对的 Ũ（各行 u_oᵀ, u_{w_i}ᵀ）
    x = np.einsum("bjd,bd->bj", U_used, C)       # (B, k+1)：x = Ũ v_c，即 u_oᵀv_c 与 u_{w_i}ᵀv_c
    # 标签为 1 的项是 -log σ(x) = softplus(-x)，标签为 0 的是 -log σ(-x) = softplus(x)
    loss = np.where(labels == 1.0, softplus(-x), softplus(x)).sum(axis=1).mean()

    g = (sigmoid(x) - labels) / B                # ∂(平均损失)/∂x：σ(x) - y，再除以 B
    grad_centers = np.einsum("bj,bjd->bd", g, U_used)  # 每一行 Ũᵀ(σ(x) - y) / B
    grad_outside = np.zeros_like(U)
    np.add.at(grad_outside, idx.ravel(), (g[:, :, None] * C[:, None, :]).reshape(-1, d))  # (σ(x) - y) v_cᵀ 的各行
    return float(loss), grad_centers, grad_outside


# 定义于 chapters/01_word2vec/03_negative_sampling.ipynb 「负采样」§「噪声分布」
@accepts(counts=Counts(), power=Real(0.0))
@returns(NDArray("V"))
def noise_distribution(counts, power=0.75):
    """噪声分布 P_n(w) ∝ count(w)^power：实现式 (eq-ns-noise)（默认 3/4 次方），float64，和为 1；0 次的词概率为 0。"""
    # 先除以最大次数，底数都不超过 1，power 再大也不会上溢成 inf/inf = NaN；
    # 0 次的词单独处理：否则 power = 0 时 0**0 = 1，它也会得到概率
    weights = np.where(counts > 0, (counts / counts.max()) ** power, 0.0)
    probs = weights / weights.sum()
    return probs


class NoiseSampler:
    """从 P_n（式 (eq-ns-noise)）独立抽取负样本：实现式 (eq-ns-inverse-cdf)，在累积分布上二分查找（逆变换采样），一次抽一整个数组。"""

    @accepts(counts=Counts(), power=Real(0.0), rng=Optional(Rng()))
    def __init__(self, counts, power=0.75, rng=None):
        self.probs = noise_distribution(counts, power)
        cdf = np.cumsum(self.probs)
        self.cdf = cdf / cdf[-1]  # 消去累加的舍入误差，最后一项恰好是 1
        self.rng = np.random.default_rng(0) if rng is None else rng

    def __len__(self):
        return len(self.probs)

    @accepts(shape=Shape())
    @returns(NDArray(dtype="int"))
    def sample(self, shape):
        """形状为 ``shape`` 的 int64 编号数组，每个元素独立地服从 P_n。"""
        u = self.rng.random(shape)  # [0, 1) 上的均匀分布
        # 第一个满足 cdf[w] > u 的 w：u 落在 [cdf[w-1], cdf[w]) 的概率正是 P_n(w)；
        # P_n(w) = 0 的词区间为空，永远不会被抽中
        draws = np.searchsorted(self.cdf, u, side="right").astype(np.int64)
        return draws


# 定义于 chapters/01_word2vec/03_negative_sampling.ipynb 「负采样」§「高频词的二次采样」
@accepts(counts=Counts(), threshold=Real(0.0, 1.0, positive=True))
@returns(NDArray("V"))
def keep_probability(counts, threshold=1e-5):
    """高频词二次采样：实现式 (eq-ns-keep)，词 w 的每次出现以概率 min(1, sqrt(threshold / f(w))) 保留。

    f(w) = counts[w] / counts.sum()；出现 0 次的词得到 1.0（它不出现，取 1 不会误删什么）。
    """
    freq = counts / counts.sum()
    with np.errstate(divide="ignore"):
        keep = np.sqrt(threshold / freq)  # f = 0 时为 inf，下面的 min 取 1
    return np.minimum(1.0, keep)
