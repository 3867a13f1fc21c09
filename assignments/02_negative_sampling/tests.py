"""作业 2 的测试：负采样的损失与梯度（单对与批量）、噪声分布与负样本采样器。

带 ``public=True`` 的测试原样放进学生版作为自测，输入是写死的；其余只在评分包里，输入取自
``hidden_rng(k)``（由教师生成作业时选的秘密种子决定，公开仓库里没有），期望值在测试里按公式现算。
每个测试自己取随机数，先后顺序不影响数字。
"""

import numpy as np
from wordvec_classroom import Assignment, Question, check, hidden_rng
from wordvec_rnn.gradcheck import numerical_gradient, relative_error

ASSIGNMENT = Assignment(
    number=2,
    title="负采样：损失、梯度与噪声分布",
    chapters=("chapters/01_word2vec/03_negative_sampling.ipynb",),
    intro=(
        "本作业对应第 01 章第 3 节「负采样」。你要实现一个正样本 $(c,o)$ 配 $k$ 个负样本 $w_1,\\dots,w_k$ 的损失 "
        "$J=-\\log\\sigma(u_o^\\top v_c)-\\sum_{i=1}^{k}\\log\\sigma(-u_{w_i}^\\top v_c)$ 及其对 $v_c$ 和各个 $u_w$ 的梯度、"
        "同一件事的批量形式、噪声分布 $P_n(w)\\propto\\operatorname{count}(w)^{3/4}$，以及从 $P_n$ 抽负样本的采样器。"
        "记号与章节相同：代码中 `outside_vectors` 的第 $w$ 行是 $u_w$。数值稳定的 `sigmoid` 与 "
        "`softplus`（$\\operatorname{softplus}(x)=\\log(1+e^x)=-\\log\\sigma(-x)$）已经给出，直接使用。"
    ),
    questions=(
        Question("2.1", "一个正样本与 k 个负样本的损失和梯度", ("neg_sampling_loss_and_gradient",),
                 "返回 $J$、$\\partial J/\\partial v_c=(\\sigma(x_o)-1)u_o+\\sum_i\\sigma(x_i)u_{w_i}$ 与按行存放的 "
                 "$\\partial J/\\partial U$：第 $o$ 行 $(\\sigma(x_o)-1)v_c$，第 $w_i$ 行 $\\sigma(x_i)v_c$，其余行为 0；"
                 "其中 $x_o=u_o^\\top v_c$，$x_i=u_{w_i}^\\top v_c$。负样本可以重复，也可以恰好等于 $o$："
                 "同一个词出现几次，它那一行的梯度就**累加**几次（`G[idx] += ...` 遇到重复的编号只加一次，用 "
                 "`np.add.at`）。打分很大时 `np.log(sigmoid(x))` 会得到 `-inf`：用 `softplus` 写损失。"),
        Question("2.2", "批量形式", ("neg_sampling_batch_loss_and_gradient",),
                 "$B$ 个正样本、每个配 $k$ 个负样本的**平均**损失 $\\bar J=\\frac1B\\sum_b J_b$ 及其梯度，"
                 "不逐对循环。`grad_centers` 的第 $b$ 行是 $\\frac1B\\,\\partial J_b/\\partial v_{c_b}$；"
                 "`grad_outside` 要把每个词在整个批量中的每次出现（作为某个 $o_b$ 或某个负样本）都加起来。"),
        Question("2.3", "噪声分布", ("noise_distribution",),
                 "$P_n(w)=\\operatorname{count}(w)^{p}\\big/\\sum_{w'}\\operatorname{count}(w')^{p}$，默认 $p=3/4$，"
                 "float64，和为 1。出现 0 次的词概率为 0，$p=0$ 时也是（注意 `0.0 ** 0 == 1.0`）。"),
        Question("2.4", "负样本采样器", ("NoiseSampler",),
                 "`NoiseSampler(counts, power=0.75, rng=None)` 记下 `self.probs`（即 $P_n$，用你在 2.3 写的 "
                 "`noise_distribution`）与累积分布 `self.cdf`；`sample(shape)` 返回形状为 `shape` 的 int64 编号数组，"
                 "每个元素独立地服从 $P_n$（逆变换采样：$[0,1)$ 上的均匀数在累积分布上二分查找）。"
                 "随机数只能来自 `self.rng`：同一个种子的 `rng` 要给出同样的负样本。"),
    ),
)


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=np.float64)))


def _reference_single(v_c, o, negatives, U):
    """参考实现：一个正样本的 (损失, ∂J/∂v_c, ∂J/∂U)，逐个负样本循环，最直白的写法。"""
    x_o = U[o] @ v_c
    loss = np.logaddexp(0.0, -x_o)
    grad_center = (_sigmoid(x_o) - 1.0) * U[o]
    grad_outside = np.zeros_like(U)
    grad_outside[o] += (_sigmoid(x_o) - 1.0) * v_c
    for w in negatives:
        x = U[w] @ v_c
        loss += np.logaddexp(0.0, x)
        grad_center = grad_center + _sigmoid(x) * U[w]
        grad_outside[w] += _sigmoid(x) * v_c
    return float(loss), grad_center, grad_outside


def _noise(counts, power=0.75):
    """参照：噪声分布 count^power / Σ count^power，出现 0 次的词为 0。"""
    weights = np.where(counts > 0, np.asarray(counts, dtype=np.float64) ** power, 0.0)
    return weights / weights.sum()


# ---------- 2.1 一个正样本 ----------


@check("2.1", 1, public=True)
def test_ns_loss_value(neg_sampling_loss_and_gradient):
    rng = np.random.default_rng(0)
    v_c, U = rng.normal(size=4), rng.normal(size=(8, 4))
    loss, grad_center, grad_outside = neg_sampling_loss_and_gradient(v_c, 2, np.array([5, 1, 6]), U)
    assert np.shape(grad_center) == (4,) and np.shape(grad_outside) == (8, 4), (
        f"梯度的形状应是 (4,) 与 (8, 4)，得到 {np.shape(grad_center)} 与 {np.shape(grad_outside)}"
    )
    assert np.isclose(loss, 2.8336965205, atol=1e-8), (
        f"损失应是 -log σ(u_oᵀv_c) - Σ_i log σ(-u_{{w_i}}ᵀv_c) = 2.8336965205，得到 {loss}"
    )


@check("2.1", 2, public=True)
def test_ns_gradcheck(neg_sampling_loss_and_gradient):
    rng = np.random.default_rng(1)
    v_c, U = rng.normal(size=4), rng.normal(size=(7, 4))
    o, negatives = 3, np.array([5, 1, 5, 3, 0])  # 5 抽到两次，3 恰好是 o
    loss, grad_center, grad_outside = neg_sampling_loss_and_gradient(v_c, o, negatives, U)
    assert np.isclose(loss, 2.7597302290, atol=1e-8), f"损失应是 2.7597302290，得到 {loss}"
    numeric_center = numerical_gradient(lambda: neg_sampling_loss_and_gradient(v_c, o, negatives, U)[0], v_c)
    numeric_outside = numerical_gradient(lambda: neg_sampling_loss_and_gradient(v_c, o, negatives, U)[0], U)
    error_center = relative_error(grad_center, numeric_center)
    error_outside = relative_error(grad_outside, numeric_outside)
    assert error_center < 1e-6, (
        f"grad_center 与有限差分不符（相对误差 {error_center:.2g}）：应是 (σ(x_o) - 1) u_o + Σ_i σ(x_i) u_{{w_i}}"
    )
    assert error_outside < 1e-6, (
        f"grad_outside 与有限差分不符（相对误差 {error_outside:.2g}）：第 o 行 (σ(x_o) - 1) v_c，"
        "每个负样本 w_i 的行加上 σ(x_i) v_c（重复的要累加），其余行为 0"
    )


@check("2.1", 1)
def test_ns_negative_sign(neg_sampling_loss_and_gradient):
    rng = hidden_rng(201)
    v_c, U = rng.normal(size=3), rng.normal(size=(6, 3))
    words = rng.permutation(6)
    o, negatives = int(words[0]), words[1:3]  # 两个不同的负样本，都不是 o
    loss, _, grad_outside = neg_sampling_loss_and_gradient(v_c, o, negatives, U)
    grad_outside = np.asarray(grad_outside)
    x_o, x_neg = U[o] @ v_c, U[negatives] @ v_c
    wrong = np.logaddexp(0.0, -x_o) + np.logaddexp(0.0, -x_neg).sum()
    right = np.logaddexp(0.0, -x_o) + np.logaddexp(0.0, x_neg).sum()
    if not np.isclose(loss, right):
        assert not np.isclose(loss, wrong), (
            "负样本项的符号反了：负样本要求打分低，是 -log σ(-u_{w_i}ᵀv_c) = softplus(x_i)，"
            f"不是 -log σ(u_{{w_i}}ᵀv_c)（那是把噪声对也当成了真实的对）。损失应是 {right:.6f}，得到 {loss}"
        )
        raise AssertionError(f"损失应是 -log σ(x_o) - Σ_i log σ(-x_i) = {right:.6f}，得到 {loss}")
    for w, x in zip(negatives.tolist(), x_neg):
        expected = _sigmoid(x) * v_c
        if np.allclose(grad_outside[w], expected):
            continue
        got = f"应是 {np.round(expected, 6).tolist()}，得到 {np.round(grad_outside[w], 6).tolist()}"
        assert not np.allclose(grad_outside[w], (_sigmoid(x) - 1.0) * v_c), (
            f"负样本 u_{w} 的梯度用了正样本的公式 (σ(x) - 1) v_c：负样本是 ∂[-log σ(-x)]/∂x · v_c = σ(x) v_c；{got}"
        )
        assert not np.allclose(grad_outside[w], -expected), (
            f"负样本 u_{w} 的梯度符号反了：应是 +σ(x_i) v_c（梯度下降把 u_{{w_i}} 推离 v_c）；{got}"
        )
        raise AssertionError(f"负样本 u_{w} 的梯度应是 σ(u_{w}ᵀv_c) v_c：{got}")


@check("2.1", 2)
def test_ns_repeated_negatives(neg_sampling_loss_and_gradient):
    # 主要比较你自己的实现在不同输入上的结果：抽到 3 次的行应是抽到 1 次的 3 倍（与公式写得对不对无关）
    rng = hidden_rng(202)
    v_c, U = rng.normal(size=3), rng.normal(size=(6, 3))
    o, w, a, b = rng.permutation(6)[:4].tolist()  # 四个不同的词
    loss_1, _, once = neg_sampling_loss_and_gradient(v_c, o, np.array([w]), U)
    loss_2, _, _ = neg_sampling_loss_and_gradient(v_c, o, np.array([w, w]), U)
    loss_3, _, thrice = neg_sampling_loss_and_gradient(v_c, o, np.array([w, w, w]), U)
    once, thrice = np.asarray(once), np.asarray(thrice)
    assert np.any(once[w] != 0), (
        f"负样本 u_{w} 的梯度是 0：抽到 1 次时第 {w} 行应是 σ(u_{w}ᵀv_c) v_c = "
        f"{np.round(_sigmoid(U[w] @ v_c) * v_c, 6).tolist()}，得到 {once[w].tolist()}"
    )
    assert not np.allclose(thrice[w], once[w]), (
        f"重复的负样本梯度没有累加：词 {w} 抽到 3 次，第 {w} 行应是抽到 1 次时的 3 倍，却只算了一次。"
        "`G[neg] += ...` 或 `G[neg] = ...` 遇到重复的编号只写一次，用 np.add.at(G, neg, ...)"
    )
    assert np.allclose(thrice[w], 3 * once[w]), (
        f"词 {w} 抽到 3 次：第 {w} 行应是抽到 1 次时的 3 倍 {np.round(3 * once[w], 6).tolist()}，"
        f"得到 {np.round(thrice[w], 6).tolist()}"
    )
    assert np.isclose(loss_3 - loss_2, loss_2 - loss_1), (
        f"重复的负样本在损失里也要算几次：每多抽到一次词 {w}，损失都应多出同样的一项 -log σ(-u_{w}ᵀv_c)；"
        f"抽到 1、2、3 次的损失是 {loss_1}、{loss_2}、{loss_3}"
    )
    # 负样本恰好等于 o：第 o 行 = 它作为正样本的一项 + 它作为负样本的一项
    as_positive = np.asarray(neg_sampling_loss_and_gradient(v_c, a, np.array([b]), U)[2])[a]
    as_negative = np.asarray(neg_sampling_loss_and_gradient(v_c, o, np.array([a]), U)[2])[a]
    both = np.asarray(neg_sampling_loss_and_gradient(v_c, a, np.array([a, b]), U)[2])[a]
    assert np.allclose(both, as_positive + as_negative), (
        "负样本恰好等于 o 时，第 o 行要把两项相加：(σ(x_o) - 1) v_c + σ(x_o) v_c = (2σ(x_o) - 1) v_c；"
        f"得到 {np.round(both, 4)}，应是 {np.round(as_positive + as_negative, 4)}（是不是一项覆盖了另一项？）"
    )


@check("2.1", 1)
def test_ns_outside_row_o(neg_sampling_loss_and_gradient):
    rng = hidden_rng(203)
    v_c, U = rng.normal(size=3), rng.normal(size=(6, 3))
    words = rng.permutation(6)
    o, negatives, untouched = int(words[0]), words[1:3], words[3:]
    _, _, grad_outside = neg_sampling_loss_and_gradient(v_c, o, negatives, U)
    grad_outside = np.asarray(grad_outside)
    expected = (_sigmoid(U[o] @ v_c) - 1) * v_c
    if not np.allclose(grad_outside[o], expected):
        assert not np.allclose(grad_outside[o], 0.0), (
            f"忘了 u_o 的梯度：grad_outside 的第 o 行是 0，应是 (σ(u_oᵀv_c) - 1) v_c = {np.round(expected, 6).tolist()}"
            "（正样本也用到了 u_o）"
        )
        raise AssertionError(
            f"grad_outside 的第 o 行应是 (σ(u_oᵀv_c) - 1) v_c = {np.round(expected, 6).tolist()}，"
            f"得到 {np.round(grad_outside[o], 6).tolist()}"
        )
    assert np.all(grad_outside[untouched] == 0), (
        f"不在 J 中的 u_w（既不是 o 也不是负样本）梯度应为 0，第 {untouched.tolist()} 行得到 {grad_outside[untouched].tolist()}"
    )


@check("2.1", 1)
def test_ns_large_scores(neg_sampling_loss_and_gradient):
    rng = hidden_rng(204)
    a, b = 800.0 + 100.0 * rng.random(2)                      # 打分的绝对值在 800 以上：σ(-a) 在 float64 里是 0
    v_c = np.array([1.0, 0.0])
    U = np.array([[-a, 0.0], [b, 0.0], rng.normal(size=2)])  # x_o = -a，负样本 x_1 = b
    expected_loss, expected_center, _ = _reference_single(v_c, 0, [1], U)  # softplus(a) + softplus(b) = a + b
    with np.errstate(all="ignore"):
        loss, grad_center, _ = neg_sampling_loss_and_gradient(v_c, 0, np.array([1]), U)
    assert np.isfinite(loss), (
        f"打分很大时损失成了 {loss}：σ(-{a:.1f}) 在 float64 里是 0，np.log(0) = -inf。"
        "-log σ(x) 要写成 softplus(-x)，-log σ(-x) 写成 softplus(x)"
    )
    assert np.isclose(loss, expected_loss), (
        f"x_o = -{a:.4f}、x_1 = {b:.4f} 时损失应是 softplus({a:.4f}) + softplus({b:.4f}) = {expected_loss:.4f}，得到 {loss}"
    )
    assert np.all(np.isfinite(grad_center)) and np.allclose(grad_center, expected_center), (
        f"打分很大时 grad_center 应是 {np.round(expected_center, 4).tolist()}，得到 {grad_center}："
        "σ 用给出的 sigmoid，它不会上溢"
    )


# ---------- 2.2 批量 ----------


@check("2.2", 2, public=True)
def test_batch_value_and_gradcheck(neg_sampling_batch_loss_and_gradient):
    rng = np.random.default_rng(4)
    C, o = rng.normal(size=(5, 3)), np.array([0, 2, 2, 4, 1])
    negatives = rng.integers(0, 6, size=(5, 3))
    U = rng.normal(size=(6, 3))
    loss, grad_centers, grad_outside = neg_sampling_batch_loss_and_gradient(C, o, negatives, U)
    assert np.shape(grad_centers) == (5, 3) and np.shape(grad_outside) == (6, 3), (
        f"梯度的形状应是 (B, d) = (5, 3) 与 (|V|, d) = (6, 3)，得到 {np.shape(grad_centers)} 与 {np.shape(grad_outside)}"
    )
    assert np.isclose(loss, 3.7821726848, atol=1e-8), f"平均损失应是 3.7821726848，得到 {loss}"
    numeric_centers = numerical_gradient(lambda: neg_sampling_batch_loss_and_gradient(C, o, negatives, U)[0], C)
    numeric_outside = numerical_gradient(lambda: neg_sampling_batch_loss_and_gradient(C, o, negatives, U)[0], U)
    assert relative_error(grad_centers, numeric_centers) < 1e-6, (
        "grad_centers 与有限差分不符：第 b 行应是 (1/B) ∂J_b/∂v_{c_b}"
    )
    assert relative_error(grad_outside, numeric_outside) < 1e-6, (
        "grad_outside 与有限差分不符：每个词在批量中的每次出现（作为 o_b 或负样本）都要累加，再除以 B"
    )


@check("2.2", 2)
def test_batch_is_mean_of_pairs(neg_sampling_batch_loss_and_gradient):
    rng = hidden_rng(205)
    B = 4
    C, U = rng.normal(size=(B, 3)), rng.normal(size=(12, 3))
    words = rng.permutation(12)
    o, negatives = words[:B], words[B:].reshape(B, 2)  # 没有重复的编号：这里只检查平均
    loss, grad_centers, grad_outside = neg_sampling_batch_loss_and_gradient(C, o, negatives, U)
    singles = [_reference_single(C[b], o[b], negatives[b], U) for b in range(B)]
    mean_loss = np.mean([s[0] for s in singles])
    if not np.isclose(loss, mean_loss):
        assert not np.isclose(loss, B * mean_loss), (
            f"损失是 B 个正样本的损失之和：应取平均（除以 B）。平均损失应是 {mean_loss:.6f}，得到 {loss}"
        )
        raise AssertionError(f"平均损失应是 {mean_loss:.6f}，得到 {loss}")
    expected_centers = np.stack([s[1] for s in singles]) / B
    if not np.allclose(grad_centers, expected_centers):
        assert not np.allclose(grad_centers, B * expected_centers), "grad_centers 没有除以 B：它是平均损失的梯度"
        raise AssertionError(
            f"grad_centers 的第 b 行应是 (1/B) ∂J_b/∂v_{{c_b}}：第 0 行应是 {np.round(expected_centers[0], 6).tolist()}，"
            f"得到 {np.round(np.asarray(grad_centers)[0], 6).tolist()}"
        )
    expected_outside = sum(s[2] for s in singles) / B
    if not np.allclose(grad_outside, expected_outside):
        assert not np.allclose(grad_outside, B * expected_outside), "grad_outside 没有除以 B：它是平均损失的梯度"
        raise AssertionError(
            "grad_outside 应是 (1/B) Σ_b ∂J_b/∂U：第 o_b 行 (σ(x_{o_b}) - 1) v_{c_b}，负样本的行 σ(x) v_{c_b}；"
            f"第 o_0 = {o[0]} 行应是 {np.round(expected_outside[o[0]], 6).tolist()}，"
            f"得到 {np.round(np.asarray(grad_outside)[o[0]], 6).tolist()}"
        )


@check("2.2", 1)
def test_batch_repeated_across_rows(neg_sampling_batch_loss_and_gradient):
    rng = hidden_rng(206)
    C, U = rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
    word = rng.permutation(5)                                  # 重复的样式固定，是哪些词随机
    o = word[[1, 1, 3]]                                        # word[1] 是两个正样本的 o
    negatives = word[np.array([[2, 2], [1, 4], [2, 3]])]       # word[2] 抽到三次，word[1] 与 word[3] 也作负样本
    _, _, grad_outside = neg_sampling_batch_loss_and_gradient(C, o, negatives, U)
    expected = sum(_reference_single(C[b], o[b], negatives[b], U)[2] for b in range(3)) / 3
    if not np.allclose(grad_outside, expected):
        assert not np.allclose(grad_outside, 3 * expected), "grad_outside 没有除以 B：它是平均损失的梯度"
        raise AssertionError(
            "同一个词在批量中出现多次（在不同的行，或同一行的负样本里），它那一行的梯度没有全部累加："
            "`G[idx] += ...` 遇到重复的编号只加一次，用 np.add.at(G, idx.ravel(), ...)。"
            f"应是 {np.round(expected, 6).tolist()}，得到 {np.round(np.asarray(grad_outside), 6).tolist()}"
        )


# ---------- 2.3 噪声分布 ----------


@check("2.3", 1, public=True)
def test_noise_values(noise_distribution):
    probs = noise_distribution(np.array([1, 16, 81, 0]))
    assert np.asarray(probs).dtype == np.float64, f"应返回 float64 数组，得到 {np.asarray(probs).dtype}"
    assert np.isclose(np.sum(probs), 1.0), f"概率之和应为 1，得到 {np.sum(probs)}"
    assert np.allclose(probs, np.array([1, 8, 27, 0]) / 36), (
        f"次数 [1, 16, 81, 0] 的 3/4 次方是 [1, 8, 27, 0]，P_n 应是它们除以 36，得到 {probs}"
    )


@check("2.3", 1)
def test_noise_power(noise_distribution):
    rng = hidden_rng(207)
    counts = rng.integers(1, 1000, size=int(rng.integers(4, 9)))
    counts[:2] = 1, 1000                          # 至少两个次数相差很大的词：一元分布与 P_n 分得清
    counts = rng.permutation(counts)
    probs = noise_distribution(counts)
    expected = _noise(counts)
    if not np.allclose(probs, expected):
        assert not np.allclose(probs, counts / counts.sum()), (
            "没有取 3/4 次方：这是一元分布 count(w) / Σ count，应是 count(w)^0.75 / Σ count^0.75"
            f" = {np.round(expected, 6).tolist()}"
        )
        assert np.isclose(np.sum(probs), 1.0), (
            f"概率之和是 {np.sum(probs):.4f} 而不是 1：取幂之后要重新归一化（f^0.75 的和不是 1）"
        )
        raise AssertionError(
            f"次数 {counts.tolist()} 的 P_n 应是 {np.round(expected, 6).tolist()}，得到 {np.round(probs, 6).tolist()}"
        )
    power = 1.0 + rng.random()                    # 离 0.75 很远：把 0.75 写死的实现分得出来
    expected = _noise(counts, power)
    probs = noise_distribution(counts, power=power)
    assert np.allclose(probs, expected), (
        f"power={power:.4f} 时应得到 count^power / Σ count^power = {np.round(expected, 6).tolist()}，"
        f"得到 {np.round(probs, 6).tolist()}：没有用参数 power（把 0.75 写死了？）"
    )


@check("2.3", 1)
def test_noise_zero_counts(noise_distribution):
    rng = hidden_rng(208)
    n = int(rng.integers(5, 10))
    counts = rng.integers(1, 50, size=n)
    zero = rng.permutation(n)[: int(rng.integers(1, n - 1))]  # 至少一个词出现 0 次，至少两个词出现过
    counts[zero] = 0
    probs = np.asarray(noise_distribution(counts, power=0.0))
    expected = (counts > 0) / np.count_nonzero(counts)
    assert np.all(probs[zero] == 0), (
        f"power = 0 时出现 0 次的词得到了概率 {probs[zero].tolist()}：0.0 ** 0 = 1，0 次的词的权重要单独置 0"
        "（np.where(counts > 0, ...)）"
    )
    assert np.allclose(probs, expected), (
        f"次数 {counts.tolist()}、power = 0 是出现过的词上的均匀分布 {np.round(expected, 6).tolist()}，"
        f"得到 {np.round(probs, 6).tolist()}"
    )


# ---------- 2.4 采样器 ----------


@check("2.4", 2, public=True)
def test_sampler_shape_and_frequencies(NoiseSampler):
    sampler = NoiseSampler(np.array([0, 1, 16, 81, 256]), rng=np.random.default_rng(0))
    assert len(sampler) == 5, f"len(sampler) 应是词表大小 5，得到 {len(sampler)}"
    assert np.allclose(sampler.probs, np.array([0, 1, 8, 27, 64]) / 100), f"sampler.probs 应是 P_n，得到 {sampler.probs}"
    grid = sampler.sample((3, 4))
    assert np.shape(grid) == (3, 4), f"sample((3, 4)) 的形状应是 (3, 4)，得到 {np.shape(grid)}"
    n = 200_000
    draws = sampler.sample(n)
    assert np.shape(draws) == (n,) and draws.dtype == np.int64, (
        f"sample({n}) 应返回形状 ({n},) 的 int64 数组，得到 {np.shape(draws)}、{draws.dtype}"
    )
    assert draws.min() >= 0 and draws.max() <= 4, f"编号应在 0 到 4 之间，得到 {draws.min()} 到 {draws.max()}"
    freq = np.bincount(draws, minlength=5) / n
    assert freq[0] == 0, "出现 0 次的词（P_n = 0）被抽中了：没有按 P_n 抽？在累积分布 self.cdf 上二分查找"
    p = sampler.probs
    z = np.abs(freq[1:] - p[1:]) / np.sqrt(p[1:] * (1 - p[1:]) / n)
    assert z.max() < 5, (
        f"抽样的频率 {np.round(freq, 4)} 与 P_n = {np.round(p, 4)} 相差超过 5 个标准差：没有按 P_n 抽？"
    )


@check("2.4", 1)
def test_sampler_not_uniform(NoiseSampler):
    rng = hidden_rng(209)
    # 四个词的次数各差一个数量级（c·1、c·10、c·100、c·1000，c 在 1..9 里，顺序随机）：最常见的词的 P_n ≥ 0.47，
    # 离均匀分布的 0.25 远大于下面的 atol
    counts = rng.integers(1, 10, size=4) * 10 ** rng.permutation(4)
    p = _noise(counts)
    sampler = NoiseSampler(counts, rng=rng)
    freq = np.bincount(sampler.sample(40_000), minlength=4) / 40_000
    # 40 000 次抽样中每个频率的标准差 ≤ sqrt(0.25 / 40 000) = 0.0025，atol 0.02 是 8 个标准差：
    # 正确的采样器不通过的概率 < 4 · 2 · Φ(-8) ≈ 5e-15
    assert not np.allclose(freq, 0.25, atol=0.02), (
        f"抽样频率 {np.round(freq, 3).tolist()} 几乎是均匀的：负样本要按 P_n（sampler.probs）= {np.round(p, 3).tolist()} 抽，"
        "在累积分布 self.cdf 上二分查找，而不是在 0..|V|-1 里均匀地抽整数"
    )
    assert np.allclose(freq, p, atol=0.02), (
        f"次数 {counts.tolist()}：抽样频率应接近 P_n = {np.round(p, 3).tolist()}，得到 {np.round(freq, 3).tolist()}"
    )


@check("2.4", 1)
def test_sampler_uses_its_rng(NoiseSampler):
    counts = hidden_rng(210).integers(1, 10, size=8)
    # hidden_rng(211) 每次调用都给出一个新的、状态相同的生成器：三个采样器的 rng 用的是同一个种子
    a = NoiseSampler(counts, rng=hidden_rng(211)).sample(50)
    b = NoiseSampler(counts, rng=hidden_rng(211)).sample(50)
    assert np.array_equal(a, b), (
        "两个用同一种子 rng 的采样器给出了不同的负样本：随机数要来自 self.rng（self.rng.random(...)），"
        "不要用 np.random 的全局函数或新建没有种子的生成器"
    )
    # 8 个词的次数在 1..9 里，每个词的 P_n ≤ 9^0.75 / (9^0.75 + 7) < 0.43：正确的采样器两次抽出同样 50 个编号的概率
    # Σ_w P_n(w)^2 的 50 次方 < 0.43^50 < 1e-18
    sampler = NoiseSampler(counts, rng=hidden_rng(211))
    assert not np.array_equal(sampler.sample(50), sampler.sample(50)), "连续两次 sample 给出了同样的结果：每次都应抽新的随机数"


@check("2.4", 1)
def test_sampler_power_and_zero_counts(NoiseSampler):
    rng = hidden_rng(212)
    counts = np.zeros(int(rng.integers(5, 9)), dtype=np.int64)
    seen = rng.permutation(len(counts))[:2]                  # 只有两个词出现过，其余出现 0 次
    counts[seen] = rng.integers(1, 30, size=2)
    p = _noise(counts, 1.0)
    sampler = NoiseSampler(counts, power=1.0, rng=rng)
    assert np.allclose(sampler.probs, p), (
        f"次数 {counts.tolist()}、power=1.0 时 sampler.probs 应是 {np.round(p, 4).tolist()}，"
        f"得到 {np.round(sampler.probs, 4).tolist()}：把 power 传给 noise_distribution"
    )
    draws = np.asarray(sampler.sample((200, 100)))
    allowed = set(seen.tolist())
    assert set(np.unique(draws).tolist()) <= allowed, (
        f"抽到了出现 0 次的词 {sorted(set(np.unique(draws).tolist()) - allowed)}：它们在累积分布上的区间长度为 0，"
        "np.searchsorted(self.cdf, u, side='right') 不会落进去"
    )
    # 20 000 次抽样中频率的标准差 ≤ sqrt(0.25 / 20 000) ≈ 0.0035，容差 0.025 超过 7 个标准差：
    # 正确的采样器不通过的概率 < 2 · Φ(-7) ≈ 3e-12
    w = int(seen[0])
    assert abs(np.mean(draws == w) - p[w]) < 0.025, f"词 {w} 的频率应接近 {p[w]:.3f}，得到 {np.mean(draws == w):.3f}"
