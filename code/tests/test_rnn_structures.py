"""wordvec_rnn.rnn_structures（第 02 章「结构类型」导出）：五种结构的数据、模型的输出形状、教师强制与生成一致、
补齐不影响结果、输入检查。"""

import re

import numpy as np
import pytest
import torch
from torch import nn

from wordvec_rnn.rnn_structures import (
    DIGIT_VOCAB,
    IGNORE_INDEX,
    NUMERAL_VOCAB,
    ManyToOne,
    OneToMany,
    Seq2Seq,
    chinese_numeral,
    exact_match,
    last_state,
    majority_batch,
    numeral_batch,
    parity_batch,
    seq2seq_batch,
    xor_batch,
)
from wordvec_rnn.vocab import EOS_ID


def raises(name):
    return pytest.raises(ValueError, match=re.escape(f"参数 `{name}`"))


# ---- 一对一 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_xor_batch(seed):
    rng = np.random.default_rng(seed)
    B = int(rng.integers(1, 50))
    X, y = xor_batch(rng, B, dtype=torch.float64)
    assert X.shape == (B, 2) and X.dtype == torch.float64 and y.shape == (B,) and y.dtype == torch.int64
    assert X.abs().max() <= 1 and torch.equal(y, (X[:, 0] * X[:, 1] > 0).long())
    assert xor_batch(rng, 3)[0].dtype == torch.float32


def test_rnn_with_one_step_is_a_feed_forward_layer():
    torch.manual_seed(0)
    rnn, linear = nn.RNN(3, 5, batch_first=True, dtype=torch.float64), nn.Linear(3, 5, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(rnn.weight_ih_l0)
        linear.bias.copy_(rnn.bias_ih_l0 + rnn.bias_hh_l0)
    X = torch.randn(7, 3, dtype=torch.float64)
    H, _ = rnn(X[:, None])
    assert torch.allclose(H[:, 0], torch.tanh(linear(X)), rtol=0, atol=1e-12)
    H[:, 0].sum().backward()
    assert torch.all(rnn.weight_hh_l0.grad == 0)                   # h_0 = 0：W 得不到梯度


# ---- 一对多 -------------------------------------------------------------------------------------


def test_chinese_numerals():
    examples = {0: "零", 7: "七", 10: "十", 15: "十五", 20: "二十", 37: "三十七", 90: "九十", 99: "九十九"}
    assert {k: "".join(chinese_numeral(k)) for k in examples} == examples
    assert len({"".join(chinese_numeral(k)) for k in range(100)}) == 100
    assert all(ch in NUMERAL_VOCAB for k in range(100) for ch in chinese_numeral(k))
    assert len(NUMERAL_VOCAB) == 13 and NUMERAL_VOCAB["零"] == 2 and NUMERAL_VOCAB["十"] == 12


@pytest.mark.parametrize("seed", range(3))
def test_numeral_batch(seed):
    rng = np.random.default_rng(seed)
    numbers = rng.integers(100, size=int(rng.integers(1, 30)))
    e, targets = numeral_batch(numbers)
    assert e.shape == (len(numbers), 20) and targets.shape == (len(numbers), 4)
    assert torch.all(e.sum(dim=1) == 2)
    for k, row_e, row_t in zip(numbers.tolist(), e, targets.tolist()):
        assert row_e[k // 10] == 1 and row_e[10 + k % 10] == 1
        n = len(chinese_numeral(k))
        assert NUMERAL_VOCAB.decode(row_t[:n]) == chinese_numeral(k) and row_t[n] == EOS_ID
        assert all(t == IGNORE_INDEX for t in row_t[n + 1 :])


@pytest.mark.parametrize("seed", range(4))
def test_one_to_many_shapes_and_generation_matches_teacher_forcing(seed):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    n_in, vocab_size, m = int(rng.integers(1, 6)), int(rng.integers(2, 8)), int(rng.integers(1, 9))
    B, max_len = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    model = OneToMany(n_in, vocab_size, m)
    e = torch.randn(B, n_in)
    generated = model.generate(e, max_len)
    assert generated.shape == (B, max_len) and generated.dtype == torch.int64
    logits = model(e, generated)                                   # 教师强制，接回的正是生成的词元
    assert logits.shape == (B, max_len, vocab_size)
    assert torch.equal(logits.argmax(dim=-1), generated)


def test_exact_match():
    targets = torch.tensor([[5, 1, IGNORE_INDEX], [3, 4, 1], [2, 1, IGNORE_INDEX]])
    generated = torch.tensor([[5, 1, 7, 7], [3, 4, 2, 1], [2, 3, 1, 1]])
    assert exact_match(generated, targets).tolist() == [True, False, False]
    assert exact_match(targets.clamp(min=0), targets).all()


# ---- 多对一 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_majority_batch(seed):
    rng = np.random.default_rng(seed)
    B = int(rng.integers(1, 40))
    ids, lengths, labels = majority_batch(rng, B, min_len=3, max_len=11)
    assert ids.shape == (B, lengths.max()) and lengths.shape == labels.shape == (B,)
    assert torch.all(lengths % 2 == 1) and lengths.min() >= 3 and lengths.max() <= 11
    for row, n, label in zip(ids.tolist(), lengths.tolist(), labels.tolist()):
        assert set(row) <= {0, 1} and not any(row[n:])             # 末尾补 0
        assert label == int(sum(row[:n]) > n - sum(row[:n]))


@pytest.mark.parametrize("seed", range(4))
def test_many_to_one_reads_the_last_real_step(seed):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    B = int(rng.integers(1, 8))
    model = ManyToOne(2, int(rng.integers(1, 6)), int(rng.integers(1, 9)), 3)
    ids, lengths, _ = majority_batch(rng, B)
    logits = model(ids, lengths)
    assert logits.shape == (B, 3)
    with torch.no_grad():
        H, _ = model.rnn(model.embedding(ids))
        picked = last_state(H, lengths)
        assert picked.shape == (B, H.shape[2])
        for i, n in enumerate(lengths.tolist()):
            alone, _ = model.rnn(model.embedding(ids[i : i + 1, :n]))
            assert torch.allclose(picked[i], alone[0, -1], atol=1e-6)
            assert torch.allclose(logits[i], model.output(alone[0, -1]), atol=1e-6)


# ---- 多对多（等长）--------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_parity_batch(seed):
    rng = np.random.default_rng(seed)
    B, T = int(rng.integers(1, 20)), int(rng.integers(1, 30))
    ids, tags = parity_batch(rng, B, T)
    assert ids.shape == tags.shape == (B, T)
    previous = torch.zeros(B, dtype=torch.int64)
    for t in range(T):                                             # y_t = y_{t-1} XOR x_t
        previous = previous ^ ids[:, t]
        assert torch.equal(tags[:, t], previous)


# ---- 多对多（不等长）------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("task", ["reverse", "copy"])
def test_seq2seq_batch(seed, task):
    rng = np.random.default_rng(seed)
    B = int(rng.integers(1, 20))
    min_len = int(rng.integers(1, 5))
    max_len = min_len + int(rng.integers(0, 5))
    src, lengths, targets = seq2seq_batch(rng, B, min_len=min_len, max_len=max_len, task=task)
    T_x = int(lengths.max())
    assert src.shape == (B, T_x) and lengths.shape == (B,) and targets.shape == (B, T_x + 1)
    assert lengths.min() >= min_len and lengths.max() <= max_len
    for row, n, target in zip(src.tolist(), lengths.tolist(), targets.tolist()):
        digits = DIGIT_VOCAB.decode(row[:n])
        assert all(d.isdigit() for d in digits) and all(t == EOS_ID for t in row[n:])
        expected = digits[::-1] if task == "reverse" else digits
        assert DIGIT_VOCAB.decode(target[:n]) == expected and target[n] == EOS_ID
        assert all(t == IGNORE_INDEX for t in target[n + 1 :])


@pytest.mark.parametrize("seed", range(4))
def test_seq2seq_shapes_and_generation_matches_teacher_forcing(seed):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    d, m, max_len = int(rng.integers(1, 6)), int(rng.integers(1, 9)), int(rng.integers(1, 7))
    model = Seq2Seq(len(DIGIT_VOCAB), d, m)
    src, lengths, targets = seq2seq_batch(rng, int(rng.integers(1, 6)))
    B = len(src)
    assert model.encode(src, lengths).shape == (1, B, m)
    assert model(src, lengths, targets).shape == (B, targets.shape[1], len(DIGIT_VOCAB))
    generated = model.generate(src, lengths, max_len)
    assert generated.shape == (B, max_len)
    assert torch.equal(model(src, lengths, generated).argmax(dim=-1), generated)
    padded = torch.cat([src, torch.full((B, 3), EOS_ID)], dim=1)   # 末尾多补几个不影响编码
    assert torch.allclose(model.encode(padded, lengths), model.encode(src, lengths), atol=1e-6)


# ---- 输入检查 -----------------------------------------------------------------------------------


def test_data_input_errors():
    rng = np.random.default_rng(0)
    cases = [
        ("rng", lambda: xor_batch(np.random.RandomState(0), 3)),
        ("batch_size", lambda: xor_batch(rng, 0)),
        ("k", lambda: chinese_numeral(-1)),
        ("k", lambda: chinese_numeral(3.0)),
        ("numbers", lambda: numeral_batch(np.array([1, 100]))),
        ("numbers", lambda: numeral_batch(np.array([[1, 2]]))),
        ("numbers", lambda: numeral_batch(np.array([1.5]))),
        ("numbers", lambda: numeral_batch(np.array([], dtype=np.int64))),
        ("rng", lambda: majority_batch(None, 3)),
        ("batch_size", lambda: majority_batch(rng, -2)),
        ("min_len", lambda: majority_batch(rng, 3, min_len=0)),
        ("max_len", lambda: majority_batch(rng, 3, min_len=7, max_len=5)),
        ("max_len", lambda: majority_batch(rng, 3, min_len=5, max_len=10)),
        ("T", lambda: parity_batch(rng, 3, 0)),
        ("batch_size", lambda: parity_batch(rng, 1.0, 4)),
        ("task", lambda: seq2seq_batch(rng, 3, task="sort")),
        ("min_len", lambda: seq2seq_batch(rng, 3, min_len=0)),
        ("max_len", lambda: seq2seq_batch(rng, 3, min_len=4, max_len=2)),
        ("rng", lambda: seq2seq_batch(1, 3)),
    ]
    for name, call in cases:
        with raises(name):
            call()


def test_model_input_errors():
    rng = np.random.default_rng(0)
    one_to_many = OneToMany(20, len(NUMERAL_VOCAB), 4)
    e, targets = numeral_batch(np.array([3, 45]))
    many_to_one = ManyToOne(2, 3, 4, 2)
    ids, lengths, _ = majority_batch(rng, 3)
    seq2seq = Seq2Seq(len(DIGIT_VOCAB), 3, 4)
    src, src_lengths, src_targets = seq2seq_batch(rng, 3)
    H = torch.zeros(3, ids.shape[1], 4)
    cases = [
        ("n_in", lambda: OneToMany(0, 5, 4)),
        ("vocab_size", lambda: OneToMany(3, 1, 4)),
        ("m", lambda: OneToMany(3, 5, 0)),
        ("e", lambda: one_to_many(e[:, :5], targets)),
        ("e", lambda: one_to_many(e.long(), targets)),
        ("targets", lambda: one_to_many(e, targets[:1])),
        ("targets", lambda: one_to_many(e, targets + 20)),
        ("max_len", lambda: one_to_many.generate(e, 0)),
        ("vocab_size", lambda: ManyToOne(0, 3, 4, 2)),
        ("d", lambda: ManyToOne(2, 0, 4, 2)),
        ("n_classes", lambda: ManyToOne(2, 3, 4, 1)),
        ("ids", lambda: many_to_one(ids[0], lengths)),
        ("ids", lambda: many_to_one(ids + 2, lengths)),
        ("ids", lambda: many_to_one(ids[:, :0], lengths)),
        ("lengths", lambda: many_to_one(ids, lengths * 0)),
        ("lengths", lambda: many_to_one(ids, lengths + ids.shape[1])),
        ("lengths", lambda: many_to_one(ids, lengths.float())),
        ("H", lambda: last_state(H[0], lengths)),
        ("lengths", lambda: last_state(H, lengths[:1])),
        ("lengths", lambda: last_state(H, lengths + H.shape[1])),
        ("m", lambda: Seq2Seq(12, 3, 0)),
        ("vocab_size", lambda: Seq2Seq(1, 3, 4)),
        ("src", lambda: seq2seq(src[0], src_lengths, src_targets)),
        ("src", lambda: seq2seq(src + 12, src_lengths, src_targets)),
        ("lengths", lambda: seq2seq(src, src_lengths[:2], src_targets)),
        ("targets", lambda: seq2seq(src, src_lengths, src_targets[:2])),
        ("targets", lambda: seq2seq(src, src_lengths, src_targets + 12)),
        ("max_len", lambda: seq2seq.generate(src, src_lengths, -1)),
        ("generated", lambda: exact_match(src_targets[:, :2].clamp(min=0), src_targets)),
        ("generated", lambda: exact_match(src_targets.float(), src_targets)),
        ("targets", lambda: exact_match(src_targets.clamp(min=0), src_targets[:1])),
    ]
    for name, call in cases:
        with raises(name):
            call()
