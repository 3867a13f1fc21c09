"""作业 3 的测试：层序 softmax 的 Huffman 树、路径概率、损失与梯度。

带 ``public=True`` 的测试原样放进学生版作为自测，输入是写死的；其余只在评分包里，输入取自
``hidden_rng(k)``（由教师生成作业时选的秘密种子决定，公开仓库里没有），期望值在测试里按公式或用本书的
参考实现现算。每个测试自己取随机数，先后顺序不影响数字。第 3.2–3.4 题的自测直接写出一棵小树（HuffmanTree），
不依赖第 3.1 题的实现。
"""

import heapq

import numpy as np
from wordvec_classroom import Assignment, Question, check, hidden_rng
from wordvec_rnn.gradcheck import numerical_gradient, relative_error
from wordvec_rnn.hierarchical_softmax import HuffmanTree

ASSIGNMENT = Assignment(
    number=3,
    title="层序 softmax：Huffman 树与路径概率",
    chapters=("chapters/01_word2vec/04_hierarchical_softmax.ipynb",),
    intro=(
        "本作业对应第 01 章第 4 节「层序 softmax」。词表中的 $|\\mathcal{V}|$ 个词放在一棵 Huffman 树的叶子上，"
        "$|\\mathcal{V}|-1$ 个内部节点各有一个向量 $u_n$（代码中 `node_vectors` 的第 $n$ 行）。从根出发走到词 $w$ 的路径"
        "依次经过内部节点 $n_1,\\dots,n_{\\ell(w)}$（$n_1$ 是根），编码位 0 表示向左、1 表示向右，方向 $s_j=+1$（左）或 "
        "$-1$（右）。给定中心词向量 $v_c$，\n\n"
        "$$P(w\\mid c)=\\prod_{j=1}^{\\ell(w)}\\sigma(s_j\\,u_{n_j}^\\top v_c),\\qquad "
        "J=-\\log P(o\\mid c)=-\\sum_{j=1}^{\\ell(o)}\\log\\sigma(s_j\\,u_{n_j}^\\top v_c).$$\n\n"
        "你要实现：按词频建 Huffman 树（`HuffmanTree` 的约定见它的文档字符串：节点编号、`children`、`codes`、`paths`、"
        "`lengths`），词表上每个词的概率 $P(w\\mid c)$，一对 $(c,o)$ 的损失及其对 $v_c$ 和路径上各 $u_{n_j}$ 的梯度，"
        "以及同一件事的批量（向量化）形式。`tree.mask`、`tree.signs` 与 `_log_sigmoid`、`_sigmoid` 已经给出，可以直接用。"
    ),
    questions=(
        Question("3.1", "按词频建 Huffman 树", ("build_huffman_tree",),
                 "每次从最小堆中取出**次数最小**的两个节点，先取出的做左孩子（编码 0），后取出的做右孩子（编码 1），"
                 "合并成内部节点 $n$（第 $n$ 次合并，全树编号 $|\\mathcal{V}|+n$），放回堆中；次数相同时按全树编号先后取出。"
                 "合并 $|\\mathcal{V}|-1$ 次后，求出每个词**从根出发**的路径 `paths`、编码 `codes`（都补 0 到最大码长 $\\ell_{\\max}$ 位）"
                 "与长度 `lengths`。最后的 `return` 已经写好：你要算出 NumPy 数组 `children`、`codes`、`paths` 与 `lengths`。"
                 "得到的树让平均码长 $\\sum_w p(w)\\,\\ell(w)$ 最小：常见词的编码短。"),
        Question("3.2", "词表上每个词的概率", ("hs_probabilities",),
                 "返回形状 $(|\\mathcal{V}|,)$ 的 $P(w\\mid c)=\\prod_{j}\\sigma(s_j\\,u_{n_j}^\\top v_c)$。"
                 "向左走的概率是 $\\sigma(x)$，向右走的是 $\\sigma(-x)=1-\\sigma(x)$，所以不论向量取什么值，"
                 "$\\sum_w P(w\\mid c)=1$：这是最好的自我检验。补位处（$j\\ge\\ell(w)$）不能算进乘积。"),
        Question("3.3", "一对 (c, o) 的损失与梯度", ("hs_path_loss_and_gradient", "hs_loss_and_gradient"),
                 "`hs_path_loss_and_gradient` 返回 $J$、$\\partial J/\\partial v_c=\\sum_j(\\sigma(s_jx_j)-1)s_j\\,u_{n_j}$、"
                 "路径 $(n_1,\\dots,n_\\ell)$ 与 $\\partial J/\\partial u_{n_j}=(\\sigma(s_jx_j)-1)s_j\\,v_c$（第 $j$ 行），"
                 "其中 $x_j=u_{n_j}^\\top v_c$。`hs_loss_and_gradient` 把路径上的梯度放回 $(|\\mathcal{V}|-1,d)$ 的数组，"
                 "不在路径上的行为 0。"),
        Question("3.4", "批量形式", ("hs_batch_loss_and_gradient",),
                 "$B$ 对 $(c_b,o_b)$ 的平均损失与梯度，不逐对循环：路径补齐到最大码长 $\\ell_{\\max}$ 位，用掩码去掉补位。"
                 "不同的对会经过同一个内部节点（根在每条路径上），它的梯度要把所有贡献加起来。"),
    ),
)


# ---------- 隐藏测试用的辅助函数（与学生的实现无关） ----------

def _tree(counts):
    """参考实现建出的 Huffman 树（用来检验第 3.2–3.4 题，与学生的第 3.1 题无关）。"""
    from wordvec_rnn.hierarchical_softmax import build_huffman_tree as reference_build

    return reference_build(np.asarray(counts))


def _huffman_cost(counts):
    """最优的 Σ_w counts[w] ℓ(w)：Huffman 算法中每次合并的权重之和（与相同次数的先后无关）。"""
    heap = [float(c) for c in counts]
    heapq.heapify(heap)
    cost = 0.0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    return cost


def _log_sig(x):
    return -np.logaddexp(0.0, -x)


def _path(tree, o):
    length = tree.lengths[o]
    return tree.paths[o, :length], 1.0 - 2.0 * tree.codes[o, :length]


def _pair_reference(center_vec, o, tree, node_vectors):
    """照公式逐项写出的损失、对 v_c 的梯度、路径与路径上的梯度。"""
    path, s = _path(tree, o)
    x = s * (node_vectors[path] @ center_vec)
    g = (np.exp(_log_sig(x)) - 1.0) * s
    return -_log_sig(x).sum(), g @ node_vectors[path], path, np.outer(g, center_vec)


def _random_case(rng, vocab=None, d=4):
    """隐藏测试的一棵随机的树（参考实现建出）与随机的 node_vectors、center_vec，全部取自生成器 ``rng``。"""
    vocab = int(rng.integers(6, 25)) if vocab is None else vocab
    tree = _tree(rng.integers(1, 200, size=vocab))
    return tree, rng.normal(size=(vocab - 1, d)), rng.normal(size=d)


def _show(tree):
    """一棵树的 children 与各词的编码，用在评语里。"""
    return f"children {np.asarray(tree.children).tolist()}，编码 {[tree.code(w) for w in range(tree.num_words)]}"


# ---------- 3.1 ----------

@check("3.1", 2, public=True)
def test_huffman_small_tree(build_huffman_tree):
    tree = build_huffman_tree(np.array([8, 1, 4, 2, 5]))
    assert tree.num_inner == 4 and np.shape(tree.children) == (4, 2), (
        f"5 个词的树应有 |V|-1 = 4 个内部节点，children 的形状应是 (4, 2)，得到 {np.shape(tree.children)}"
    )
    assert np.array_equal(tree.lengths, [1, 4, 3, 4, 2]), (
        f"码长 lengths 应是 [1, 4, 3, 4, 2]（次数 8 的词最短、次数 1 和 2 的最长），得到 {np.asarray(tree.lengths).tolist()}"
    )
    assert np.shape(tree.codes) == (5, 4) and np.shape(tree.paths) == (5, 4), (
        f"codes 与 paths 的形状应是 (|V|, ℓ_max) = (5, 4)，ℓ_max 是最大码长，得到 {np.shape(tree.codes)} 与 {np.shape(tree.paths)}"
    )
    assert np.array_equal(tree.children, [[1, 3], [5, 2], [4, 6], [0, 7]]), (
        f"children 应是 [[1, 3], [5, 2], [4, 6], [0, 7]]（第 n 次合并的左、右孩子，全树编号），"
        f"得到 {np.asarray(tree.children).tolist()}"
    )
    assert [tree.code(w) for w in range(5)] == ["0", "1100", "111", "1101", "10"], (
        f"编码应是 ['0', '1100', '111', '1101', '10']（从根出发，0 向左、1 向右），得到 {[tree.code(w) for w in range(5)]}"
    )
    assert np.array_equal(tree.paths, [[3, 0, 0, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 0, 0]]), (
        f"paths 应从根 3 出发、不足 ℓ_max 位的补 0，得到 {np.asarray(tree.paths).tolist()}"
    )


@check("3.1", 1, public=True)
def test_huffman_structure(build_huffman_tree):
    rng = np.random.default_rng(0)
    counts = rng.integers(1, 100, size=12)
    tree = build_huffman_tree(counts)
    V = 12
    assert np.shape(tree.children) == (V - 1, 2), f"应有 |V|-1 = {V - 1} 个内部节点，children 的形状是 {np.shape(tree.children)}"
    assert sorted(np.ravel(tree.children).tolist()) == list(range(2 * V - 2)), (
        "除根以外，每个节点（叶子 0..|V|-1、内部节点 |V|..2|V|-3）应恰好是某个内部节点的孩子一次"
    )
    assert np.all(np.asarray(tree.paths)[:, 0] == V - 2), (
        f"每条路径都应从根（最后一次合并，n = |V|-2 = {V - 2}）出发，paths[:, 0] 却是 {np.asarray(tree.paths)[:, 0].tolist()}："
        "是不是忘了把从叶子往上走得到的顺序翻转过来？"
    )
    for w in range(V):
        node = 2 * V - 2
        for j in range(tree.lengths[w]):
            assert tree.paths[w, j] == node - V, (
                f"词 {w} 的路径第 {j} 位应是内部节点 {node - V}，得到 {tree.paths[w, j]}：paths 与 codes 对不上"
            )
            node = tree.children[node - V][tree.codes[w, j]]
        assert node == w, f"从根按词 {w} 的编码 {tree.code(w)} 往下走，到达的是节点 {node} 而不是叶子 {w}（码长或编码不对）"
    codes = [tree.code(w) for w in range(V)]
    assert not any(a != b and b.startswith(a) for a in codes for b in codes), "编码应是前缀码：没有哪个编码是另一个的开头"
    assert int((counts * tree.lengths).sum()) == 1690, (
        f"Σ_w counts[w] ℓ(w) 应是最优值 1690，得到 {int((counts * tree.lengths).sum())}：每次要合并次数最小的两个节点"
    )


@check("3.1", 2)
def test_huffman_optimal_lengths(build_huffman_tree):
    rng = hidden_rng(301)
    for _ in range(4):
        counts = rng.integers(1, 1000, size=int(rng.integers(5, 40)))
        tree = build_huffman_tree(counts)
        lengths = np.asarray(tree.lengths)
        more, fewer = np.nonzero(counts[:, None] > counts[None, :])
        assert np.all(lengths[more] <= lengths[fewer]), (
            "常见的词编码反而更长：次数越多的词，码长应越短（或相等）。每次应合并次数**最小**的两个节点，不是最大的"
        )
        optimum = _huffman_cost(counts)
        assert np.isclose((counts * lengths).sum(), optimum), (
            f"平均码长不是最优的：Σ_w counts[w] ℓ(w) = {(counts * lengths).sum()}，Huffman 树的最优值是 {optimum:g}。"
            "每次应从堆中取出次数最小的两个节点合并"
        )
        assert np.isclose((2.0 ** -lengths).sum(), 1.0), "码长应满足 Kraft 等式 Σ_w 2^{-ℓ(w)} = 1（满二叉树）"


@check("3.1", 1)
def test_huffman_left_right_and_ties(build_huffman_tree):
    rng = hidden_rng(302)
    counts = rng.choice(np.arange(1, 60), size=int(rng.integers(4, 7)), replace=False)  # 次数互不相同
    tree, expected = build_huffman_tree(counts), _tree(counts)
    assert np.array_equal(tree.lengths, expected.lengths), (
        f"{counts.tolist()} 的码长应是 {expected.lengths.tolist()}，得到 {np.asarray(tree.lengths).tolist()}："
        "每次合并次数最小的两个节点"
    )
    root = len(counts) - 2
    assert np.all(np.asarray(tree.paths)[:, 0] == root), (
        f"每条路径都应从根出发（paths[:, 0] 是最后合并的节点 |V|-2 = {root}）"
    )
    assert np.array_equal(tree.children, expected.children), (
        f"{counts.tolist()} 的 children 应是 {expected.children.tolist()}，得到 {np.asarray(tree.children).tolist()}："
        "先取出的（次数较小的）做左孩子（编码 0），后取出的做右孩子（编码 1）"
    )
    counts = rng.integers(1, 6, size=8)  # 8 个词的次数只有 5 种：一定有相同的次数
    tree, expected = build_huffman_tree(counts), _tree(counts)
    codes, expected_codes = [tree.code(w) for w in range(8)], [expected.code(w) for w in range(8)]
    assert codes == expected_codes, (
        f"次数相同时的顺序不对：{counts.tolist()} 的编码应是 {expected_codes}，得到 {codes}。"
        "次数相同时按全树编号先后取出（叶子 w 为 w，内部节点为 |V|+n），例如堆里放 (次数, 编号)"
    )


@check("3.1", 1)
def test_huffman_two_words_and_float_counts(build_huffman_tree):
    rng = hidden_rng(303)
    counts = rng.choice(np.arange(1, 100), size=2, replace=False)
    tree = build_huffman_tree(counts)
    expected = ["0", "1"] if counts[0] < counts[1] else ["1", "0"]  # 次数较小的先取出，做左孩子
    assert np.array_equal(tree.lengths, [1, 1]) and [tree.code(0), tree.code(1)] == expected, (
        f"两个词的树只有一个内部节点（根 0）：{counts.tolist()} 的编码应是 {expected}，码长都是 1；"
        f"得到 {[tree.code(0), tree.code(1)]}，码长 {np.asarray(tree.lengths).tolist()}"
    )
    assert np.array_equal(tree.paths, [[0], [0]]), f"两个词时 paths 应是 [[0], [0]]，得到 {np.asarray(tree.paths).tolist()}"
    counts = rng.random(int(rng.integers(4, 9))) + 0.01  # 频率：都小于 1.01，取整就全成了 0 或 1
    tree, expected = build_huffman_tree(counts), _tree(counts)
    assert np.array_equal(tree.lengths, expected.lengths), (
        f"counts 也可以是频率（浮点数）：{np.round(counts, 4).tolist()} 的码长应是 {expected.lengths.tolist()}，"
        f"得到 {np.asarray(tree.lengths).tolist()}（是不是把次数取整了？）"
    )
    assert np.array_equal(tree.codes, expected.codes), (
        f"{np.round(counts, 4).tolist()} 的树应是 {_show(expected)}，得到 {_show(tree)}"
        "（补位处的编码应是 0）"
    )


# ---------- 3.2 ----------

@check("3.2", 2, public=True)
def test_hs_probabilities_small_tree(hs_probabilities):
    # build_huffman_tree([8, 1, 4, 2, 5]) 建出的树，直接写出来：不依赖第 3.1 题
    tree = HuffmanTree(
        counts=np.array([8, 1, 4, 2, 5]),
        children=np.array([[1, 3], [5, 2], [4, 6], [0, 7]]),
        codes=np.array([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 0, 0]], dtype=np.int8),
        paths=np.array([[3, 0, 0, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 0, 0]]),
        lengths=np.array([1, 4, 3, 4, 2]),
    )
    rng = np.random.default_rng(0)
    node_vectors, center_vec = rng.normal(size=(4, 3)), rng.normal(size=3)
    P = hs_probabilities(center_vec, tree, node_vectors)
    assert np.shape(P) == (5,), f"P 的形状应是 (|V|,) = (5,)，得到 {np.shape(P)}"
    assert abs(np.sum(P) - 1) < 1e-12, (
        f"概率之和应为 1，得到 {float(np.sum(P))!r}：向左走的概率是 σ(x)，向右走的是 σ(-x)；补位处不算"
    )
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    by_hand = sigmoid(-node_vectors[3] @ center_vec) * sigmoid(node_vectors[2] @ center_vec)  # 词 4：编码 10
    assert np.isclose(P[4], by_hand, rtol=1e-12), f"P(4|c) 应是 σ(-u_3ᵀv_c) σ(u_2ᵀv_c) = {by_hand:.10f}，得到 {P[4]}"
    assert np.isclose(P[1], 0.0039043102, atol=1e-9), f"P(1|c) 应是 0.0039043102，得到 {P[1]}"


@check("3.2", 1)
def test_hs_probabilities_sum_to_one(hs_probabilities):
    rng = hidden_rng(304)
    for _ in range(5):
        tree, node_vectors, center_vec = _random_case(rng)
        for scale in (0.3, 3.0):
            P = np.asarray(hs_probabilities(scale * center_vec, tree, node_vectors))
            if abs(np.sum(P) - 1) < 1e-10:
                continue
            x = (node_vectors @ (scale * center_vec))[tree.paths]
            same_sign = np.exp(np.where(tree.mask, _log_sig(x), 0.0).sum(axis=1))
            unmasked = np.exp(_log_sig(tree.signs * x).sum(axis=1))
            assert not np.allclose(P, same_sign), (
                f"概率之和应为 1，得到 {np.sum(P):.6f}：向左、向右都用了 σ(x)。在每个内部节点上，向左是 σ(x)、"
                "向右是 σ(-x) = 1 - σ(x)；两边都用 σ(x) 的话（忘了方向 s_j），和就不是 1"
            )
            assert not np.allclose(P, unmasked), (
                f"概率之和应为 1，得到 {np.sum(P):.6f}：补位处（j ≥ ℓ(w)）也乘进去了，每个补位多乘了 σ(0) = 1/2。用 tree.mask 去掉补位"
            )
            raise AssertionError(
                f"概率之和应为 1，得到 {np.sum(P):.6f}：P(w|c) 是 w 的路径上 σ(s_j u_{{n_j}}ᵀv_c) 的乘积，"
                "向左 s_j = +1、向右 s_j = -1，补位处不算"
            )


@check("3.2", 1)
def test_hs_probabilities_ignore_padding(hs_probabilities):
    tree, node_vectors, center_vec = _random_case(hidden_rng(305), vocab=20)  # 20 个词：码长不会都相同
    P = np.asarray(hs_probabilities(center_vec, tree, node_vectors))
    expected = np.array([np.exp(_log_sig(s * (node_vectors[p] @ center_vec)).sum())
                         for p, s in (_path(tree, w) for w in range(tree.num_words))])
    longest = tree.lengths == tree.lengths.max()
    if np.allclose(P[longest], expected[longest], rtol=1e-10) and not np.allclose(P, expected, rtol=1e-10):
        raise AssertionError(
            "最长的路径上的概率对了，较短的却不对：补位处（j ≥ ℓ(w)）也乘进去了。用 tree.mask 去掉补位，"
            "补位处的 s_j = 0 时 σ(0) = 1/2，不是 1"
        )
    assert np.allclose(P, expected, rtol=1e-10), (
        f"P(w|c) 应是 w 的路径上 σ(s_j u_{{n_j}}ᵀv_c) 的乘积 {np.round(expected, 6).tolist()}，得到 {np.round(P, 6).tolist()}"
    )


# ---------- 3.3 ----------

@check("3.3", 2, public=True)
def test_hs_loss_value_and_gradcheck(hs_path_loss_and_gradient, hs_loss_and_gradient):
    tree = HuffmanTree(  # build_huffman_tree([8, 1, 4, 2, 5])
        counts=np.array([8, 1, 4, 2, 5]),
        children=np.array([[1, 3], [5, 2], [4, 6], [0, 7]]),
        codes=np.array([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 0, 0]], dtype=np.int8),
        paths=np.array([[3, 0, 0, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 0, 0]]),
        lengths=np.array([1, 4, 3, 4, 2]),
    )
    rng = np.random.default_rng(1)
    node_vectors, center_vec = rng.normal(size=(4, 3)), rng.normal(size=3)
    loss, grad_center_vec, path, grad_path = hs_path_loss_and_gradient(center_vec, 1, tree, node_vectors)
    assert list(np.asarray(path)) == [3, 2, 1, 0], f"词 1 的路径应是 [3, 2, 1, 0]（从根出发，共 ℓ = 4 个节点），得到 {np.asarray(path).tolist()}"
    assert np.shape(grad_center_vec) == (3,) and np.shape(grad_path) == (4, 3), (
        f"梯度的形状应是 (d,) = (3,) 与 (ℓ, d) = (4, 3)，得到 {np.shape(grad_center_vec)} 与 {np.shape(grad_path)}"
    )
    assert np.isclose(loss, 2.6799930671, atol=1e-8), f"损失 J = -log P(1|c) 应是 2.6799930671，得到 {loss}"
    for o, expected_loss in ((1, 2.6799930671), (2, 2.2729977373), (4, 1.1124299023)):
        loss, grad_center_vec, grad_node_vectors = hs_loss_and_gradient(center_vec, o, tree, node_vectors)
        assert np.isclose(loss, expected_loss, atol=1e-8), (
            f"o = {o}：hs_loss_and_gradient 的损失应是 -log P(o|c) = {expected_loss}，得到 {loss}"
        )
        def f(o=o):
            return hs_loss_and_gradient(center_vec, o, tree, node_vectors)[0]

        numeric_center, numeric_nodes = numerical_gradient(f, center_vec), numerical_gradient(f, node_vectors)
        error_center = relative_error(grad_center_vec, numeric_center)
        error_nodes = relative_error(grad_node_vectors, numeric_nodes)
        assert error_center < 1e-6, (
            f"o = {o}：grad_center_vec 与有限差分不符（相对误差 {error_center:.2g}）：应是 Σ_j (σ(s_j x_j) - 1) s_j u_{{n_j}}"
        )
        assert error_nodes < 1e-6, (
            f"o = {o}：grad_node_vectors 与有限差分不符（相对误差 {error_nodes:.2g}）：第 n_j 行应是 (σ(s_j x_j) - 1) s_j v_c，其余行为 0"
        )


@check("3.3", 1)
def test_hs_path_is_complete(hs_path_loss_and_gradient):
    tree, node_vectors, center_vec = _random_case(hidden_rng(306), vocab=15)
    for o in range(tree.num_words):
        _, _, path, grad_path = hs_path_loss_and_gradient(center_vec, o, tree, node_vectors)
        expected, _ = _path(tree, o)
        path = np.asarray(path)
        assert len(path) == len(expected), (
            f"o = {o}：path 应有 ℓ(o) = {len(expected)} 个内部节点，得到 {len(path)} 个（差一？）："
            f"{'漏掉了根 n_1（paths[o, 0]）' if len(path) == len(expected) - 1 and list(path) == list(expected[1:]) else ''}"
            f"{'漏掉了最后一个节点 n_ℓ' if len(path) == len(expected) - 1 and list(path) == list(expected[:-1]) else ''}"
            "，应取 tree.paths[o, :ℓ(o)]"
        )
        assert np.array_equal(path, expected), f"o = {o}：path 应是 {expected.tolist()}（从根出发），得到 {path.tolist()}"
        assert np.shape(grad_path) == (len(expected), len(center_vec)), f"grad_path 的形状应是 (ℓ, d)，得到 {np.shape(grad_path)}"


@check("3.3", 1)
def test_hs_loss_is_minus_log_probability(hs_path_loss_and_gradient):
    rng = hidden_rng(307)
    for _ in range(3):
        tree, node_vectors, center_vec = _random_case(rng)
        for o in range(tree.num_words):
            loss = hs_path_loss_and_gradient(center_vec, o, tree, node_vectors)[0]
            path, s = _path(tree, o)
            terms = -_log_sig(s * (node_vectors[path] @ center_vec))
            if np.isclose(loss, terms.sum(), rtol=1e-10):
                continue
            if len(terms) > 1 and (np.isclose(loss, terms[1:].sum()) or np.isclose(loss, terms[:-1].sum())):
                raise AssertionError(
                    f"o = {o}：损失只对 ℓ(o)-1 个节点求和，少了{'根 n_1 ' if np.isclose(loss, terms[1:].sum()) else '最后一个节点 n_ℓ '}"
                    f"那一项：J = -Σ_{{j=1}}^{{ℓ}} log σ(s_j u_{{n_j}}ᵀv_c) = {terms.sum():.8f}，得到 {loss}"
                )
            raise AssertionError(f"o = {o}：损失应是 -log P(o|c) = {terms.sum():.8f}，得到 {loss}")


@check("3.3", 1)
def test_hs_gradient_direction_signs(hs_path_loss_and_gradient):
    tree, node_vectors, center_vec = _random_case(hidden_rng(308), vocab=12)
    for o in range(tree.num_words):
        _, _, _, grad_path = hs_path_loss_and_gradient(center_vec, o, tree, node_vectors)
        _, _, _, expected = _pair_reference(center_vec, o, tree, node_vectors)
        _, s = _path(tree, o)
        assert np.shape(grad_path) == expected.shape, (
            f"o = {o}：grad_path 的形状应是 (ℓ(o), d) = {expected.shape}，得到 {np.shape(grad_path)}：路径上每个节点一行"
        )
        if np.allclose(grad_path, expected, rtol=1e-10):
            continue
        right = s < 0
        if right.any() and np.allclose(np.asarray(grad_path)[right], -expected[right]):
            raise AssertionError(
                f"o = {o}：向右走（编码 1，s_j = -1）的节点上梯度的符号反了：∂J/∂x_j = (σ(s_j x_j) - 1) s_j，"
                "链式法则里别漏了 s_j 这个因子"
            )
        raise AssertionError(
            f"o = {o}：grad_path 的第 j 行应是 (σ(s_j x_j) - 1) s_j v_c，即 {np.round(expected, 6).tolist()}，"
            f"得到 {np.round(np.asarray(grad_path), 6).tolist()}"
        )


@check("3.3", 1)
def test_hs_center_gradient_sums_over_path(hs_path_loss_and_gradient):
    tree, node_vectors, center_vec = _random_case(hidden_rng(309), vocab=12)
    for o in range(tree.num_words):
        _, grad_center_vec, _, _ = hs_path_loss_and_gradient(center_vec, o, tree, node_vectors)
        _, expected, path, _ = _pair_reference(center_vec, o, tree, node_vectors)
        if np.allclose(grad_center_vec, expected, rtol=1e-10):
            continue
        _, s = _path(tree, o)
        g = (np.exp(_log_sig(s * (node_vectors[path] @ center_vec))) - 1.0) * s
        single = [g[j] * node_vectors[path[j]] for j in range(len(path))]
        if len(path) > 1 and any(np.allclose(grad_center_vec, term) for term in single):
            raise AssertionError(
                f"o = {o}：grad_center_vec 只含路径上一个节点的贡献：v_c 出现在路径上每一个 x_j = u_{{n_j}}ᵀv_c 里，"
                "要对全部 ℓ(o) 个节点求和 Σ_j (σ(s_j x_j) - 1) s_j u_{n_j}（循环里用 +=，不是 =）"
            )
        raise AssertionError(
            f"o = {o}：grad_center_vec 应是 Σ_j (σ(s_j x_j) - 1) s_j u_{{n_j}} = {np.round(expected, 6).tolist()}，"
            f"得到 {np.round(np.asarray(grad_center_vec), 6).tolist()}"
        )


@check("3.3", 1)
def test_hs_full_gradient_rows(hs_loss_and_gradient):
    tree, node_vectors, center_vec = _random_case(hidden_rng(310), vocab=14)
    for o in range(tree.num_words):
        _, _, grad_node_vectors = hs_loss_and_gradient(center_vec, o, tree, node_vectors)
        _, _, path, grad_path = _pair_reference(center_vec, o, tree, node_vectors)
        assert np.shape(grad_node_vectors) == np.shape(node_vectors), (
            f"grad_node_vectors 的形状应与 node_vectors 相同 (|V|-1, d)，得到 {np.shape(grad_node_vectors)}"
        )
        off_path = np.setdiff1d(np.arange(tree.num_inner), path)
        assert np.all(np.asarray(grad_node_vectors)[off_path] == 0), (
            f"o = {o}：不在路径上的内部节点梯度应为 0；grad_path 的第 j 行要放到第 path[j] 行，不是第 j 行"
        )
        assert np.allclose(np.asarray(grad_node_vectors)[path], grad_path, rtol=1e-10), (
            f"o = {o}：grad_node_vectors 的第 n_j 行应是 (σ(s_j x_j) - 1) s_j v_c：路径 {path.tolist()} 上的行应是 "
            f"{np.round(grad_path, 6).tolist()}，得到 {np.round(np.asarray(grad_node_vectors)[path], 6).tolist()}"
        )


# ---------- 3.4 ----------

@check("3.4", 2, public=True)
def test_hs_batch_gradcheck(hs_batch_loss_and_gradient):
    tree = HuffmanTree(  # build_huffman_tree([8, 1, 4, 2, 5])
        counts=np.array([8, 1, 4, 2, 5]),
        children=np.array([[1, 3], [5, 2], [4, 6], [0, 7]]),
        codes=np.array([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 0, 0]], dtype=np.int8),
        paths=np.array([[3, 0, 0, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 1, 0], [3, 2, 0, 0]]),
        lengths=np.array([1, 4, 3, 4, 2]),
    )
    rng = np.random.default_rng(2)
    node_vectors, center_vecs = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    outside_idx = np.array([1, 0, 4, 1, 3, 2])
    loss, grad_center_vecs, grad_node_vectors = hs_batch_loss_and_gradient(center_vecs, outside_idx, tree, node_vectors)
    assert np.shape(grad_center_vecs) == (6, 3) and np.shape(grad_node_vectors) == (4, 3), (
        f"梯度的形状应是 (B, d) = (6, 3) 与 (|V|-1, d) = (4, 3)，得到 {np.shape(grad_center_vecs)} 与 {np.shape(grad_node_vectors)}"
    )
    assert np.isclose(loss, 1.8273920717, atol=1e-8), f"平均损失应是 1.8273920717，得到 {loss}"
    def f():
        return hs_batch_loss_and_gradient(center_vecs, outside_idx, tree, node_vectors)[0]

    error_centers = relative_error(grad_center_vecs, numerical_gradient(f, center_vecs))
    error_nodes = relative_error(grad_node_vectors, numerical_gradient(f, node_vectors))
    assert error_centers < 1e-6, (
        f"grad_center_vecs 与有限差分不符（相对误差 {error_centers:.2g}）：第 b 行应是 (1/B) Σ_j (σ(s_bj x_bj) - 1) s_bj u_{{n_bj}}"
    )
    assert error_nodes < 1e-6, (
        f"grad_node_vectors 与有限差分不符（相对误差 {error_nodes:.2g}）：经过同一个节点的所有 (b, j) 的贡献都要加上，再除以 B"
    )


@check("3.4", 1)
def test_hs_batch_is_mean_of_pairs(hs_batch_loss_and_gradient):
    rng = hidden_rng(311)
    tree, node_vectors, _ = _random_case(rng, vocab=16)
    center_vecs, outside_idx = rng.normal(size=(7, 4)), rng.integers(0, 16, size=7)
    loss, grad_center_vecs, _ = hs_batch_loss_and_gradient(center_vecs, outside_idx, tree, node_vectors)
    pairs = [_pair_reference(center_vecs[b], outside_idx[b], tree, node_vectors) for b in range(7)]
    mean_loss = np.mean([p[0] for p in pairs])
    if not np.isclose(loss, mean_loss, rtol=1e-10):
        assert not np.isclose(loss, 7 * mean_loss), f"损失是 B 对损失之和：应取平均（除以 B）。平均损失应是 {mean_loss:.8f}，得到 {loss}"
        raise AssertionError(f"平均损失应是 {mean_loss:.8f}，得到 {loss}：补位处不能算进损失（用掩码）")
    expected = np.stack([p[1] for p in pairs]) / 7
    assert np.allclose(grad_center_vecs, expected, rtol=1e-10), (
        f"grad_center_vecs 的第 b 行应是第 b 对的 ∂J_b/∂v_{{c_b}} 除以 B：第 0 行应是 {np.round(expected[0], 6).tolist()}，"
        f"得到 {np.round(np.asarray(grad_center_vecs)[0], 6).tolist()}"
    )


@check("3.4", 1)
def test_hs_batch_shared_nodes_accumulate(hs_batch_loss_and_gradient):
    rng = hidden_rng(312)
    tree, node_vectors, _ = _random_case(rng, vocab=10)
    w1, w2, w3 = rng.permutation(10)[:3].tolist()
    center_vecs, outside_idx = rng.normal(size=(5, 4)), np.array([w1, w1, w2, w3, w1])  # w1 出现三次；根在每条路径上
    _, _, grad_node_vectors = hs_batch_loss_and_gradient(center_vecs, outside_idx, tree, node_vectors)
    expected = np.zeros_like(node_vectors)
    for b in range(5):
        _, _, path, grad_path = _pair_reference(center_vecs[b], outside_idx[b], tree, node_vectors)
        expected[path] += grad_path / 5
    root = tree.num_inner - 1
    grad_node_vectors = np.asarray(grad_node_vectors)
    assert np.allclose(grad_node_vectors[root], expected[root], rtol=1e-10), (
        "根的梯度不对：根在每一条路径上，它的梯度是 B 对贡献之和（再除以 B）。"
        "写成 grad[paths] += … 时重复的编号只加一次，要用 np.add.at 累加。"
        f"应是 {np.round(expected[root], 6).tolist()}，得到 {np.round(grad_node_vectors[root], 6).tolist()}"
    )
    assert np.allclose(grad_node_vectors, expected, rtol=1e-10), (
        "grad_node_vectors 应是各对路径上梯度之和除以 B；共用的节点用 np.add.at 累加。"
        f"应是 {np.round(expected, 6).tolist()}，得到 {np.round(grad_node_vectors, 6).tolist()}"
    )
