"""层序 softmax `wordvec_rnn.hierarchical_softmax`（由第 01 章的 `#@save hierarchical_softmax` 单元导出）的单元测试。"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from wordvec_rnn.gradcheck import gradient_errors, relative_error  # noqa: E402
from wordvec_rnn.hierarchical_softmax import (  # noqa: E402
    HuffmanTree,
    build_huffman_tree,
    draw_huffman_tree,
    hs_batch_loss_and_gradient,
    hs_loss_and_gradient,
    hs_path_loss_and_gradient,
    hs_probabilities,
)

SEEDS = range(5)


def random_counts(rng, size=None):
    size = int(rng.integers(2, 60)) if size is None else size
    return rng.integers(0, 1000, size=size)


def random_problem(seed):
    rng = np.random.default_rng(seed)
    tree = build_huffman_tree(random_counts(rng))
    d = int(rng.integers(1, 8))
    return rng, tree, d, rng.standard_normal((tree.num_inner, d))


@pytest.mark.parametrize("seed", SEEDS)
def test_codes_are_prefix_free_and_match_paths(seed):
    rng = np.random.default_rng(seed)
    tree = build_huffman_tree(random_counts(rng))
    V = tree.num_words
    codes = [tree.code(w) for w in range(V)]
    assert len(set(codes)) == V
    ordered = sorted(codes)  # 若某个编码是另一个的前缀，排序后它紧挨在某个以它开头的编码前面
    assert not any(b.startswith(a) for a, b in zip(ordered, ordered[1:]))
    assert [len(code) for code in codes] == tree.lengths.tolist()
    assert tree.codes.shape == tree.paths.shape == tree.mask.shape == (V, tree.lengths.max())
    assert np.all(tree.codes[~tree.mask] == 0) and np.all(tree.paths[~tree.mask] == 0)
    assert set(np.unique(tree.codes).tolist()) <= {0, 1}
    assert np.all(tree.signs[tree.mask] == 1 - 2 * tree.codes[tree.mask]) and np.all(tree.signs[~tree.mask] == 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_paths_follow_children_from_root_to_leaf(seed):
    rng = np.random.default_rng(seed)
    tree = build_huffman_tree(random_counts(rng))
    V = tree.num_words
    for w in range(V):
        node = 2 * V - 2  # 根
        for j in range(tree.lengths[w]):
            assert tree.paths[w, j] == node - V
            node = tree.children[node - V][tree.codes[w, j]]
        assert node == w  # 按编码从根走下来，正好到叶子 w


@pytest.mark.parametrize("seed", SEEDS)
def test_inner_nodes_count_and_each_used(seed):
    rng = np.random.default_rng(seed)
    tree = build_huffman_tree(random_counts(rng))
    V = tree.num_words
    assert tree.num_inner == V - 1 and tree.children.shape == (V - 1, 2)
    assert sorted(tree.children.ravel().tolist()) == list(range(2 * V - 2))  # 除根以外每个节点恰有一个父亲
    used = np.unique(tree.paths[tree.mask])
    assert used.tolist() == list(range(V - 1))  # 每个内部节点都在某条路径上
    assert np.all(tree.paths[:, 0] == V - 2)  # 根是最后合并的节点
    assert abs((2.0 ** -tree.lengths.astype(float)).sum() - 1) < 1e-12  # Kraft 等式


@pytest.mark.parametrize("seed", range(20))
def test_expected_code_length_between_entropy_and_entropy_plus_one(seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 10_000, size=int(rng.integers(2, 300))) ** int(rng.integers(1, 4))
    tree = build_huffman_tree(counts)
    p = counts / counts.sum()
    H = -(p * np.log2(p)).sum()
    mean_length = (p * tree.lengths).sum()
    assert H - 1e-12 <= mean_length < H + 1
    assert mean_length <= np.ceil(np.log2(len(counts))) + 1e-12  # 不比平衡树差


def test_huffman_is_optimal_on_small_example_and_frequent_words_are_shallow():
    tree = build_huffman_tree([5, 4, 3, 3, 2, 2, 1, 1])
    assert [tree.code(w) for w in range(8)] == ["01", "111", "101", "110", "000", "001", "1000", "1001"]
    lengths = tree.lengths
    counts = tree.counts
    order = np.argsort(-counts, kind="stable")
    assert np.all(np.diff(lengths[order]) >= 0)  # 次数越多，路径不越长
    assert (counts * lengths).sum() == 60


def test_two_words_and_float_counts_and_zero_counts():
    tree = build_huffman_tree([3, 7])
    assert tree.lengths.tolist() == [1, 1] and tree.code(0) == "0" and tree.code(1) == "1"
    tree = build_huffman_tree(np.array([0.5, 0.25, 0.25]))
    assert tree.lengths.tolist() == [1, 2, 2]
    tree = build_huffman_tree([0, 0, 0, 5])
    assert tree.num_inner == 3 and tree.lengths[3] == 1


def test_deterministic_tie_breaking():
    counts = np.ones(37, dtype=np.int64)
    a, b = build_huffman_tree(counts), build_huffman_tree(counts.copy())
    for field in ("children", "codes", "paths", "lengths"):
        assert np.array_equal(getattr(a, field), getattr(b, field))
    assert a.lengths.max() - a.lengths.min() <= 1  # 次数全相同时是平衡树
    assert build_huffman_tree([1, 1]).children.tolist() == [[0, 1]]  # 次数相同，编号小的在左


@pytest.mark.parametrize("seed", SEEDS)
def test_probabilities_sum_to_one(seed):
    rng, tree, d, node_vectors = random_problem(seed)
    for scale in (0.01, 1.0, 20.0):
        P = hs_probabilities(scale * rng.standard_normal(d), tree, scale * node_vectors)
        assert P.shape == (tree.num_words,) and np.all(P >= 0)
        assert abs(P.sum() - 1) < 1e-12
    P0 = hs_probabilities(rng.standard_normal(d), tree, np.zeros_like(node_vectors))
    assert np.allclose(P0, 2.0 ** -tree.lengths.astype(float))


@pytest.mark.parametrize("seed", SEEDS)
def test_single_pair_gradients_match_finite_differences_and_autograd(seed):
    rng, tree, d, node_vectors = random_problem(seed)
    center_vec = rng.standard_normal(d)
    o = int(rng.integers(tree.num_words))
    loss, grad_center_vec, grad_node_vectors = hs_loss_and_gradient(center_vec, o, tree, node_vectors)
    assert grad_center_vec.shape == (d,) and grad_node_vectors.shape == node_vectors.shape
    assert np.isclose(loss, -np.log(hs_probabilities(center_vec, tree, node_vectors)[o]), rtol=1e-10)
    errors = gradient_errors(
        lambda: hs_loss_and_gradient(center_vec, o, tree, node_vectors)[0],
        {"center_vec": center_vec, "node_vectors": node_vectors},
        {"center_vec": grad_center_vec, "node_vectors": grad_node_vectors},
    )
    assert all(e < 1e-6 for e in errors.values()), errors

    path = tree.paths[o, : tree.lengths[o]]
    off_path = np.setdiff1d(np.arange(tree.num_inner), path)
    assert np.all(grad_node_vectors[off_path] == 0)
    loss2, grad_center2, path2, grad_path = hs_path_loss_and_gradient(center_vec, o, tree, node_vectors)
    assert loss2 == loss and np.array_equal(path2, path)
    assert np.array_equal(grad_center2, grad_center_vec) and np.array_equal(grad_path, grad_node_vectors[path])

    U = torch.tensor(node_vectors, requires_grad=True)
    v = torch.tensor(center_vec, requires_grad=True)
    s = torch.from_numpy(1.0 - 2.0 * tree.codes[o, : tree.lengths[o]])
    J = -F.logsigmoid(s * (U[torch.from_numpy(path)] @ v)).sum()
    J.backward()
    assert abs(J.item() - loss) < 1e-10
    assert relative_error(grad_center_vec, v.grad.numpy()) < 1e-10
    assert relative_error(grad_node_vectors, U.grad.numpy()) < 1e-10


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_matches_mean_of_pairs_finite_differences_and_autograd(seed):
    rng, tree, d, node_vectors = random_problem(seed)
    B = int(rng.integers(1, 12))
    center_vecs = rng.standard_normal((B, d))
    outside_idx = rng.integers(0, tree.num_words, size=B)
    loss, grad_center_vecs, grad_node_vectors = hs_batch_loss_and_gradient(center_vecs, outside_idx, tree, node_vectors)
    assert grad_center_vecs.shape == (B, d) and grad_node_vectors.shape == node_vectors.shape

    singles = [hs_loss_and_gradient(center_vecs[b], int(outside_idx[b]), tree, node_vectors) for b in range(B)]
    assert np.isclose(loss, np.mean([s[0] for s in singles]), rtol=1e-12)
    assert np.allclose(grad_center_vecs, np.stack([s[1] for s in singles]) / B, rtol=1e-10, atol=1e-14)
    assert np.allclose(grad_node_vectors, np.mean([s[2] for s in singles], axis=0), rtol=1e-10, atol=1e-14)

    errors = gradient_errors(
        lambda: hs_batch_loss_and_gradient(center_vecs, outside_idx, tree, node_vectors)[0],
        {"center_vecs": center_vecs, "node_vectors": node_vectors},
        {"center_vecs": grad_center_vecs, "node_vectors": grad_node_vectors},
    )
    assert all(e < 1e-6 for e in errors.values()), errors

    U = torch.tensor(node_vectors, requires_grad=True)
    C = torch.tensor(center_vecs, requires_grad=True)
    x = torch.from_numpy(tree.signs[outside_idx]) * torch.einsum(
        "bld,bd->bl", U[torch.from_numpy(tree.paths[outside_idx])], C
    )
    J = -(F.logsigmoid(x) * torch.from_numpy(tree.mask[outside_idx])).sum() / B
    J.backward()
    assert abs(J.item() - loss) < 1e-10
    assert relative_error(grad_center_vecs, C.grad.numpy()) < 1e-10
    assert relative_error(grad_node_vectors, U.grad.numpy()) < 1e-10


def test_batch_accumulates_shared_nodes():
    """同一对重复 B 次：根等共用节点的梯度是 B 份贡献之和（再除以 B），不能只算一份。"""
    rng = np.random.default_rng(1)
    tree = build_huffman_tree([9, 5, 4, 1, 1])
    node_vectors = rng.standard_normal((4, 3))
    center_vec = rng.standard_normal(3)
    _, _, single = hs_loss_and_gradient(center_vec, 3, tree, node_vectors)
    _, grad_c, grad_u = hs_batch_loss_and_gradient(np.tile(center_vec, (6, 1)), np.full(6, 3), tree, node_vectors)
    assert np.allclose(grad_u, single)
    assert np.allclose(grad_c.sum(axis=0), hs_loss_and_gradient(center_vec, 3, tree, node_vectors)[1])


def test_extreme_scores_do_not_overflow():
    tree = build_huffman_tree([3, 2, 1])
    node_vectors = np.full((2, 2), 1e3)
    loss, grad_c, grad_u = hs_loss_and_gradient(np.array([1e3, -1e3 + 1.0]), 2, tree, node_vectors)
    assert np.isfinite(loss) and np.all(np.isfinite(grad_c)) and np.all(np.isfinite(grad_u))
    P = hs_probabilities(np.array([50.0, 60.0]), tree, node_vectors)
    assert np.all(np.isfinite(P)) and abs(P.sum() - 1) < 1e-12


def test_draw_huffman_tree():
    tree = build_huffman_tree([5, 4, 3, 3, 2, 2, 1, 1])
    fig, ax = plt.subplots()
    assert draw_huffman_tree(tree, list("abcdefgh"), ax) is ax
    texts = [t.get_text() for t in ax.texts]
    edge_labels = [t.get_text() for t in ax.texts if t.get_bbox_patch() is not None]  # 边上的编码位带白底
    assert len(edge_labels) == 2 * tree.num_inner and edge_labels.count("0") == edge_labels.count("1")
    assert all(str(n) in texts for n in range(tree.num_inner))  # 内部节点的编号
    assert any(t.startswith("a\n×5\n01") for t in texts)
    plt.close(fig)
    ax2 = draw_huffman_tree(build_huffman_tree([0.5, 0.5]), ["x", "y"])
    plt.close(ax2.figure)


TREE = build_huffman_tree([5, 3, 2, 2])
U_OK, V_OK = np.zeros((3, 2)), np.ones(2)
BAD_CALLS = [
    ("counts", lambda: build_huffman_tree([])),
    ("counts", lambda: build_huffman_tree(np.array([], dtype=np.int64))),
    ("counts", lambda: build_huffman_tree([4])),
    ("counts", lambda: build_huffman_tree([3, -1, 2])),
    ("counts", lambda: build_huffman_tree(np.ones((2, 2)))),
    ("counts", lambda: build_huffman_tree([1.0, np.inf])),
    ("counts", lambda: build_huffman_tree(np.array(["a", "b"]))),
    ("counts", lambda: build_huffman_tree(np.array([True, False]))),
    ("counts", lambda: build_huffman_tree("12")),
    ("tree", lambda: hs_loss_and_gradient(V_OK, 0, None, U_OK)),
    ("tree", lambda: hs_batch_loss_and_gradient(V_OK[None], np.array([0]), "tree", U_OK)),
    ("tree", lambda: hs_probabilities(V_OK, [5, 3, 2, 2], U_OK)),
    ("tree", lambda: draw_huffman_tree([5, 3], ["a", "b"])),
    ("node_vectors", lambda: hs_loss_and_gradient(V_OK, 0, TREE, np.zeros((4, 2)))),
    ("node_vectors", lambda: hs_loss_and_gradient(V_OK, 0, TREE, np.zeros(3))),
    ("node_vectors", lambda: hs_loss_and_gradient(V_OK, 0, TREE, np.zeros((3, 2), dtype=np.int64))),
    ("node_vectors", lambda: hs_batch_loss_and_gradient(V_OK[None], np.array([0]), TREE, np.zeros((2, 2)))),
    ("node_vectors", lambda: hs_probabilities(V_OK, TREE, [[0.0, 0.0]] * 3)),
    ("center_vec", lambda: hs_loss_and_gradient(np.ones(3), 0, TREE, U_OK)),
    ("center_vec", lambda: hs_loss_and_gradient(np.ones((1, 2)), 0, TREE, U_OK)),
    ("center_vec", lambda: hs_loss_and_gradient(np.array([1.0, np.nan]), 0, TREE, U_OK)),
    ("center_vec", lambda: hs_path_loss_and_gradient(np.array([1, 2]), 0, TREE, U_OK)),
    ("center_vec", lambda: hs_probabilities(np.ones(5), TREE, U_OK)),
    ("outside_idx", lambda: hs_loss_and_gradient(V_OK, 4, TREE, U_OK)),
    ("outside_idx", lambda: hs_loss_and_gradient(V_OK, -1, TREE, U_OK)),
    ("outside_idx", lambda: hs_loss_and_gradient(V_OK, 1.0, TREE, U_OK)),
    ("outside_idx", lambda: hs_loss_and_gradient(V_OK, True, TREE, U_OK)),
    ("center_vecs", lambda: hs_batch_loss_and_gradient(V_OK, np.array([0]), TREE, U_OK)),
    ("center_vecs", lambda: hs_batch_loss_and_gradient(np.ones((2, 3)), np.array([0, 1]), TREE, U_OK)),
    ("center_vecs", lambda: hs_batch_loss_and_gradient(np.ones((0, 2)), np.array([], dtype=np.int64), TREE, U_OK)),
    ("outside_idx", lambda: hs_batch_loss_and_gradient(np.ones((2, 2)), np.array([0]), TREE, U_OK)),
    ("outside_idx", lambda: hs_batch_loss_and_gradient(np.ones((2, 2)), np.array([0, 4]), TREE, U_OK)),
    ("outside_idx", lambda: hs_batch_loss_and_gradient(np.ones((2, 2)), np.array([0, -1]), TREE, U_OK)),
    ("outside_idx", lambda: hs_batch_loss_and_gradient(np.ones((2, 2)), np.array([0.0, 1.0]), TREE, U_OK)),
    ("outside_idx", lambda: hs_batch_loss_and_gradient(np.ones((2, 2)), [0, 1], TREE, U_OK)),
    ("words", lambda: draw_huffman_tree(TREE, ["a", "b"])),
]


@pytest.mark.parametrize("name, call", BAD_CALLS, ids=[f"{i}-{name}" for i, (name, _) in enumerate(BAD_CALLS)])
def test_bad_inputs_raise_value_error_naming_the_argument(name, call):
    with pytest.raises(ValueError, match=f"参数 `{name}`"):
        call()


def test_tree_is_a_huffman_tree_instance():
    assert isinstance(TREE, HuffmanTree) and TREE.num_words == 4 and TREE.num_inner == 3
