"""作业 1 的测试：朴素 softmax 跳元模型的损失与梯度（CS224n 作业 2 的中文版，矩阵形式）。

带 ``public=True`` 的测试原样放进学生版作为自测，输入是写死的；其余只在评分包里，输入取自
``hidden_rng(k)``（由教师生成作业时选的秘密种子决定，公开仓库里没有），期望值在测试里按公式现算。
每个测试自己取随机数，先后顺序不影响数字。
"""

import numpy as np
from wordvec_classroom import Assignment, Question, check, hidden_rng
from wordvec_rnn.gradcheck import numerical_gradient, relative_error

ASSIGNMENT = Assignment(
    number=1,
    title="朴素 softmax 跳元模型：损失与梯度",
    chapters=("chapters/01_word2vec/01_skipgram_softmax.ipynb",),
    intro=(
        "本作业对应第 01 章第 1 节「跳元模型与 softmax」。你要实现数值稳定的 log softmax、一个 $(c,o)$ 对的损失 "
        "$J=-\\log P(o\\mid c)$ 及其对 $v_c$ 和全部 $u_w$ 的梯度、同一件事的矩阵（小批量）形式，以及滑动窗口产生的 "
        "$(c,o)$ 对。记号与章节相同：$\\hat y=\\operatorname{softmax}(Uv_c)$，$y$ 是 $o$ 的独热向量，"
        "代码中的 `outside_vectors` 就是矩阵 $U$，第 $w$ 行是 $u_w^\\top$。"
    ),
    questions=(
        Question("1.1", "数值稳定的 log softmax", ("log_softmax",),
                 "实现 $\\log\\operatorname{softmax}(x)_i=x_i-\\log\\sum_j e^{x_j}$（沿最后一维）。得分可能很大，"
                 "直接取 `np.exp(x)` 会上溢：先减去每行的最大值。"),
        Question("1.2", "一个 (c, o) 对的损失与梯度", ("naive_softmax_loss_and_gradient",),
                 "返回 $J=-\\log\\hat y_o$、$\\partial J/\\partial v_c=U^\\top(\\hat y-y)$ 与 $\\partial J/\\partial u_w="
                 "(\\hat y_w-y_w)v_c$（对**每个** $w$，不只 $w=o$）。"),
        Question("1.3", "矩阵形式：一个小批量", ("naive_softmax_batch_loss_and_gradient",),
                 "一批 $B$ 个 $(c_i,o_i)$ 对的平均损失与梯度，用矩阵乘法一次算完，不逐对循环。"),
        Question("1.4", "滑动窗口产生 (c, o) 对", ("skipgram_pairs",),
                 "位置 $t$ 与同一句内的 $t+j$（$1\\le|j|\\le$ `window`）组成一对，先按 $t$、再按 $j$ 排列。"),
    ),
)


def _pair(rng, vocab=6, d=4):
    """隐藏测试的一个 (v_c, o, U)：全部取自生成器 ``rng``。"""
    return rng.normal(size=d), int(rng.integers(vocab)), rng.normal(size=(vocab, d))


def _softmax(scores):
    """参照：数值稳定的 softmax（沿最后一维）。"""
    return np.exp(scores - np.logaddexp.reduce(scores, axis=-1, keepdims=True))


def _reference_pairs(sentences, window):
    """参照：逐个位置 t、逐个偏移 j 写出的 (c, o) 对，先按 t、再按 j；不跨句。"""
    return [(int(s[t]), int(s[t + j])) for s in sentences for t in range(len(s))
            for j in range(-window, window + 1) if j != 0 and 0 <= t + j < len(s)]


@check("1.1", 1, public=True)
def test_log_softmax_values(log_softmax):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5))
    out = log_softmax(x)
    assert np.shape(out) == (3, 5), f"形状应是 (3, 5)，得到 {np.shape(out)}"
    assert np.allclose(np.exp(out).sum(axis=-1), 1.0), "exp(log_softmax(x)) 的每一行之和应为 1：是不是沿错了维度求和？"
    assert np.isclose(out[0, 0], -1.5976406530, atol=1e-8), f"log_softmax(x)[0, 0] 应是 -1.5976406530，得到 {out[0, 0]}"


@check("1.1", 1)
def test_log_softmax_large_scores(log_softmax):
    rng = hidden_rng(101)
    x = np.array([[1000.0, 0.0, -1000.0]]) + 10 * rng.random((1, 3))  # 最大的得分上千：exp 在 float64 里上溢
    expected = x - np.logaddexp.reduce(x, axis=-1, keepdims=True)
    out = np.asarray(log_softmax(x))
    assert np.all(np.isfinite(out)), (
        f"得分很大时结果不是有限数（inf 或 nan）：exp({x.max():.0f}) 上溢了。先减去每行的最大值再取 exp；得到 {out.tolist()}"
    )
    assert np.allclose(out, expected), (
        f"log_softmax({np.round(x, 4).tolist()}) 应是 {np.round(expected, 4).tolist()}，得到 {np.round(out, 4).tolist()}"
    )


@check("1.1", 1)
def test_log_softmax_each_row(log_softmax):
    rng = hidden_rng(102)
    x = np.stack([1000.0 + 10 * rng.random(2), -1000.0 - 10 * rng.random(2)])  # 两行的得分相差约 2000
    expected = x - np.logaddexp.reduce(x, axis=-1, keepdims=True)
    out = np.asarray(log_softmax(x))
    finite = np.isfinite(out).all(axis=-1)
    assert finite[0], (
        f"第一行的得分上千，结果不是有限数（inf 或 nan）：exp 上溢了。先减去每行的最大值再取 exp；得到 {out.tolist()}"
    )
    assert finite[1], (
        "两行得分相差很大时第二行出现了 inf 或 nan：每一行要减去自己的最大值"
        f"（x.max(axis=-1, keepdims=True)），不是整个数组的最大值；得到 {out.tolist()}"
    )
    assert np.allclose(np.exp(out).sum(axis=-1), 1.0), (
        f"每一行分别归一化：沿最后一维求和；exp(log_softmax(x)) 的行和应是 [1, 1]，得到 {np.exp(out).sum(axis=-1)}"
    )
    assert np.allclose(out, expected), (
        f"log_softmax(x) 应是 {np.round(expected, 4).tolist()}，得到 {np.round(out, 4).tolist()}"
    )


@check("1.2", 1, public=True)
def test_naive_softmax_loss_value(naive_softmax_loss_and_gradient):
    rng = np.random.default_rng(0)
    v_c, o, U = rng.normal(size=4), 2, rng.normal(size=(6, 4))
    loss, grad_center, grad_outside = naive_softmax_loss_and_gradient(v_c, o, U)
    assert np.isclose(loss, 2.9152782539, atol=1e-8), (
        f"损失应是 -log softmax(U v_c)[o] = 2.9152782539，得到 {loss}"
    )
    assert np.shape(grad_center) == (4,) and np.shape(grad_outside) == (6, 4), (
        f"梯度的形状应是 (4,) 与 (6, 4)，得到 {np.shape(grad_center)} 与 {np.shape(grad_outside)}"
    )


@check("1.2", 2, public=True)
def test_naive_softmax_gradcheck(naive_softmax_loss_and_gradient):
    rng = np.random.default_rng(1)
    v_c, o, U = rng.normal(size=4), 3, rng.normal(size=(6, 4))
    loss, grad_center, grad_outside = naive_softmax_loss_and_gradient(v_c, o, U)
    assert np.isclose(loss, 1.2752942280, atol=1e-8), f"损失应是 -log softmax(U v_c)[o] = 1.2752942280，得到 {loss}"
    numeric_center = numerical_gradient(lambda: naive_softmax_loss_and_gradient(v_c, o, U)[0], v_c)
    numeric_outside = numerical_gradient(lambda: naive_softmax_loss_and_gradient(v_c, o, U)[0], U)
    assert relative_error(grad_center, numeric_center) < 1e-6, (
        f"grad_center 与有限差分不符（相对误差 {relative_error(grad_center, numeric_center):.2g}）：应是 Uᵀ(ŷ - y)"
    )
    assert relative_error(grad_outside, numeric_outside) < 1e-6, (
        f"grad_outside 与有限差分不符（相对误差 {relative_error(grad_outside, numeric_outside):.2g}）：第 w 行应是 (ŷ_w - y_w) v_c"
    )


@check("1.2", 1)
def test_naive_softmax_sign(naive_softmax_loss_and_gradient):
    v_c, o, U = _pair(hidden_rng(103))
    _, grad_center, _ = naive_softmax_loss_and_gradient(v_c, o, U)
    expected = U.T @ (_softmax(U @ v_c) - np.eye(len(U))[o])
    if not np.allclose(grad_center, expected):
        assert not np.allclose(grad_center, -expected), (
            f"grad_center 的符号反了：∂J/∂v_c = Uᵀ(ŷ - y) = -u_o + Σ_w ŷ_w u_w = {np.round(expected, 6).tolist()}，"
            f"得到 {np.round(grad_center, 6).tolist()}"
        )
        raise AssertionError(
            f"grad_center 应是 Uᵀ(ŷ - y) = -u_o + Σ_w ŷ_w u_w = {np.round(expected, 6).tolist()}，"
            f"得到 {np.round(grad_center, 6).tolist()}"
        )


@check("1.2", 1)
def test_naive_softmax_other_rows(naive_softmax_loss_and_gradient):
    v_c, o, U = _pair(hidden_rng(104))
    _, _, grad_outside = naive_softmax_loss_and_gradient(v_c, o, U)
    grad_outside = np.asarray(grad_outside)
    y_hat = _softmax(U @ v_c)
    others = [w for w in range(len(U)) if w != o]
    expected_others = np.outer(y_hat[others], v_c)
    assert np.allclose(grad_outside[others], expected_others), (
        "grad_outside 中 w ≠ o 的行不对：这些 u_w 也在 softmax 的分母里，梯度是 ŷ_w v_c，不是 0。"
        f"应是 {np.round(expected_others, 6).tolist()}，得到 {np.round(grad_outside[others], 6).tolist()}"
    )
    assert np.allclose(grad_outside[o], (y_hat[o] - 1) * v_c), (
        f"grad_outside 的第 o 行应是 (ŷ_o - 1) v_c = {np.round((y_hat[o] - 1) * v_c, 6).tolist()}，"
        f"得到 {np.round(grad_outside[o], 6).tolist()}"
    )


@check("1.3", 1, public=True)
def test_batch_gradcheck(naive_softmax_batch_loss_and_gradient):
    rng = np.random.default_rng(4)
    V_c, o, U = rng.normal(size=(5, 3)), np.array([0, 2, 2, 4, 1]), rng.normal(size=(6, 3))
    loss, grad_centers, grad_outside = naive_softmax_batch_loss_and_gradient(V_c, o, U)
    assert np.isclose(loss, 3.8711756570, atol=1e-8), f"平均损失应是 3.8711756570，得到 {loss}"
    numeric_centers = numerical_gradient(lambda: naive_softmax_batch_loss_and_gradient(V_c, o, U)[0], V_c)
    numeric_outside = numerical_gradient(lambda: naive_softmax_batch_loss_and_gradient(V_c, o, U)[0], U)
    assert relative_error(grad_centers, numeric_centers) < 1e-6, "grad_centers 与有限差分不符：第 i 行应是 (1/B) Uᵀ(ŷ_i - y_i) 的转置"
    assert relative_error(grad_outside, numeric_outside) < 1e-6, "grad_outside 与有限差分不符：应是 (1/B) Σ_i (ŷ_i - y_i) v_{c_i}ᵀ"


@check("1.3", 2)
def test_batch_is_mean_of_pairs(naive_softmax_batch_loss_and_gradient):
    rng = hidden_rng(105)
    V_c, o, U = rng.normal(size=(8, 4)), rng.integers(0, 7, size=8), rng.normal(size=(7, 4))
    loss, _, grad_outside = naive_softmax_batch_loss_and_gradient(V_c, o, U)
    log_p = V_c @ U.T
    log_p -= np.logaddexp.reduce(log_p, axis=1, keepdims=True)
    mean_loss = -log_p[np.arange(8), o].mean()
    if not np.isclose(loss, mean_loss):
        assert not np.isclose(loss, 8 * mean_loss), (
            f"损失是 B 对损失之和：应取平均（除以 B）。平均损失应是 {mean_loss:.6f}，得到 {loss}"
        )
        raise AssertionError(f"平均损失应是 {mean_loss:.6f}，得到 {loss}")
    delta = np.exp(log_p)
    delta[np.arange(8), o] -= 1
    expected = delta.T @ V_c / 8
    assert np.allclose(grad_outside, expected), (
        "grad_outside 不是平均损失的梯度：应是 (1/B) (Ŷ - Y)^T V_c，别忘了除以 B。"
        f"第 0 行应是 {np.round(expected[0], 6).tolist()}，得到 {np.round(np.asarray(grad_outside)[0], 6).tolist()}"
    )


@check("1.4", 1, public=True)
def test_pairs_small_sentence(skipgram_pairs):
    centers, outsides = skipgram_pairs([np.array([0, 1, 2, 3, 4])], 2)
    assert len(centers) == 14, f"5 个词、window=2 应有 2an - a(a+1) = 14 对，得到 {len(centers)} 对"
    assert list(zip(centers[:5].tolist(), outsides[:5].tolist())) == [(0, 1), (0, 2), (1, 0), (1, 2), (1, 3)], (
        f"前 5 对应是 (0,1) (0,2) (1,0) (1,2) (1,3)（先按位置 t、再按偏移 j），得到 {list(zip(centers[:5], outsides[:5]))}"
    )


@check("1.4", 1)
def test_pairs_window_edges(skipgram_pairs):
    rng = hidden_rng(106)
    n = int(rng.integers(5, 12))
    sentence = rng.permutation(50)[:n]                       # n 个互不相同的词
    for window in (rng.permutation(4)[:2] + 1).tolist():     # 两个不同的 window，都小于句长 n
        centers, outsides = skipgram_pairs([sentence], window)
        expected = _reference_pairs([sentence], window)
        assert np.all(np.asarray(centers) != np.asarray(outsides)), (
            f"中心词不能和自己配对：j = 0 要跳过（{n} 个互不相同的词、window={window}）"
        )
        assert len(centers) == len(expected), (
            f"{n} 个词、window={window} 应有 {len(expected)} 对，得到 {len(centers)}：偏移 j 取 1 ≤ |j| ≤ window，"
            "两端都要含（差一的错误？）"
        )
        got = list(zip(np.asarray(centers).tolist(), np.asarray(outsides).tolist()))
        assert got == expected, (
            f"{n} 个词、window={window}：(c, o) 对应是 {expected[:6]}……（先按位置 t、再按偏移 j），得到 {got[:6]}……"
        )


@check("1.4", 1)
def test_pairs_do_not_cross_sentences(skipgram_pairs):
    rng = hidden_rng(107)
    lengths = rng.integers(2, 6, size=3)
    lengths[rng.integers(3)] = 5                             # 至少一句比 window 长：j = ±window 的对确实存在
    ids = rng.permutation(40)[: lengths.sum()]               # 各句的词互不相同：由词认得出它在哪一句
    sentences = [np.array(s) for s in np.split(ids, np.cumsum(lengths)[:-1])]
    sentence_of = {int(w): i for i, s in enumerate(sentences) for w in s}
    window = int(rng.integers(2, 4))
    centers, outsides = skipgram_pairs(sentences, window)
    got = list(zip(np.asarray(centers).tolist(), np.asarray(outsides).tolist()))
    crossing = [(c, o) for c, o in got if sentence_of.get(c) != sentence_of.get(o)]
    assert not crossing, f"窗口跨过了句子边界：{crossing[:3]}……同一对的两个词必须在同一句里"
    expected = _reference_pairs(sentences, window)
    assert len(got) == len(expected), (
        f"三句（{lengths.tolist()} 个词）、window={window} 应有 {len(expected)} 对，得到 {len(got)}："
        "每一句里偏移 j 取 1 ≤ |j| ≤ window，两端都要含"
    )
    assert got == expected, f"(c, o) 对应是 {expected[:6]}……（先按位置 t、再按偏移 j），得到 {got[:6]}……"
