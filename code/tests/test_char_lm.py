"""wordvec_rnn.char_lm（第 02 章「字符级语言模型」导出）：数据流、困惑度与基线、模型、截断 BPTT 训练、采样。"""

import math
import re

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from wordvec_rnn.char_lm import (
    CharLM,
    batchify,
    char_sentences,
    chunks,
    detach_state,
    encode_stream,
    next_char_probs,
    perplexity,
    sample,
    train_char_lm,
    train_val_split,
    unigram_perplexity,
)
from wordvec_rnn.rnn import rnn_forward
from wordvec_rnn.vocab import EOS_ID, UNK_ID, Vocab

CELLS = ("rnn", "gru", "lstm")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def toy_vocab():
    return Vocab(char_sentences([["中国", "人民"], ["人民", "日报"], ["中国"]]))


def test_char_sentences_and_stream():
    sentences = char_sentences([["中国", "人民"], ["日报"], []])
    assert sentences == [["中", "国", "人", "民"], ["日", "报"], []]
    vocab = Vocab(sentences)
    stream = encode_stream(sentences, vocab)
    assert stream.dtype == np.int64 and len(stream) == 4 + 2 + 3   # 每句一个 EOS
    assert np.flatnonzero(stream == EOS_ID).tolist() == [4, 7, 8]
    assert vocab.decode(stream[:4]) == ["中", "国", "人", "民"]


def test_train_val_split_is_deterministic_and_keeps_order():
    sentences = [[str(i)] for i in range(200)]
    train, val = train_val_split(sentences, 0.25, seed=3)
    assert (train, val) == train_val_split(sentences, 0.25, seed=3)
    assert train != train_val_split(sentences, 0.25, seed=4)[0]
    assert sorted(train + val) == sorted(sentences) and len(train) + len(val) == 200
    assert 25 < len(val) < 75
    for part in (train, val):
        numbers = [int(s[0]) for s in part]
        assert numbers == sorted(numbers)


@pytest.mark.parametrize("seed", range(4))
def test_batchify_shapes_and_content(seed):
    rng = np.random.default_rng(seed)
    N, B = int(rng.integers(10, 200)), int(rng.integers(1, 5))
    stream = rng.integers(0, 50, size=N)
    for given in (stream, torch.from_numpy(stream)):
        data = batchify(given, B)
        L = N // B
        assert data.shape == (B, L) and data.dtype == torch.int64
        for i in range(B):
            assert data[i].tolist() == stream[i * L : (i + 1) * L].tolist()


@pytest.mark.parametrize("T", [1, 2, 5, 7, 100])
def test_chunks_cover_the_columns(T):
    data = torch.arange(36).reshape(3, 12)
    pieces = list(chunks(data, T))
    assert all(X.shape == Y.shape and X.shape[1] <= T for X, Y in pieces)
    assert len(pieces) == math.ceil(11 / T)
    assert torch.equal(torch.cat([X for X, _ in pieces], 1), data[:, :-1])
    assert torch.equal(torch.cat([Y for _, Y in pieces], 1), data[:, 1:])


@pytest.mark.parametrize("cell", CELLS)
def test_uniform_model_has_perplexity_vocab_size(cell):
    torch.manual_seed(0)
    model = CharLM(13, 4, 6, cell=cell)
    with torch.no_grad():
        model.output.weight.zero_()
        model.output.bias.zero_()
    data = torch.randint(0, 13, (3, 40))
    for T in (1, 7, 100):
        assert perplexity(model, data, T) == pytest.approx(13, rel=1e-5)


@pytest.mark.parametrize("cell", CELLS)
def test_perplexity_carries_the_state_exactly(cell):
    torch.manual_seed(1)
    model = CharLM(11, 5, 7, cell=cell).double()
    data = torch.randint(0, 11, (2, 30))
    logits, _ = model(data[:, :-1])                                   # 整条序列一次算完
    direct = math.exp(F.cross_entropy(logits.reshape(-1, 11), data[:, 1:].reshape(-1)).item())
    for T in (1, 4, 29, 50):                                          # 分段、带状态：结果相同
        assert perplexity(model, data, T) == pytest.approx(direct, rel=1e-12)
    assert model.training                                             # 评价后恢复训练模式


def test_unigram_perplexity_by_hand():
    assert unigram_perplexity(np.array([2, 2, 3, 1]), np.array([2, 3]), 4) == pytest.approx(8 / math.sqrt(6))
    # 不平滑、在训练流本身上评价：exp(字频分布的熵)
    train = np.array([0, 1, 1, 2, 2, 2, 2, 3])
    f = np.array([1, 2, 4, 1]) / 8
    expected = math.exp(-(f * np.log(f)).sum())
    assert unigram_perplexity(train, train, 4, smoothing=0.0) == pytest.approx(expected)
    assert unigram_perplexity(train, torch.from_numpy(train).reshape(2, 4), 4, smoothing=0.0) == pytest.approx(expected)
    # 训练流里没出现的编号：加一平滑后概率 1/(N + |V|)
    assert unigram_perplexity(np.array([1, 1]), np.array([0]), 3) == pytest.approx(5.0)


@pytest.mark.parametrize("cell", CELLS)
def test_model_shapes_and_state_continuation(cell):
    rng = np.random.default_rng(CELLS.index(cell))
    V, n, m, B, T = (int(rng.integers(2, 9)) for _ in range(5))
    torch.manual_seed(2)
    model = CharLM(V, n, m, cell=cell).double()
    ids = torch.from_numpy(rng.integers(0, V, size=(B, 2 * T)))
    logits, state = model(ids)
    assert logits.shape == (B, 2 * T, V)
    parts = state if cell == "lstm" else (state,)
    assert len(parts) == (2 if cell == "lstm" else 1) and all(s.shape == (1, B, m) for s in parts)
    first, state1 = model(ids[:, :T])                                 # 两段、状态带过去 = 一次算完
    second, state2 = model(ids[:, T:], detach_state(state1))
    assert torch.allclose(torch.cat([first, second], 1), logits, atol=1e-12)
    for a, b in zip(state2 if cell == "lstm" else (state2,), parts):
        assert torch.allclose(a, b, atol=1e-12)
    assert all(not s.requires_grad for s in (detach_state(state1) if cell == "lstm" else (detach_state(state1),)))


def test_rnn_cell_computes_the_chapter_formulas():
    torch.manual_seed(3)
    model = CharLM(9, 3, 5).double()
    ids = torch.randint(0, 9, (4, 6))
    r = model.rnn
    params = {"V": r.weight_ih_l0, "W": r.weight_hh_l0, "b_h": r.bias_ih_l0 + r.bias_hh_l0,
              "U": model.output.weight, "b_y": model.output.bias}
    params = {k: v.detach().numpy() for k, v in params.items()}
    H, Y_hat = rnn_forward(params, model.embedding(ids).detach().numpy())
    logits, h_T = model(ids)
    assert np.abs(torch.softmax(logits, -1).detach().numpy() - Y_hat).max() < 1e-10
    assert np.abs(h_T[0].detach().numpy() - H[:, -1]).max() < 1e-10


@pytest.mark.parametrize("cell", CELLS)
def test_training_learns_a_periodic_stream(cell):
    torch.manual_seed(0)
    stream = np.tile(np.array([2, 3, 4, 5, 6, 1]), 60)                 # 完全可预测：困惑度应接近 1
    train, val = batchify(stream, 4), batchify(stream[:120], 2)
    model = CharLM(7, 8, 16, cell=cell)
    history = train_char_lm(model, train, val, T=10, steps=60, lr=2e-2, eval_every=25, show_progress=False)
    assert history.steps == 60 and len(history.train_loss) == len(history.grad_norm) == 60
    assert history.eval_step == [0, 25, 50, 60] and len(history.val_perplexity) == 4
    assert history.val_perplexity[0] > 4 and history.val_perplexity[-1] < 1.5
    assert history.val_perplexity[-1] == pytest.approx(perplexity(model, val, 100))
    # 按时间停：不给 steps
    quick = train_char_lm(model, train, val, max_seconds=1e-9, eval_every=None, show_progress=False)
    assert quick.steps == 1 and quick.eval_step == [0, 1]


def test_sampling_is_deterministic_and_temperature_sharpens():
    vocab = toy_vocab()
    torch.manual_seed(4)
    model = CharLM(len(vocab), 4, 8)
    with torch.no_grad():
        model.output.bias.copy_(torch.linspace(-2, 2, len(vocab)))
    texts = [sample(model, vocab, "中国", 30, temperature=1.0, generator=torch.Generator().manual_seed(s))
             for s in (0, 0, 1)]
    assert texts[0] == texts[1] and texts[0].startswith("中国")
    prompt = vocab.encode(list("中国"))
    entropies = []
    for tau in (0.25, 0.5, 1.0, 2.0, 4.0):
        p, _ = next_char_probs(model, prompt, tau)
        assert p.shape == (len(vocab),) and p.sum().item() == pytest.approx(1, abs=1e-6)
        entropies.append(-(p * p.log()).sum().item())
    assert all(a < b for a, b in zip(entropies, entropies[1:])) and entropies[-1] < math.log(len(vocab))
    p_cold, _ = next_char_probs(model, prompt, 1e-4)                   # τ → 0：只剩 argmax
    logits, _ = model(torch.from_numpy(prompt)[None])
    assert p_cold.argmax() == logits[0, -1].argmax() and p_cold.max().item() > 0.99


def test_sampling_stops_at_eos_and_prompt_may_contain_unknown_characters():
    vocab = toy_vocab()
    model = CharLM(len(vocab), 4, 8)
    with torch.no_grad():
        model.output.weight.zero_()
        model.output.bias.fill_(-30.0)
        model.output.bias[EOS_ID] = 30.0                                # 总是生成 EOS
    assert sample(model, vocab, "天安门", 10, generator=torch.Generator().manual_seed(0)) == "天安门"
    assert vocab["天"] == UNK_ID
    text = sample(model, vocab, "中", 5, stop_at_eos=False, generator=torch.Generator().manual_seed(0))
    assert text == "中" + "<eos>" * 5


def bad_calls():
    vocab = toy_vocab()
    model = CharLM(len(vocab), 4, 8)
    lstm = CharLM(len(vocab), 4, 8, cell="lstm")
    stream = np.arange(40) % len(vocab)
    data = batchify(stream, 2)
    return [
        ("sentences", lambda: char_sentences("中国")),
        ("sentences", lambda: char_sentences([])),
        ("sentences[1]", lambda: char_sentences([["中国"], "人民"])),
        ("sentences[0][0]", lambda: char_sentences([[3]])),
        ("sentences", lambda: train_val_split([["中"]], 0.5)),
        ("val_fraction", lambda: train_val_split([["中"], ["国"]], 1.5)),
        ("val_fraction", lambda: train_val_split([["中"], ["国"]], 1.0)),
        ("seed", lambda: train_val_split([["中"], ["国"]], 0.5, seed=-1)),
        ("vocab", lambda: encode_stream([["中"]], {"中": 2})),
        ("sentences", lambda: encode_stream([], vocab)),
        ("B", lambda: batchify(stream, 0)),
        ("B", lambda: batchify(stream, 2.0)),
        ("stream", lambda: batchify(np.zeros(0, dtype=np.int64), 1)),
        ("stream", lambda: batchify(stream[:3], 2)),
        ("stream", lambda: batchify(stream.reshape(2, 20), 2)),
        ("stream", lambda: batchify(stream.astype(float), 2)),
        ("T", lambda: list(chunks(data, 0))),
        ("vocab_size", lambda: CharLM(1, 4, 8)),
        ("n", lambda: CharLM(5, 0, 8)),
        ("m", lambda: CharLM(5, 4, -8)),
        ("cell", lambda: CharLM(5, 4, 8, cell="RNN")),
        ("B", lambda: model.init_state(0)),
        ("ids", lambda: model(torch.tensor([[0, len(vocab)]]))),
        ("ids", lambda: model(torch.tensor([[0, -1]]))),
        ("ids", lambda: model(torch.tensor([1, 2]))),
        ("ids", lambda: model(torch.zeros(1, 0, dtype=torch.int64))),
        ("ids", lambda: model(torch.zeros(1, 3))),
        ("state", lambda: model(data[:, :3], torch.zeros(1, 3, 8))),
        ("state", lambda: model(data[:, :3], torch.zeros(1, 2, 5))),
        ("state", lambda: lstm(data[:, :3], torch.zeros(1, 2, 8))),
        ("state", lambda: model(data[:, :3], (torch.zeros(1, 2, 8), torch.zeros(1, 2, 8)))),
        ("model", lambda: perplexity("model", data, 5)),
        ("T", lambda: perplexity(model, data, 0)),
        ("data", lambda: perplexity(model, data + len(vocab), 5)),
        ("data", lambda: perplexity(model, data[:, :1], 5)),
        ("data", lambda: perplexity(model, data[0], 5)),
        ("vocab_size", lambda: unigram_perplexity(stream, stream, 0)),
        ("train_ids", lambda: unigram_perplexity(stream, stream, 3)),
        ("eval_ids", lambda: unigram_perplexity(stream, np.array([], dtype=np.int64), len(vocab))),
        ("smoothing", lambda: unigram_perplexity(stream, stream, len(vocab), smoothing=-1.0)),
        ("model", lambda: train_char_lm(None, data, data, steps=1)),
        ("train_data", lambda: train_char_lm(model, data + len(vocab), data, steps=1)),
        ("val_data", lambda: train_char_lm(model, data, data[:, :1], steps=1)),
        ("T", lambda: train_char_lm(model, data, data, T=0, steps=1)),
        ("steps", lambda: train_char_lm(model, data, data)),
        ("steps", lambda: train_char_lm(model, data, data, steps=0)),
        ("max_seconds", lambda: train_char_lm(model, data, data, max_seconds=0.0)),
        ("lr", lambda: train_char_lm(model, data, data, steps=1, lr=-1e-3)),
        ("max_norm", lambda: train_char_lm(model, data, data, steps=1, max_norm=0.0)),
        ("max_norm", lambda: train_char_lm(model, data, data, steps=1, max_norm=float("inf"))),
        ("eval_every", lambda: train_char_lm(model, data, data, steps=1, eval_every=0)),
        ("val_T", lambda: train_char_lm(model, data, data, steps=1, val_T=0)),
        ("temperature", lambda: next_char_probs(model, np.array([2]), 0.0)),
        ("temperature", lambda: next_char_probs(model, np.array([2]), -1.0)),
        ("ids", lambda: next_char_probs(model, np.array([[2]]), 1.0)),
        ("ids", lambda: next_char_probs(model, np.zeros(0, dtype=np.int64), 1.0)),
        ("model", lambda: sample(object(), vocab, "中", 3)),
        ("vocab", lambda: sample(model, Vocab([["中"]]), "中", 3)),
        ("prompt", lambda: sample(model, vocab, "", 3)),
        ("prompt", lambda: sample(model, vocab, ["中"], 3)),
        ("length", lambda: sample(model, vocab, "中", 0)),
        ("temperature", lambda: sample(model, vocab, "中", 3, temperature=0)),
        ("temperature", lambda: sample(model, vocab, "中", 3, temperature=float("nan"))),
        ("generator", lambda: sample(model, vocab, "中", 3, generator=np.random.default_rng(0))),
    ]


@pytest.mark.parametrize("index", range(len(bad_calls())))
def test_bad_inputs_name_the_argument(index):
    name, call = bad_calls()[index]
    with pytest.raises(ValueError, match=re.escape(f"参数 `{name}`")):
        call()
