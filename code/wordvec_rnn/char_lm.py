# 本模块由 `python -m wordvec_rnn.export` 从章节笔记本中标记 `#@save char_lm` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/02_rnn/05_char_lm.ipynb

"""第 02 章「字符级语言模型」（chapters/02_rnn/05_char_lm.ipynb）中推导并实现的代码：语料、把长文本切成 B 条并行的流、
困惑度与两条基线、模型、训练、采样与温度。
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from wordvec_rnn.checks import (
    check_array,
    check_choice,
    check_float,
    check_ids,
    check_int,
    check_positive,
    check_str,
    fail,
)
from wordvec_rnn.progress import progress
from wordvec_rnn.vocab import EOS_ID, Vocab


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「语料：从词到字」
def _check_list(value, name: str, what: str, *, min_len: int = 1):
    """``value`` 必须是 list 或 tuple，至少 ``min_len`` 个元素（字符串不算）。"""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)) or len(value) < min_len:
        fail(name, f"至少 {min_len} 个{what}的列表" if min_len else f"{what}的列表", value)
    return value


def char_sentences(sentences) -> list[list[str]]:
    """分好词的句子 → 字的序列：把每句的词连起来再逐字拆开，如 ``[['中国', '人民']]`` → ``[['中', '国', '人', '民']]``。

    见 (sec-charlm-corpus)。
    """
    _check_list(sentences, "sentences", "句子（词的列表）")
    out = []
    for i, sentence in enumerate(sentences):
        _check_list(sentence, f"sentences[{i}]", "词", min_len=0)
        for j, word in enumerate(sentence):
            if not isinstance(word, str) or word == "":
                fail(f"sentences[{i}][{j}]", "非空字符串（词）", word)
        out.append(list("".join(sentence)))
    return out


def train_val_split(sentences, val_fraction: float = 0.05, seed: int = 0) -> tuple[list, list]:
    """按句子划分训练集与验证集：每个句子以种子 ``seed`` 抽签，概率 ``val_fraction`` 进验证集。

    两部分都保持句子原来的先后。返回 ``(train, val)``，两者都不能为空。见 (sec-charlm-corpus)。
    """
    _check_list(sentences, "sentences", "句子", min_len=2)
    val_fraction = check_float(val_fraction, "val_fraction", low=0.0, high=1.0)
    seed = check_int(seed, "seed", low=0)
    is_val = np.random.default_rng(seed).random(len(sentences)) < val_fraction
    if is_val.all() or not is_val.any():
        fail("val_fraction", "使训练集与验证集都不为空的比例", val_fraction)
    train = [s for s, v in zip(sentences, is_val) if not v]
    val = [s for s, v in zip(sentences, is_val) if v]
    return train, val


def encode_stream(sentences, vocab: Vocab) -> np.ndarray:
    """句子 → 一条编号流：每句编码后在末尾加 EOS，再首尾相接；一维 int64 数组。见 (sec-charlm-corpus)。"""
    if not isinstance(vocab, Vocab):
        fail("vocab", "wordvec_rnn.vocab.Vocab", vocab)
    _check_list(sentences, "sentences", "句子")
    return np.concatenate([vocab.encode(s, add_eos=True) for s in sentences])


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「把长文本切成 $B$ 条并行的流」
def batchify(stream, B: int) -> torch.Tensor:
    """把一条编号流切成 B 条等长的并行子流（见 (sec-charlm-stream)）：返回形状 (B, len(stream) // B) 的 int64 张量。

    第 i 行是流中从第 i·(len(stream) // B) 个编号起的连续一段（从 0 数），末尾的 len(stream) mod B 个编号丢掉。
    每行至少要有 2 个编号（一个输入、一个标签）。
    """
    B = check_int(B, "B", low=1)
    check_array(stream, "stream", ndim=1, dtype="int")
    width = len(stream) // B
    if width < 2:
        fail("stream", f"长度至少为 2·B = {2 * B} 的编号流", stream)
    return torch.as_tensor(stream, dtype=torch.int64)[: B * width].reshape(B, width)


def chunks(data, T: int):
    """沿 ``data`` (B, 子流长) 的列逐段产生 ``(X, Y)``：X 是接下来的 T 列，Y 是右移一列；最后一段可能短于 T。

    见 (sec-charlm-stream)。
    """
    T = check_int(T, "T", low=1)
    for start in range(0, data.shape[1] - 1, T):
        Y = data[:, start + 1 : start + T + 1]
        yield data[:, start : start + Y.shape[1]], Y


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「困惑度与两条基线」
def unigram_perplexity(train_ids, eval_ids, vocab_size: int, smoothing: float = 1.0) -> float:
    """一元模型（只看字频，不看上下文）的困惑度：实现式 (eq-charlm-unigram) 与 (eq-charlm-ppl)。

    P(w) = (c_w + λ) / (T_corpus + λ|𝒱|)，c_w 是编号 w 在 ``train_ids`` 中出现的次数，T_corpus 是 ``train_ids``
    的长度，平滑系数 λ = ``smoothing``（默认 1：加一平滑）。返回 exp(-(1/M) Σ_i log P(w_i))，对 ``eval_ids`` 的
    全部 M 个编号平均。
    """
    vocab_size = check_int(vocab_size, "vocab_size", low=1)
    smoothing = check_float(smoothing, "smoothing", low=0.0)
    check_ids(train_ids, "train_ids", vocab_size)
    check_ids(eval_ids, "eval_ids", vocab_size)
    counts = np.bincount(np.asarray(train_ids).ravel(), minlength=vocab_size).astype(np.float64)
    probs = (counts + smoothing) / (counts.sum() + smoothing * vocab_size)
    return float(np.exp(-np.log(probs[np.asarray(eval_ids).ravel()]).mean()))


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「模型」
CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class CharLM(nn.Module):
    """字符级语言模型：嵌入 (n) → 循环层 (m) → 线性层 (|𝒱|)，实现式 (eq-charlm-model)；softmax 在损失或采样里。

    ``cell="rnn"`` 时循环层是 ``nn.RNN(n, m, nonlinearity="tanh")``：h_t = tanh(V x_t + W h_{t-1} + b_h)，
    s_t = U h_t + b_y，ŷ_t = softmax(s_t)。``"gru"``、``"lstm"`` 换成 ``nn.GRU``、``nn.LSTM``，其余不变。
    状态的形状是 (1, B, m)；LSTM 的状态是 (h, c) 两个这样的张量。
    """

    def __init__(self, vocab_size: int, n: int, m: int, cell: str = "rnn"):
        super().__init__()
        self.vocab_size = check_int(vocab_size, "vocab_size", low=2)
        self.n, self.m = check_int(n, "n", low=1), check_int(m, "m", low=1)
        self.cell = check_choice(cell, "cell", CELLS)
        self.embedding = nn.Embedding(self.vocab_size, self.n)       # x_t：按编号查出的一行
        extra = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        self.rnn = CELLS[cell](self.n, self.m, batch_first=True, **extra)
        self.output = nn.Linear(self.m, self.vocab_size)              # U 与 b_y

    def init_state(self, B: int):
        """全零的初始状态 h_0（LSTM 还有 c_0），形状 (1, B, m)。"""
        B = check_int(B, "B", low=1)
        h0 = self.output.weight.new_zeros(1, B, self.m)
        return (h0, h0.clone()) if self.cell == "lstm" else h0

    def forward(self, ids, state=None):
        """``ids``：形状 (B, T) 的编号 → ``(logits, state)``，logits 形状 (B, T, |𝒱|)，state 是第 T 步的状态。"""
        check_array(ids, "ids", ndim=2, dtype="int")
        check_ids(ids, "ids", self.vocab_size)
        if state is None:
            state = self.init_state(ids.shape[0])
        parts = state if self.cell == "lstm" and isinstance(state, tuple) and len(state) == 2 else (state,)
        if self.cell == "lstm" and len(parts) != 2:
            fail("state", "LSTM 的状态 (h, c)", state)
        for part in parts:
            check_array(part, "state", shape=(1, ids.shape[0], self.m), dtype="float")
        H, state = self.rnn(self.embedding(ids), state)              # H[:, t-1] 是 h_t，形状 (B, T, m)
        return self.output(H), state


def detach_state(state):
    """截断 BPTT（式 (eq-charlm-tbptt)）：把状态从计算图上摘下来，数值不变，作为下一段的常数 h_0（LSTM 的 h 与 c 都摘）。"""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「训练」
@torch.no_grad()
def perplexity(model: CharLM, data, T: int = 100) -> float:
    """困惑度 exp(每个字的平均交叉熵)，实现式 (eq-charlm-mean-loss) 与 (eq-charlm-ppl)：在 ``batchify`` 的结果
    ``data`` (B, 子流长) 上预测 data[:, 1:]。

    按长为 T 的段前进（``chunks``），状态在段之间传递，每个字都以它前面的全部文字为条件。
    """
    if not isinstance(model, CharLM):
        fail("model", "CharLM", model)
    T = check_int(T, "T", low=1)
    check_array(data, "data", ndim=2, dtype="int")
    check_ids(data, "data", model.vocab_size)
    if data.shape[1] < 2:
        fail("data", "每行至少 2 个编号的 (B, 子流长) 张量", data)
    was_training = model.training
    model.eval()
    state, total = None, 0.0
    for X, Y in chunks(data, T):
        logits, state = model(X, state)
        total += F.cross_entropy(logits.reshape(-1, model.vocab_size), Y.reshape(-1), reduction="sum").item()
    model.train(was_training)
    return math.exp(total / (data.shape[0] * (data.shape[1] - 1)))


@dataclass
class CharLMHistory:
    """``train_char_lm`` 的记录：每步的训练损失（每字平均交叉熵）与裁剪前的梯度范数；每次验证的步数与困惑度。

    见 (sec-charlm-train)。
    """

    train_loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    eval_step: list[int] = field(default_factory=list)
    val_perplexity: list[float] = field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0   # 训练用的时间（不含验证）


def train_char_lm(model: CharLM, train_data, val_data, *, T: int = 35, steps: int | None = None,
                  max_seconds: float | None = None, lr: float = 2e-3, max_norm: float = 1.0,
                  eval_every: int | None = 100, val_T: int = 100, show_progress: bool = True) -> CharLMHistory:
    """截断 BPTT（式 (eq-charlm-tbptt)）+ 梯度裁剪（实现式 (eq-charlm-clip)）+ Adam，原地训练 ``model``，返回
    ``CharLMHistory``。见 (sec-charlm-train)。

    ``train_data``、``val_data`` 是 ``batchify`` 的结果。每步取各行接下来的 T 列作输入、右移一列作标签，
    上一段的状态 ``detach`` 后带入；走到末尾就从头再来，状态清零。``steps`` 与 ``max_seconds``（训练时间，
    不含验证）至少给一个，先到先停。第 0 步、每 ``eval_every`` 步与最后一步在 ``val_data`` 上算困惑度
    （``eval_every=None``：只在第 0 步与最后一步）。
    """
    if not isinstance(model, CharLM):
        fail("model", "CharLM", model)
    T = check_int(T, "T", low=1)
    for data, name in ((train_data, "train_data"), (val_data, "val_data")):
        check_array(data, name, ndim=2, dtype="int")
        check_ids(data, name, model.vocab_size)
        if data.shape[1] < 2:
            fail(name, "每行至少 2 个编号的 (B, 子流长) 张量", data)
    if steps is None and max_seconds is None:
        fail("steps", "正整数（或给出 max_seconds）", steps)
    steps = None if steps is None else check_int(steps, "steps", low=1)
    max_seconds = None if max_seconds is None else check_positive(max_seconds, "max_seconds")
    lr, max_norm = check_positive(lr, "lr"), check_positive(max_norm, "max_norm")
    eval_every = None if eval_every is None else check_int(eval_every, "eval_every", low=1)
    val_T = check_int(val_T, "val_T", low=1)

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = CharLMHistory(eval_step=[0], val_perplexity=[perplexity(model, val_data, val_T)])
    bar = progress(total=steps, desc=f"训练 {model.cell.upper()}") if show_progress else None
    model.train()
    batches, state = chunks(train_data, T), None
    while (steps is None or history.steps < steps) and (max_seconds is None or history.seconds < max_seconds):
        tic = time.perf_counter()
        try:
            X, Y = next(batches)
        except StopIteration:                                      # 走完一遍：从头再来，状态清零
            batches, state = chunks(train_data, T), None
            X, Y = next(batches)
        if state is not None:
            state = detach_state(state)                            # 截断 BPTT：h_0 当作常数
        logits, state = model(X, state)
        loss = F.cross_entropy(logits.reshape(-1, model.vocab_size), Y.reshape(-1))   # 每个字的平均交叉熵
        optimizer.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)            # 梯度裁剪
        optimizer.step()
        history.seconds += time.perf_counter() - tic
        history.steps += 1
        history.train_loss.append(loss.item())
        history.grad_norm.append(norm.item())
        if eval_every is not None and history.steps % eval_every == 0 and history.steps != steps:
            history.eval_step.append(history.steps)
            history.val_perplexity.append(perplexity(model, val_data, val_T))
        if bar is not None:
            bar.set_postfix_str(f"损失 {loss.item():.3f}，验证困惑度 {history.val_perplexity[-1]:.0f}", refresh=False)
            bar.update(1)
    history.eval_step.append(history.steps)
    history.val_perplexity.append(perplexity(model, val_data, val_T))
    if bar is not None:
        bar.set_postfix_str(f"损失 {history.train_loss[-1]:.3f}，验证困惑度 {history.val_perplexity[-1]:.1f}")
        bar.close()
    return history


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「采样与温度」
@torch.no_grad()
def next_char_probs(model: CharLM, ids, temperature: float = 1.0, state=None):
    """读入一维编号序列 ``ids`` 后，下一个字的分布 softmax(s / τ)（实现式 (eq-charlm-temperature)），s 是最后一步的
    logits。返回 ``(概率, 状态)``。"""
    if not isinstance(model, CharLM):
        fail("model", "CharLM", model)
    temperature = check_positive(temperature, "temperature")
    check_array(ids, "ids", ndim=1, dtype="int")
    logits, state = model(torch.as_tensor(ids, dtype=torch.int64)[None, :], state)
    return torch.softmax(logits[0, -1] / temperature, dim=-1), state


@torch.no_grad()
def sample(model: CharLM, vocab: Vocab, prompt: str, length: int, *, temperature: float = 1.0,
           generator: torch.Generator | None = None, stop_at_eos: bool = True) -> str:
    """从 ``prompt`` 出发逐字采样：每步从 softmax(s / τ)（式 (eq-charlm-temperature)）抽一个字，再喂回模型。
    返回 prompt 加上生成的文字。

    ``length`` 是最多生成的字数；``stop_at_eos=True`` 时抽到 EOS 就停（EOS 不输出）。``generator`` 是 torch 的
    随机数发生器：种子相同，生成的文字相同。prompt 中不在字表里的字按 UNK 读入。
    """
    if not isinstance(model, CharLM):
        fail("model", "CharLM", model)
    if not isinstance(vocab, Vocab) or len(vocab) != model.vocab_size:
        fail("vocab", f"大小为 {model.vocab_size} 的 Vocab（与模型一致）", vocab)
    check_str(prompt, "prompt")
    length = check_int(length, "length", low=1)
    temperature = check_positive(temperature, "temperature")
    if generator is not None and not isinstance(generator, torch.Generator):
        fail("generator", "torch.Generator 或 None", generator)
    was_training = model.training
    model.eval()
    probs, state = next_char_probs(model, vocab.encode(list(prompt)), temperature)
    out = []
    for _ in range(length):
        w = int(torch.multinomial(probs, 1, generator=generator))
        if w == EOS_ID and stop_at_eos:
            break
        out.append(vocab.tokens[w])
        probs, state = next_char_probs(model, np.array([w]), temperature, state)
    model.train(was_training)
    return prompt + "".join(out)
