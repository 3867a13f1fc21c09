"""词表 `wordvec_rnn.vocab.Vocab`（由第 00 章的 `#@save vocab` 单元导出）的单元测试。"""

import numpy as np
import pytest
import torch

from wordvec_rnn.vocab import EOS, EOS_ID, UNK, UNK_ID, Vocab

CORPUS = [
    ["b", "a", "c"],
    ["a", "b"],
    ["c", "a", "d"],
    ["e"],
]
# 次数：a 3，b 2，c 2，d 1，e 1；b 与 c 同为 2 次，b 先出现；d 与 e 同为 1 次，d 先出现


def test_reserved_ids_and_order_by_count_then_first_appearance():
    vocab = Vocab(CORPUS)
    assert (UNK_ID, EOS_ID) == (0, 1)
    assert vocab.tokens == [UNK, EOS, "a", "b", "c", "d", "e"]
    assert len(vocab) == 7
    assert [vocab[t] for t in vocab.tokens] == list(range(7))
    assert vocab.counts.tolist() == [0, 4, 3, 2, 2, 1, 1]
    assert vocab.counts.dtype == np.int64


def test_counts_sum_to_tokens_plus_sentences():
    for vocab in (Vocab(CORPUS), Vocab(CORPUS, min_count=2), Vocab(CORPUS, max_size=1)):
        assert vocab.counts.sum() == sum(map(len, CORPUS)) + len(CORPUS)
        assert vocab.counts[1] == len(CORPUS)


def test_min_count_maps_rare_tokens_to_unk():
    vocab = Vocab(CORPUS, min_count=2)
    assert vocab.tokens == [UNK, EOS, "a", "b", "c"]
    assert vocab.counts[0] == 2  # d 与 e 各一次
    assert "d" not in vocab and vocab["d"] == UNK_ID
    assert Vocab(CORPUS, min_count=4).tokens == [UNK, EOS]


def test_max_size_keeps_most_frequent_ordinary_tokens():
    vocab = Vocab(CORPUS, max_size=2)
    assert vocab.tokens == [UNK, EOS, "a", "b"]  # c 与 b 同次数，但 b 先出现
    assert vocab.counts.tolist() == [4, 4, 3, 2]
    assert len(Vocab(CORPUS, max_size=100)) == 7
    both = Vocab(CORPUS, min_count=2, max_size=10)
    assert both.tokens == [UNK, EOS, "a", "b", "c"]


def test_accepts_any_iterable_of_sequences():
    from_generator = Vocab(tuple(s) for s in CORPUS)
    assert from_generator.tokens == Vocab(CORPUS).tokens
    assert Vocab([[]]).tokens == [UNK, EOS] and Vocab([[]]).counts.tolist() == [0, 1]


def test_contains_and_getitem():
    vocab = Vocab(CORPUS)
    assert "a" in vocab and UNK in vocab and EOS in vocab
    assert "z" not in vocab and 3 not in vocab and None not in vocab
    assert vocab["z"] == UNK_ID and vocab[EOS] == EOS_ID


def test_encode():
    vocab = Vocab(CORPUS)
    ids = vocab.encode(["a", "z", "e"])
    assert isinstance(ids, np.ndarray) and ids.dtype == np.int64
    assert ids.tolist() == [2, UNK_ID, 6]
    assert vocab.encode(("a",), add_eos=True).tolist() == [2, EOS_ID]
    assert vocab.encode([]).shape == (0,) and vocab.encode([]).dtype == np.int64
    assert vocab.encode([], add_eos=True).tolist() == [EOS_ID]
    assert vocab.encode([UNK, EOS]).tolist() == [UNK_ID, EOS_ID]


def test_decode_and_round_trips():
    vocab = Vocab(CORPUS)
    assert vocab.decode(np.array([2, 3, 1])) == ["a", "b", EOS]
    assert vocab.decode(torch.tensor([6, 0])) == ["e", UNK]
    assert vocab.decode([4, 5]) == ["c", "d"]
    assert vocab.decode([]) == [] and vocab.decode(np.array([], dtype=np.int64)) == []
    tokens = ["a", "z", "d"]
    assert vocab.decode(vocab.encode(tokens)) == ["a", UNK, "d"]  # 未知词变成 UNK
    known = ["e", "a", "c"]
    assert vocab.decode(vocab.encode(known, add_eos=True)) == known + [EOS]
    ids = np.arange(len(vocab))
    assert vocab.encode(vocab.decode(ids)).tolist() == ids.tolist()


@pytest.mark.parametrize(
    "sentences, name",
    [
        ("a b c", r"sentences"),            # 单个字符串不是句子列表
        (b"a b", r"sentences"),
        (42, r"sentences"),                 # 不可迭代
        (None, r"sentences"),
        ([], r"sentences"),                 # 没有句子
        (iter([]), r"sentences"),
        (["a b"], r"sentences\[0\]"),       # 句子没有分词
        ([["a"], 3], r"sentences\[1\]"),    # 句子不是序列
        ([{"a"}], r"sentences\[0\]"),       # 集合没有顺序，不是序列
        ([["a", ""]], r"sentences\[0\]\[1\]"),   # 空词元
        ([["a", 1]], r"sentences\[0\]\[1\]"),    # 词元不是字符串
        ([["a"], [UNK]], r"sentences\[1\]\[0\]"),  # 保留词元
        ([[EOS]], r"sentences\[0\]\[0\]"),
    ],
)
def test_bad_sentences(sentences, name):
    with pytest.raises(ValueError, match=rf"参数 `{name}`：期望.*实际得到"):
        Vocab(sentences)


def test_bad_sentences_messages_say_what_was_expected():
    with pytest.raises(ValueError, match=r"参数 `sentences`：期望非空的句子列表.*实际得到 str 'a b c'"):
        Vocab("a b c")
    with pytest.raises(ValueError, match=r"参数 `sentences\[0\]\[1\]`：期望普通词元：非空字符串.*实际得到 str ''"):
        Vocab([["a", ""]])
    with pytest.raises(ValueError, match=r"参数 `sentences\[0\]\[0\]`：期望普通词元.*保留.*实际得到 str '<unk>'"):
        Vocab([[UNK]])
    with pytest.raises(ValueError, match=r"参数 `sentences`：期望非空的句子列表.*实际得到 list \[\]"):
        Vocab([])


@pytest.mark.parametrize("value", [0, -1, 1.0, 2.5, "2", True, None])
def test_bad_min_count(value):
    with pytest.raises(ValueError, match=r"参数 `min_count`：期望.*整数，实际得到"):
        Vocab(CORPUS, min_count=value)


@pytest.mark.parametrize("value", [0, -3, 1.5, "10", False])
def test_bad_max_size(value):
    with pytest.raises(ValueError, match=r"参数 `max_size`：期望.*整数，实际得到"):
        Vocab(CORPUS, max_size=value)


def test_bad_encode_arguments():
    vocab = Vocab(CORPUS)
    with pytest.raises(ValueError, match=r"参数 `tokens`：期望词元序列"):
        vocab.encode("a b")
    with pytest.raises(ValueError, match=r"参数 `tokens\[1\]`：期望非空字符串"):
        vocab.encode(["a", ""])
    with pytest.raises(ValueError, match=r"参数 `tokens\[0\]`"):
        vocab.encode([7])
    with pytest.raises(ValueError, match=r"参数 `add_eos`：期望布尔值"):
        vocab.encode(["a"], add_eos=1)


def test_bad_getitem_argument():
    vocab = Vocab(CORPUS)
    with pytest.raises(ValueError, match=r"参数 `token`：期望非空字符串"):
        vocab[3]
    with pytest.raises(ValueError, match=r"参数 `token`"):
        vocab[""]


@pytest.mark.parametrize(
    "ids, pattern",
    [
        (np.array([2, 7]), r"参数 `ids`：期望词表编号，在 \[0, 7\) 内，实际得到 越界的编号 7"),
        (torch.tensor([-1, 2]), r"参数 `ids`：期望词表编号.*越界的编号 -1"),
        ([1, 99], r"参数 `ids`.*越界的编号 99"),
        (np.array([1.0, 2.0]), r"参数 `ids`：期望整数类型的数组"),
        ([0.5], r"参数 `ids`：期望整数类型的数组"),
        (np.array([[1, 2]]), r"参数 `ids`：期望 1 维数组"),
        ("ab", r"参数 `ids`：期望 numpy 数组或 torch 张量"),
    ],
)
def test_bad_decode_ids(ids, pattern):
    with pytest.raises(ValueError, match=pattern):
        Vocab(CORPUS).decode(ids)
