"""wordvec_rnn.word2vec_train、word2vec_batch 与 word2vec_loops：快速训练（跳元模型 / CBOW，负采样 / 层序 softmax），
一批的更新与逐个窗口的编译循环。"""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from wordvec_rnn.hierarchical_softmax import build_huffman_tree
from wordvec_rnn.vocab import Vocab
from wordvec_rnn.word2vec_batch import _BucketedNoise, cbow_batch_update, skipgram_batch_update
from wordvec_rnn.word2vec_loops import window_updates
from wordvec_rnn.word2vec_eval import similarity
from wordvec_rnn.word2vec_train import _chunks, _encode, _windows, keep_probability_word2vec, train_word2vec

CONFIGS = [(m, o) for m in ("skipgram", "cbow") for o in ("negative_sampling", "hierarchical_softmax")]
BATCH_SIZES = [None, 64]   # None：逐个窗口（word2vec_loops，默认）；64：成批（torch）


def topic_corpus(n_sentences=1500, seed=0):
    """两组词各有自己的上下文：cat 与 dog 的上下文都取自 A 组，car 与 bus 的都取自 B 组。"""
    rng = np.random.default_rng(seed)
    A, B = [f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]
    sentences = []
    for _ in range(n_sentences):
        if rng.random() < 0.5:
            words, middle = A, ["cat", "dog"][rng.integers(2)]
        else:
            words, middle = B, ["car", "bus"][rng.integers(2)]
        left, right = rng.choice(words, 2).tolist(), rng.choice(words, 2).tolist()
        sentences.append(left + [middle] + right)
    return sentences


@pytest.fixture(scope="module")
def corpus():
    return topic_corpus()


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
@pytest.mark.parametrize("model,objective", CONFIGS)
def test_shapes_and_loss_falls(corpus, model, objective, batch_size):
    r = train_word2vec(corpus, model=model, objective=objective, dim=8, window=2, min_count=1, epochs=3,
                       subsample=None, batch_size=batch_size, chunk_tokens=1000, show_progress=False)
    n = len(r.vocab)
    assert r.center_vectors.shape == (n, 8) and r.center_vectors.dtype == np.float32
    rows = n if objective == "negative_sampling" else n - 1  # 层序 softmax：|V|-1 个内部节点
    assert r.outside_vectors.shape == (rows, 8)
    assert r.losses.shape == r.loss_tokens.shape and len(r.losses) >= 6 and np.isfinite(r.losses).all()
    assert np.all(np.diff(r.loss_tokens) > 0) and r.loss_tokens[-1] == 3 * sum(map(len, corpus))
    assert r.losses[-3:].mean() < 0.8 * r.losses[:2].mean()  # 损失下降
    assert r.n_predictions > 0 and r.words_per_second > 0 and r.model == model and r.objective == objective
    # UNK 与 EOS 不参加训练：负采样时它们的 u 一直是 0
    if objective == "negative_sampling":
        assert not r.outside_vectors[:2].any()


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_cbow_also_groups_words(corpus, batch_size):
    r = train_word2vec(corpus, model="cbow", dim=12, window=2, min_count=1, epochs=5, subsample=None, lr=0.05,
                       batch_size=batch_size, show_progress=False)
    assert similarity(r, "cat", "dog") > similarity(r, "cat", "car") + 0.3


@pytest.mark.parametrize("batch_size", [None, 32])
def test_same_seed_same_result(corpus, batch_size):
    kw = dict(dim=6, window=2, min_count=1, epochs=2, batch_size=batch_size, show_progress=False)
    first, again = train_word2vec(corpus, seed=3, **kw), train_word2vec(corpus, seed=3, **kw)
    other = train_word2vec(corpus, seed=4, **kw)
    assert np.array_equal(first.center_vectors, again.center_vectors)
    assert np.array_equal(first.outside_vectors, again.outside_vectors)
    assert np.array_equal(first.losses, again.losses)
    assert not np.array_equal(first.center_vectors, other.center_vectors)


def test_encode_windows_and_chunks():
    sentences = [["x", "y", "z"], ["y"], ["z", "x", "rare", "y", "x"], ["rare2"]]
    vocab = Vocab(sentences, min_count=2)
    ids, sent = _encode(sentences, vocab)
    expected = np.concatenate([vocab.encode(s) for s in sentences])
    assert ids.tolist() == expected[expected != 0].tolist()            # 低频词（UNK）删去
    assert sent.tolist() == [0, 0, 0, 1, 2, 2, 2, 2]
    for size in (1, 2, 3, 100):
        bounds = _chunks(sent, size)
        assert bounds[0][0] == 0 and bounds[-1][1] == len(ids)
        assert all(e == b2 for (_, e), (b2, _) in zip(bounds, bounds[1:]))  # 首尾相接
        assert all(b == 0 or sent[b] != sent[b - 1] for b, _ in bounds)     # 只在句首切

    rng = np.random.default_rng(0)
    words = rng.integers(2, 9, size=200)
    sents = np.repeat(np.arange(20), rng.integers(1, 20, size=20))[:200]
    b, pos, valid, offsets = _windows(words, sents, 4, rng)
    assert b.min() >= 1 and b.max() <= 4 and pos.shape == valid.shape == (200, 8)
    i, j = np.nonzero(valid)
    assert np.all(pos[i, j] == i + offsets[j])                    # 没有截断过
    assert np.all(sents[pos[i, j]] == sents[i])                   # 不跨句
    assert np.all(np.abs(offsets[j]) <= b[i])                     # 在缩小的窗口里
    # 反过来：同一句、距离 ≤ b 的位置都在
    full = sum(((sents[k] == sents) & (np.abs(np.arange(200) - k) <= b[k]) & (np.arange(200) != k)).sum()
               for k in range(200))
    assert valid.sum() == full


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
def test_one_step_is_a_gradient_step(model):
    """一次更新 = 学习率 × 这一批的损失之和对参数的梯度（与 torch.autograd 对照）；CBOW 的 v 按 word2vec 加整个 ∂J/∂v̄。"""
    rng = np.random.default_rng(1)
    n_words, d, B, half, T = 11, 5, 4, 2, 4
    context = rng.integers(0, n_words, (B, 2 * half))
    mask = rng.random((B, 2 * half)) < 0.8
    mask[:, 0] = True
    target = rng.integers(0, n_words, (B, T))
    labels = (rng.random((B, T)) < 0.5).astype(np.float32)
    target_mask = (rng.random((B, T)) < 0.8).astype(np.float32)
    V = rng.normal(size=(n_words, d)).astype(np.float32)
    U = rng.normal(size=(n_words, d)).astype(np.float32)

    V64 = torch.tensor(V, dtype=torch.float64, requires_grad=True)
    U64 = torch.tensor(U, dtype=torch.float64, requires_grad=True)
    C, U_tilde = V64[torch.from_numpy(context)], U64[torch.from_numpy(target)]
    m, tm = torch.from_numpy(mask).double(), torch.from_numpy(target_mask).double()
    sign = torch.from_numpy(2.0 * labels - 1.0).double()
    if model == "skipgram":
        S = C @ U_tilde.transpose(1, 2)  # (B, 2a_i, T)：得分 S = C Ũ^T
        loss = -(torch.nn.functional.logsigmoid(S * sign[:, None]) * m[:, :, None] * tm[:, None]).sum()
    else:
        v_bar = (m[:, :, None] * C).sum(1) / m.sum(1, keepdim=True)
        v_bar.retain_grad()
        loss = -(torch.nn.functional.logsigmoid((U_tilde @ v_bar[:, :, None])[:, :, 0] * sign) * tm).sum()
    loss.backward()

    eta = 0.1
    step = skipgram_batch_update if model == "skipgram" else cbow_batch_update
    V_new, U_new = V.copy(), U.copy()
    got_loss, n = step(V_new, U_new, context, mask, target, labels, target_mask, eta)
    assert got_loss == pytest.approx(loss.item(), rel=1e-5)
    assert n == (mask.sum() if model == "skipgram" else B)
    np.testing.assert_allclose(U_new, U - eta * U64.grad.numpy(), atol=1e-5)
    grad_V = V64.grad.numpy()
    if model == "cbow":  # word2vec 的做法：窗口内每个上下文词加上整个 ∂J/∂v̄（准确的梯度还要除以窗口内的词数）
        grad_V = np.zeros_like(grad_V)
        np.add.at(grad_V, context[mask], np.repeat(v_bar.grad.numpy(), mask.sum(1), axis=0))
    np.testing.assert_allclose(V_new, V - eta * grad_V, atol=1e-5)


def window_updates_by_batches(model, V, U, words, sents, half_widths, targets, labels, lengths, lr):
    """参考：逐个位置调用批量为 1 个窗口的 skipgram_batch_update / cbow_batch_update。"""
    step = skipgram_batch_update if model == "skipgram" else cbow_batch_update
    loss, count = 0.0, 0
    for i in range(len(words)):
        near = np.arange(max(i - half_widths[i], 0), min(i + half_widths[i], len(words) - 1) + 1)
        near = near[(near != i) & (sents[near] == sents[i])]
        if len(near):
            T = lengths[i]
            window_loss, c = step(V, U, words[near][None], np.ones((1, len(near)), bool), targets[i:i + 1, :T],
                        labels[i:i + 1, :T], np.ones((1, T)), lr)
            loss, count = loss + window_loss, count + c
    return loss, count


@pytest.mark.parametrize("model", ["skipgram", "cbow"])
@pytest.mark.parametrize("objective", ["negative_sampling", "hierarchical_softmax"])
@pytest.mark.parametrize("seed", range(4))
def test_window_updates_are_one_window_batches(model, objective, seed):
    """编译的循环逐个窗口更新，与批量为 1 个窗口的 *_batch_update 逐个调用相同（float64，含句子边界、重复的词）。"""
    rng = np.random.default_rng(seed)
    n_words, d, n = int(rng.integers(2, 12)), int(rng.integers(1, 6)), int(rng.integers(1, 30))
    words = rng.integers(0, n_words, n)
    sents = np.sort(rng.integers(0, 4, n))
    half_widths = rng.integers(1, 4, n)
    if objective == "negative_sampling":
        k = int(rng.integers(1, 4))
        targets = np.concatenate([words[:, None], rng.integers(0, n_words, (n, k))], axis=1)
        labels = np.zeros((n, k + 1))
        labels[:, 0] = 1.0
        lengths, n_out = np.full(n, k + 1), n_words
    else:
        tree = build_huffman_tree(rng.integers(1, 50, n_words))
        targets, labels, lengths = tree.paths[words], 1.0 - tree.codes[words], tree.lengths[words]
        n_out = n_words - 1
    V, U = rng.normal(size=(n_words, d)), rng.normal(size=(n_out, d))
    V_ref, U_ref = V.copy(), U.copy()
    lr = 0.3
    loss, count = window_updates(model, V, U, words, sents, half_widths, targets, labels, lengths, lr)
    loss_ref, count_ref = window_updates_by_batches(model, V_ref, U_ref, words, sents, half_widths, targets, labels,
                                                    lengths, lr)
    assert count == count_ref
    assert loss == pytest.approx(loss_ref, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(V, V_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(U, U_ref, rtol=1e-12, atol=1e-12)


def test_bucketed_noise_matches_noise_sampler():
    """查表加速的负样本与 NoiseSampler 逐位相同（同一个 rng、同样的均匀数）。"""
    from wordvec_rnn.negative_sampling import NoiseSampler

    counts = np.random.default_rng(0).zipf(1.2, size=20000).astype(np.int64)
    counts[[0, 1, 7]] = 0  # 概率为 0 的词永远抽不到
    plain = NoiseSampler(counts, rng=np.random.default_rng(5))
    fast = _BucketedNoise(NoiseSampler(counts, rng=np.random.default_rng(5)))
    for shape in [(3,), (1000, 5), (200_000, 5)]:
        expected, got = plain.sample(shape), fast.sample(shape)
        assert got.dtype == expected.dtype and got.shape == expected.shape and np.array_equal(got, expected)
        assert not np.isin(got, [0, 1, 7]).any()


def test_subsample_rules(corpus):
    from wordvec_rnn.negative_sampling import keep_probability

    counts = np.array([0, 5, 1000, 100, 10, 1])
    t = 1e-2
    f = counts / counts.sum()
    keep = keep_probability_word2vec(counts, t)
    assert keep[0] == 1.0 and np.all((keep > 0) & (keep <= 1))
    np.testing.assert_allclose(keep[2], (np.sqrt(f[2] / t) + 1) * t / f[2])
    assert np.all(keep >= keep_probability(counts, t) - 1e-12)  # word2vec.c 的公式保留得更多
    kw = dict(dim=4, window=2, min_count=1, epochs=1, subsample=0.05, show_progress=False)
    sqrt_rule = train_word2vec(corpus, **kw)
    w2v_rule = train_word2vec(corpus, subsample_rule="word2vec", **kw)
    assert w2v_rule.n_predictions > sqrt_rule.n_predictions  # 删去的高频词更少，词对更多


def test_bad_inputs(corpus):
    bad_calls = [
        ("sentences", lambda: train_word2vec([])),
        ("sentences", lambda: train_word2vec([[]])),
        ("sentences", lambda: train_word2vec("我 爱 北京")),
        ("sentences", lambda: train_word2vec([["x", "y"]], min_count=5)),  # 没有词出现 5 次
        ("model", lambda: train_word2vec(corpus, model="glove")),
        ("objective", lambda: train_word2vec(corpus, objective="softmax")),
        ("dim", lambda: train_word2vec(corpus, dim=0)),
        ("window", lambda: train_word2vec(corpus, window=0)),
        ("negatives", lambda: train_word2vec(corpus, negatives=0)),
        ("epochs", lambda: train_word2vec(corpus, epochs=0)),
        ("lr", lambda: train_word2vec(corpus, lr=0.0)),
        ("min_lr", lambda: train_word2vec(corpus, lr=0.01, min_lr=0.1)),
        ("batch_size", lambda: train_word2vec(corpus, batch_size=0)),
        ("subsample", lambda: train_word2vec(corpus, subsample=0.0)),
        ("subsample", lambda: train_word2vec(corpus, subsample=2.0)),
        ("seed", lambda: train_word2vec(corpus, seed=-1)),
        ("subsample_rule", lambda: train_word2vec(corpus, subsample_rule="gensim")),
        ("counts", lambda: keep_probability_word2vec(np.array([0, 0]), 1e-3)),
        ("counts", lambda: keep_probability_word2vec(np.array([[1, 2]]), 1e-3)),
        ("threshold", lambda: keep_probability_word2vec(np.array([1, 2]), -1.0)),
        ("min_count", lambda: train_word2vec(corpus, min_count=0)),
        ("vocab", lambda: train_word2vec(corpus, vocab={"cat": 2})),
        ("chunk_tokens", lambda: train_word2vec(corpus, chunk_tokens=0)),
        ("show_progress", lambda: train_word2vec(corpus, show_progress="yes")),
    ]
    V, U = np.zeros((5, 3), np.float32), np.zeros((5, 3), np.float32)
    ctx, msk, tgt = np.array([[1, 2]]), np.array([[True, False]]), np.array([[3, 4, 0]])
    lab, tm = np.array([[1.0, 0.0, 0.0]], np.float32), np.ones((1, 3), np.float32)
    bad_calls += [
        ("outside_vectors", lambda: skipgram_batch_update(V[:, :2].copy(), U, ctx, msk, tgt, lab, tm, 0.1)),  # d 不一致
        ("center_vectors", lambda: skipgram_batch_update(V[:, :2], U, ctx, msk, tgt, lab, tm, 0.1)),  # 不是行连续的
        ("center_vectors", lambda: skipgram_batch_update(V.tolist(), U, ctx, msk, tgt, lab, tm, 0.1)),
        ("outside_vectors", lambda: skipgram_batch_update(V, U.astype(np.float64), ctx, msk, tgt, lab, tm, 0.1)),
        ("context", lambda: skipgram_batch_update(V, U, ctx + 4, msk, tgt, lab, tm, 0.1)),
        ("mask", lambda: cbow_batch_update(V, U, ctx, msk[:, :1], tgt, lab, tm, 0.1)),
        ("mask", lambda: cbow_batch_update(V, U, ctx, ~np.ones_like(msk), tgt, lab, tm, 0.1)),
        ("target", lambda: cbow_batch_update(V, U, ctx, msk, tgt + 5, lab, tm, 0.1)),
        ("labels", lambda: cbow_batch_update(V, U, ctx, msk, tgt, lab[:, :2], tm, 0.1)),
        ("lr", lambda: cbow_batch_update(V, U, ctx, msk, tgt, lab, tm, -1.0)),
    ]
    for name, call in bad_calls:
        with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
            call()


def test_chunks_split_a_chunk_among_workers():
    """_train_chunk 用 _chunks(sents, ⌈n / workers⌉) 把一块语料分给几个线程：至多 workers 段，只在句首切。"""
    sents = np.repeat(np.arange(6), [3, 1, 4, 2, 5, 1])
    for workers in (1, 2, 3, 10):
        parts = _chunks(sents, -(-len(sents) // workers))
        assert parts[0][0] == 0 and parts[-1][1] == len(sents) and len(parts) <= workers
        assert all(e == b2 and sents[b2] != sents[b2 - 1] for (_, e), (b2, _) in zip(parts, parts[1:]))
    assert _chunks(np.zeros(9, int), -(-9 // 2)) == [(0, 9)]    # 一整句：不切


def test_two_workers_train_as_well(corpus):
    """两个线程（Hogwild）：预测次数与一个线程相同，同样学到两组词。"""
    kw = dict(model="cbow", dim=12, window=2, min_count=1, epochs=5, subsample=None, lr=0.05, chunk_tokens=2000,
              show_progress=False)
    one, two = train_word2vec(corpus, **kw), train_word2vec(corpus, workers=2, **kw)
    assert one.n_predictions == two.n_predictions
    assert similarity(two, "cat", "dog") > similarity(two, "cat", "car") + 0.3


@pytest.mark.parametrize("batch_size", BATCH_SIZES)
def test_divergence_names_the_learning_rate(corpus, batch_size):
    """学习率太大、训练发散时报错点名 lr，而不是返回 NaN。"""
    with pytest.raises(ValueError, match=r"^参数 `lr`：期望更小的学习率（训练发散了"):
        train_word2vec(corpus, dim=1, window=1, negatives=1, min_count=1, epochs=4, lr=3.0, subsample=None,
                       chunk_tokens=1, batch_size=batch_size, show_progress=False)
