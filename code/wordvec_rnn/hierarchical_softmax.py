# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save hierarchical_softmax` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/01_word2vec/04_hierarchical_softmax.ipynb

"""第 01 章「层序 softmax」（chapters/01_word2vec/04_hierarchical_softmax.ipynb）中推导并实现的代码：Huffman 树、
概率之和为 1、损失与梯度。
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from wordvec_rnn.inputs import Axes, Counts, Instance, Int, ListOf, NDArray, Optional, Real, Str, accepts, returns
from wordvec_rnn.negative_sampling import log_sigmoid, sigmoid


# 定义于 chapters/01_word2vec/04_hierarchical_softmax.ipynb 「层序 softmax」§「Huffman 树」
@dataclass(frozen=True, eq=False)
class HuffmanTree:
    """按词频建的 Huffman 树（(sec-hs-huffman)）：词表中的 |𝒱| 个词在叶子上，另有 |𝒱|-1 个内部节点。

    节点编号沿用 word2vec 的 C 代码：叶子 ``w`` 的编号是 ``w``；第 ``n`` 次合并产生的内部节点是
    ``n``（``0 <= n < |𝒱|-1``），它在全树中的编号是 ``|𝒱| + n``。根是最后一次合并，``n = |𝒱|-2``。

    - ``counts``：(|𝒱|,) 各词的出现次数；
    - ``children``：(|𝒱|-1, 2) 内部节点 ``n`` 的左、右孩子（全树编号）；
    - ``codes``：(|𝒱|, ℓ_max) 每个词从根出发的编码，0 向左、1 向右，不足 ℓ_max 位的补 0；
    - ``paths``：(|𝒱|, ℓ_max) 每个词从根出发经过的内部节点 ``n_1, ..., n_ℓ``，不足 ℓ_max 个的补 0；
    - ``lengths``：(|𝒱|,) 路径长度 ℓ(w)，也就是编码的位数；最大码长 ℓ_max 是最大的 ℓ(w)。
    """

    counts: np.ndarray
    children: np.ndarray
    codes: np.ndarray
    paths: np.ndarray
    lengths: np.ndarray

    @property
    def num_words(self) -> int:
        """叶子数 |𝒱|。"""
        return len(self.counts)

    @property
    def num_inner(self) -> int:
        """内部节点数 |𝒱|-1，也就是 ``node_vectors`` 的行数。"""
        return len(self.children)

    @property
    def mask(self) -> np.ndarray:
        """(|𝒱|, ℓ_max) 布尔数组：第 j 位是否在路径上（j < ℓ(w)）。"""
        return np.arange(self.paths.shape[1]) < self.lengths[:, None]

    @property
    def signs(self) -> np.ndarray:
        """(|𝒱|, ℓ_max) 方向 s_j（式 (eq-hs-prob)）：编码 0（向左）为 +1，编码 1（向右）为 -1，补位处为 0。"""
        return np.where(self.mask, 1.0 - 2.0 * self.codes, 0.0)

    @accepts(self=Instance(object, "HuffmanTree", sizes={"V": "num_words"}), w=Int(0, below="V"))
    @returns(Str())
    def code(self, w: int) -> str:
        """词 ``w`` 的编码，如 ``'0110'``。"""
        return "".join(map(str, self.codes[w, : self.lengths[w]]))


@accepts(counts=Counts(real=True, min_words=2))
def build_huffman_tree(counts) -> HuffmanTree:
    """由各词的出现次数 ``counts``（长度 |𝒱| ≥ 2，非负，整数或浮点数；只有一个词时不需要树）建 Huffman 树，实现 (sec-hs-huffman) 的贪心算法。

    每次从堆中取出次数最小的两个节点，先取出的做左孩子（编码 0），后取出的做右孩子（编码 1），合并成一个
    新的内部节点放回堆中。次数相同时按节点的全树编号先后取出（叶子 ``w`` 为 ``w``，内部节点为 |𝒱|+n），
    所以同样的 ``counts`` 总是建出同一棵树。
    """
    V = len(counts)
    heap = list(zip(counts.tolist(), range(V)))  # (次数, 全树编号)：次数相同按编号先后
    heapq.heapify(heap)
    children = []                  # 第 n 项：内部节点 n 的 (左孩子, 右孩子)
    parent = [0] * (2 * V - 1)     # 全树编号 → 父节点（内部节点号 n）
    bit = [0] * (2 * V - 1)        # 全树编号 → 它是左孩子 (0) 还是右孩子 (1)
    for n in range(V - 1):
        count_left, left = heapq.heappop(heap)
        count_right, right = heapq.heappop(heap)
        children.append((left, right))
        parent[left], parent[right] = n, n
        bit[right] = 1
        heapq.heappush(heap, (count_left + count_right, V + n))
    children, parent, bit = np.array(children, dtype=np.int64), np.array(parent), np.array(bit, dtype=np.int8)
    root = 2 * V - 2
    # 所有叶子同时向上走，一层一层记下经过的内部节点与编码位（从叶子到根的顺序）
    node = np.arange(V)
    up_nodes, up_bits = [], []
    while (active := node != root).any():
        up_nodes.append(np.where(active, parent[node], -1))
        up_bits.append(np.where(active, bit[node], 0))
        node = np.where(active, V + parent[node], root)
    up_nodes, up_bits = np.stack(up_nodes, axis=1), np.stack(up_bits, axis=1)  # (|𝒱|, ℓ_max)，叶子 → 根
    lengths = (up_nodes >= 0).sum(axis=1)
    # 翻转成从根出发：第 j 位取自向上的第 ℓ(w)-1-j 位；j ≥ ℓ(w) 的补位为 0
    j = np.arange(up_nodes.shape[1])
    mask = j < lengths[:, None]
    source = np.where(mask, lengths[:, None] - 1 - j, 0)
    paths = np.where(mask, np.take_along_axis(up_nodes, source, axis=1), 0).astype(np.int64)
    codes = np.where(mask, np.take_along_axis(up_bits, source, axis=1), 0).astype(np.int8)
    return HuffmanTree(counts=counts.copy(), children=children, codes=codes, paths=paths, lengths=lengths.astype(np.int64))


# 定义于 chapters/01_word2vec/04_hierarchical_softmax.ipynb 「层序 softmax」§「Huffman 树」
TREE = Instance(HuffmanTree, "HuffmanTree（由 build_huffman_tree 建出）", sizes={"V": "num_words", "N": "num_inner"})


@accepts(tree=TREE, words=ListOf(Str(), size="V"), ax=Optional(Axes()))
@returns(Axes())
def draw_huffman_tree(tree: HuffmanTree, words, ax=None):
    """画出 Huffman 树（(sec-hs-huffman)）：根在上；内部节点画成圆圈，里面是编号 n；叶子下面写词、次数与编码；边上标 0/1。

    ``words`` 是各叶子的名字（长度 |𝒱|）；``ax`` 为 None 时新建一张图。返回 ``ax``。
    """
    import matplotlib.pyplot as plt

    V = tree.num_words
    if ax is None:
        _, ax = plt.subplots(figsize=(max(4.0, 0.9 * V), 0.75 * (tree.lengths.max() + 2)))
    # 先序遍历：叶子按从左到右的顺序得到横坐标 0, 1, 2, ...；深度即纵坐标
    x, y = {}, {}
    stack, next_x = [(2 * V - 2, 0)], 0
    order = []
    while stack:
        node, depth = stack.pop()
        y[node] = -depth
        order.append(node)
        if node < V:
            x[node], next_x = next_x, next_x + 1
        else:
            left, right = tree.children[node - V]
            stack += [(right, depth + 1), (left, depth + 1)]  # 左孩子后入栈、先出栈
    for node in reversed(order):  # 孩子先于父亲：父亲在两个孩子的正中
        if node >= V:
            left, right = tree.children[node - V]
            x[node] = (x[left] + x[right]) / 2
    for n, (left, right) in enumerate(tree.children):
        for child, label in ((left, "0"), (right, "1")):
            ax.plot([x[V + n], x[child]], [y[V + n], y[child]], color="#888888", linewidth=1.2, zorder=1)
            xm, ym = (x[V + n] + x[child]) / 2, (y[V + n] + y[child]) / 2
            ax.text(xm, ym, label, ha="center", va="center", fontsize=9, color="#C44E52",
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
        ax.scatter([x[V + n]], [y[V + n]], s=380, color="#4C72B0", alpha=0.9, zorder=2)
        ax.text(x[V + n], y[V + n], str(n), ha="center", va="center", fontsize=9, color="white", zorder=3)
    for w in range(V):
        count = tree.counts[w]
        count_text = f"{count:g}" if isinstance(count, (float, np.floating)) else str(count)
        ax.scatter([x[w]], [y[w]], s=90, marker="s", color="#DD8452", zorder=2)
        ax.text(x[w], y[w] - 0.22, f"{words[w]}\n×{count_text}\n{tree.code(w)}", ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.6, V - 0.4)
    ax.set_ylim(-tree.lengths.max() - 1.1, 0.5)
    ax.axis("off")
    return ax


# 定义于 chapters/01_word2vec/04_hierarchical_softmax.ipynb 「层序 softmax」§「概率之和为 1」
@accepts(tree=TREE, node_vectors=NDArray("N", "d"), center_vec=NDArray("d"))
@returns(NDArray("V"))
def hs_probabilities(center_vec, tree, node_vectors):
    """给定中心词向量 v_c，词表中每个词的 P(w|c) = Π_j σ(s_j u_{n_j}^T v_c)，形状 (|𝒱|,)：实现式 (eq-hs-prob)。

    要算遍所有叶子，代价是 O(|𝒱|(d + ℓ_max))：只在检验（如概率之和为 1）时用，训练时用不到。
    """
    z = node_vectors @ center_vec                # (|𝒱|-1,)：每个内部节点的 u_n^T v_c 只算一次
    x = tree.signs * z[tree.paths]               # (|𝒱|, ℓ_max)：s_j u_{n_j}^T v_c，补位处为 0
    P = np.exp(np.where(tree.mask, log_sigmoid(x), 0.0).sum(axis=1))
    return P


# 定义于 chapters/01_word2vec/04_hierarchical_softmax.ipynb 「层序 softmax」§「损失与梯度」
PAIR = {"tree": TREE, "node_vectors": NDArray("N", "d", finite="used"), "center_vec": NDArray("d"), "outside_idx": Int(0, below="V")}


@accepts(**PAIR)
@returns(Real(), NDArray("d"), NDArray("L", dtype="int"), NDArray("L", "d"))
def hs_path_loss_and_gradient(center_vec, outside_idx, tree, node_vectors):
    """一对 (c, o) 的层序 softmax 损失及其梯度，只返回路径上的梯度：实现式 (eq-hs-loss) 与式 (eq-hs-grad-matrix)。

    J = -log P(o|c) = -Σ_j log σ(s_j u_{n_j}^T v_c)，j 取遍 o 的路径上的内部节点 n_1, ..., n_ℓ。

    - ``center_vec``：(d,) 中心词向量 v_c；``outside_idx``：上下文词 o 的编号；
    - ``node_vectors``：(|𝒱|-1, d)，第 n 行是内部节点 n 的向量 u_n。

    返回 ``(loss, grad_center_vec, path, grad_path)``：``path`` 是 o 的路径 (n_1, ..., n_ℓ)，
    ``grad_path`` 的第 j 行是 ∂J/∂u_{n_j}（ℓ, d）；其余内部节点的梯度为 0，所以不必算出来。
    """
    o = outside_idx
    length = tree.lengths[o]
    path = tree.paths[o, :length]                    # n_1, ..., n_ℓ
    s = 1.0 - 2.0 * tree.codes[o, :length]           # s_j = +1（向左，编码 0）或 -1（向右，编码 1）
    U_path = node_vectors[path]                      # U_o，(ℓ, d)：第 j 行是 u_{n_j}^T
    x = s * (U_path @ center_vec)                    # s_j u_{n_j}^T v_c
    loss = -log_sigmoid(x).sum()                    # J = -Σ_j log σ(s_j u_{n_j}^T v_c)
    g = (sigmoid(x) - 1.0) * s                      # ∂J/∂(u_{n_j}^T v_c) = (σ(s_j u_{n_j}^T v_c) - 1) s_j
    grad_center_vec = g @ U_path                     # U_o^T g = Σ_j (σ(·) - 1) s_j u_{n_j}
    grad_path = np.outer(g, center_vec)              # g v_c^T，第 j 行：(σ(·) - 1) s_j v_c^T
    return float(loss), grad_center_vec, path, grad_path


@accepts(**PAIR)
@returns(Real(), NDArray("d"), NDArray("N", "d"))
def hs_loss_and_gradient(center_vec, outside_idx, tree, node_vectors):
    """同 :func:`hs_path_loss_and_gradient`，但返回全部内部节点的梯度 (|𝒱|-1, d)（路径外的行为 0）：实现式 (eq-hs-grad)。

    返回 ``(loss, grad_center_vec, grad_node_vectors)``。
    """
    loss, grad_center_vec, path, grad_path = hs_path_loss_and_gradient(center_vec, outside_idx, tree, node_vectors)
    grad_node_vectors = np.zeros_like(node_vectors, dtype=np.result_type(node_vectors, center_vec))
    grad_node_vectors[path] = grad_path  # 一条路径上的内部节点互不相同
    return loss, grad_center_vec, grad_node_vectors


@accepts(tree=TREE, node_vectors=NDArray("N", "d", finite="used"), center_vecs=NDArray("B", "d"),
         outside_idx=NDArray("B", dtype="int", below="V"))
@returns(Real(), NDArray("B", "d"), NDArray("N", "d"))
def hs_batch_loss_and_gradient(center_vecs, outside_idx, tree, node_vectors):
    """一个批量的 B 对 (c_b, o_b)：平均损失 J = (1/B) Σ_b -log P(o_b|c_b) 及其梯度，实现式 (eq-hs-batch-loss)。

    向量化实现，不逐对循环。

    - ``center_vecs``：(B, d)，第 b 行是 v_{c_b}；``outside_idx``：(B,) 整数数组，o_b 的编号；
    - 路径补齐到最大码长 ℓ_max 位，补位处的方向 s 取 0，用掩码去掉。

    返回 ``(loss, grad_center_vecs, grad_node_vectors)``，形状 ()、(B, d)、(|𝒱|-1, d)，都是平均损失的梯度。
    """
    B = len(center_vecs)
    mask = tree.mask[outside_idx]                                 # (B, ℓ_max)
    paths = tree.paths[outside_idx]                               # (B, ℓ_max)：补位处为 0，被掩码去掉
    s = np.where(mask, 1.0 - 2.0 * tree.codes[outside_idx], 0.0)  # (B, ℓ_max)
    U_paths = node_vectors[paths]                                 # (B, ℓ_max, d)
    x = s * np.einsum("bld,bd->bl", U_paths, center_vecs)         # s_j u_{n_j}^T v_c，补位处为 0
    loss = -np.where(mask, log_sigmoid(x), 0.0).sum() / B
    g = np.where(mask, (sigmoid(x) - 1.0) * s, 0.0) / B          # (B, ℓ_max)，补位处为 0
    grad_center_vecs = np.einsum("bl,bld->bd", g, U_paths)
    grad_node_vectors = np.zeros_like(node_vectors, dtype=np.result_type(node_vectors, center_vecs))
    # 不同的对可能经过同一个内部节点（根就被所有的对经过）：用 np.add.at 累加，而不是赋值
    np.add.at(grad_node_vectors, paths[mask], (g[:, :, None] * center_vecs[:, None, :])[mask])
    return float(loss), grad_center_vecs, grad_node_vectors
