# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save char_lm` 的代码单元生成，
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

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import (
    Bool,
    Choice,
    Instance,
    Int,
    ListOf,
    NDArray,
    Optional,
    Real,
    Satisfies,
    Spec,
    Str,
    Tensor,
    accepts,
    returns,
)
from wordvec_rnn.progress import progress
from wordvec_rnn.vocab import EOS_ID, Vocab

# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「语料：从词到字」
SENTENCES = ListOf(ListOf(Str(), nonempty=False))  # 句子的列表，每句是非空字符串（词或字）的列表


class _Ids(Spec):
    """编号数组：numpy 数组或 torch 张量（形状 ``shape``，默认任意形状；非空），元素在 [0, ``below``) 内；
    张量转成 numpy 数组。"""

    order = 1

    def __init__(self, *shape, below=None):
        self.array = NDArray(*(shape or (...,)), dtype="int", below=below)

    def check(self, value, name, dims):
        return self.array.check(value.numpy() if torch.is_tensor(value) else value, name, dims)


VOCAB = Instance(Vocab, "wordvec_rnn.vocab.Vocab", sizes={"V": len})


@accepts(sentences=SENTENCES)
def char_sentences(sentences) -> list[list[str]]:
    """分好词的句子 → 字的序列：把每句的词连起来再逐字拆开，如 ``[['中国', '人民']]`` → ``[['中', '国', '人', '民']]``。

    见 (sec-charlm-corpus)。
    """
    return [list("".join(sentence)) for sentence in sentences]


@accepts(sentences=Satisfies(lambda s: isinstance(s, (list, tuple)) and len(s) >= 2
                              and all(isinstance(x, (list, tuple)) for x in s), "至少 2 个句子（字或词的列表）的列表"),
         val_fraction=Real(0.0, 1.0), seed=Int(0))
def train_val_split(sentences, val_fraction: float = 0.05, seed: int = 0) -> tuple[list, list]:
    """按句子划分训练集与验证集：每个句子以种子 ``seed`` 抽签，概率 ``val_fraction`` 进验证集。

    两部分都保持句子原来的先后。返回 ``(train, val)``，两者都不能为空。见 (sec-charlm-corpus)。
    """
    is_val = np.random.default_rng(seed).random(len(sentences)) < val_fraction
    if is_val.all() or not is_val.any():                        # 由抽签的结果决定，不是单个参数的要求
        fail("val_fraction", "使训练集与验证集都不为空的比例", val_fraction)
    train = [s for s, v in zip(sentences, is_val) if not v]
    val = [s for s, v in zip(sentences, is_val) if v]
    return train, val


@accepts(vocab=VOCAB, sentences=SENTENCES)
@returns(NDArray("N", dtype="int"))
def encode_stream(sentences, vocab: Vocab) -> np.ndarray:
    """句子 → 一条编号流：每句编码后在末尾加 EOS，再首尾相接；一维 int64 数组。见 (sec-charlm-corpus)。"""
    return np.concatenate([vocab.encode(s, add_eos=True) for s in sentences])


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「把长文本切成 $B$ 条并行的流」
@accepts(stream=_Ids("L"), B=Int(1))
@returns(Tensor("B", None, dtype="int"))
def batchify(stream, B: int) -> torch.Tensor:
    """把一条编号流切成 B 条等长的并行子流（见 (sec-charlm-stream)）：返回形状 (B, len(stream) // B) 的 int64 张量。
    ``stream`` 是一维的 numpy 数组或 torch 张量。

    第 i 行是流中从第 i·(len(stream) // B) 个编号起的连续一段（从 0 数），末尾的 len(stream) mod B 个编号丢掉。
    每行至少要有 2 个编号（一个输入、一个标签）。
    """
    width = len(stream) // B
    if width < 2:                                                 # 关系到 stream 与 B 两个参数
        fail("stream", f"长度至少为 2·B = {2 * B} 的编号流", stream)
    return torch.as_tensor(stream, dtype=torch.int64)[: B * width].reshape(B, width)


@accepts(data=Tensor("B", None, dtype="int"), T=Int(1))
def chunks(data, T: int):
    """沿 ``data`` (B, 子流长) 的列逐段产生 ``(X, Y)``：X 是接下来的 T 列，Y 是右移一列；最后一段可能短于 T。

    见 (sec-charlm-stream)。
    """
    for start in range(0, data.shape[1] - 1, T):
        Y = data[:, start + 1 : start + T + 1]
        yield data[:, start : start + Y.shape[1]], Y


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「困惑度与两条基线」
@accepts(vocab_size=Int(1, dim="V"), train_ids=NDArray(..., dtype="int", below="V"), eval_ids=_Ids(below="V"),
         smoothing=Real(0.0))
@returns(Real(positive=True))
def unigram_perplexity(train_ids, eval_ids, vocab_size: int, smoothing: float = 1.0) -> float:
    """一元模型（只看字频，不看上下文）的困惑度：实现式 (eq-charlm-unigram) 与 (eq-charlm-ppl)。

    P(w) = (c_w + λ) / (T_corpus + λ|𝒱|)，c_w 是编号 w 在 ``train_ids`` 中出现的次数，T_corpus 是 ``train_ids``
    的长度，平滑系数 λ = ``smoothing``（默认 1：加一平滑）。返回 exp(-(1/M) Σ_i log P(w_i))，对 ``eval_ids`` 的
    全部 M 个编号平均（``eval_ids`` 也可以是 torch 张量）。λ = 0 时没在 ``train_ids`` 中出现的字概率为 0，困惑度为 inf。
    """
    counts = np.bincount(train_ids.ravel(), minlength=vocab_size).astype(np.float64)
    probs = (counts + smoothing) / (counts.sum() + smoothing * vocab_size)
    return float(np.exp(-np.log(probs[eval_ids.ravel()]).mean()))


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「模型」
CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class _State(Spec):
    """循环层的状态：形状为 ``shape``（默认 (1, B, m)）的浮点张量；LSTM 的状态是两个这样的张量组成的元组 (h, c)。
    维度字母 ``S``（若已定下）是状态由几个张量组成。"""

    order = 1

    def __init__(self, *shape):
        self.shape = shape or (1, "B", "m")

    def check(self, value, name, dims):
        parts = value if isinstance(value, tuple) else (value,)
        if len(parts) != dims.get("S", len(parts)) or not 1 <= len(parts) <= 2:
            fail(name, "LSTM 的状态 (h, c)" if dims.get("S") == 2 else "状态张量（或 LSTM 的 (h, c)）", value)
        model = dims.values.get("self", dims.values.get("model"))
        expected = next(model.parameters()).dtype if isinstance(model, nn.Module) else None
        for i, part in enumerate(parts):
            label = name if len(parts) == 1 else f"{name}[{i}]"
            Tensor(*self.shape).check(part, label, dims)
            if expected is not None and part.dtype != expected:  # 与模型的参数同一精度
                fail(label, f"dtype 为 {expected} 的张量（与模型的参数相同；先 .to({expected})）", part)
        return value


class CharLM(nn.Module):
    """字符级语言模型：嵌入 (n) → 循环层 (m) → 线性层 (|𝒱|)，实现式 (eq-charlm-model)；softmax 在损失或采样里。

    ``cell="rnn"`` 时循环层是 ``nn.RNN(n, m, nonlinearity="tanh")``：h_t = tanh(V x_t + W h_{t-1} + b_h)，
    s_t = U h_t + b_y，ŷ_t = softmax(s_t)。``"gru"``、``"lstm"`` 换成 ``nn.GRU``、``nn.LSTM``，其余不变。
    状态的形状是 (1, B, m)；LSTM 的状态是 (h, c) 两个这样的张量。
    """

    @accepts(vocab_size=Int(2), n=Int(1), m=Int(1), cell=Choice(*CELLS))
    def __init__(self, vocab_size: int, n: int, m: int, cell: str = "rnn"):
        super().__init__()
        self.vocab_size, self.n, self.m, self.cell = vocab_size, n, m, cell
        self.state_parts = 2 if cell == "lstm" else 1                  # LSTM 的状态是 (h, c)
        self.embedding = nn.Embedding(self.vocab_size, self.n)       # x_t：按编号查出的一行
        extra = {"nonlinearity": "tanh"} if cell == "rnn" else {}
        self.rnn = CELLS[cell](self.n, self.m, batch_first=True, **extra)
        self.output = nn.Linear(self.m, self.vocab_size)              # U 与 b_y

    @accepts(B=Int(1))
    def init_state(self, B: int):
        """全零的初始状态 h_0（LSTM 还有 c_0），形状 (1, B, m)。"""
        h0 = self.output.weight.new_zeros(1, B, self.m)
        return (h0, h0.clone()) if self.cell == "lstm" else h0

    @accepts(self=Instance(nn.Module, "CharLM", sizes={"V": "vocab_size", "m": "m", "S": "state_parts"}),
             ids=Tensor("B", "T", dtype="int", below="V"), state=Optional(_State()))
    @returns(Tensor("B", "T", "V"), _State())
    def forward(self, ids, state=None):
        """``ids``：形状 (B, T) 的编号 → ``(logits, state)``，logits 形状 (B, T, |𝒱|)，state 是第 T 步的状态。"""
        if state is None:
            state = self.init_state(ids.shape[0])
        H, state = self.rnn(self.embedding(ids), state)              # H[:, t-1] 是 h_t，形状 (B, T, m)
        return self.output(H), state


@accepts(state=_State(...))
def detach_state(state):
    """截断 BPTT（式 (eq-charlm-tbptt)）：把状态从计算图上摘下来，数值不变，作为下一段的常数 h_0（LSTM 的 h 与 c 都摘）。
    ``state`` 是任意形状的浮点张量，或两个张量组成的元组。"""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


# 定义于 chapters/02_rnn/05_char_lm.ipynb 「字符级语言模型」§「训练」
LANGUAGE_MODEL = Instance(nn.Module, "torch.nn.Module，带整数属性 vocab_size，调用方式与 CharLM 相同：model(ids, state) 返回 (logits, state)",
                 sizes={"V": "vocab_size"})
STREAMS = Tensor("B", "S+2", dtype="int", below="V")   # batchify 的结果：每行至少 2 个编号（S ≥ 0）


@accepts(model=LANGUAGE_MODEL, data=STREAMS, T=Int(1))
@returns(Real(positive=True))
@torch.no_grad()
def perplexity(model: nn.Module, data, T: int = 100) -> float:
    """困惑度 exp(每个字的平均交叉熵)，实现式 (eq-charlm-mean-loss) 与 (eq-charlm-ppl)：在 ``batchify`` 的结果
    ``data`` (B, 子流长) 上预测 data[:, 1:]。

    按长为 T 的段前进（``chunks``），状态在段之间传递，每个字都以它前面的全部文字为条件。``model`` 可以是任何
    调用方式与 ``CharLM`` 相同、带 ``vocab_size`` 属性的 ``nn.Module``。
    """
    was_training = model.training
    model.eval()
    state, total = None, 0.0
    for X, Y in chunks(data, T):
        logits, state = model(X, state)
        total += F.cross_entropy(logits.reshape(-1, model.vocab_size), Y.reshape(-1).long(), reduction="sum").item()
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


@accepts(model=LANGUAGE_MODEL, train_data=STREAMS, val_data=Tensor(None, "R+2", dtype="int", below="V"), T=Int(1),
         steps=Optional(Int(1)), max_seconds=Optional(Real(positive=True)), lr=Real(positive=True),
         max_norm=Real(positive=True), eval_every=Optional(Int(1)), val_T=Int(1), show_progress=Bool())
def train_char_lm(model: nn.Module, train_data, val_data, *, T: int = 35, steps: int | None = None,
                  max_seconds: float | None = None, lr: float = 2e-3, max_norm: float = 1.0,
                  eval_every: int | None = 100, val_T: int = 100, show_progress: bool = True) -> CharLMHistory:
    """截断 BPTT（式 (eq-charlm-tbptt)）+ 梯度裁剪（实现式 (eq-charlm-clip)）+ Adam，原地训练 ``model``，返回
    ``CharLMHistory``。见 (sec-charlm-train)。

    ``train_data``、``val_data`` 是 ``batchify`` 的结果。每步取各行接下来的 T 列作输入、右移一列作标签，
    上一段的状态 ``detach`` 后带入；走到末尾就从头再来，状态清零。``steps`` 与 ``max_seconds``（训练时间，
    不含验证）至少给一个，先到先停。第 0 步、每 ``eval_every`` 步与最后一步在 ``val_data`` 上算困惑度
    （``eval_every=None``：只在第 0 步与最后一步）。``model`` 同 ``perplexity``：任何调用方式与 ``CharLM``
    相同的 ``nn.Module``（如 d2l 的 ``train_ch8``）。
    """
    if steps is None and max_seconds is None:                       # 两个参数至少给一个
        fail("steps", "正整数（或给出 max_seconds）", steps)

    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = CharLMHistory(eval_step=[0], val_perplexity=[perplexity(model, val_data, val_T)])
    bar = progress(total=steps, desc=f"训练 {getattr(model, 'cell', type(model).__name__).upper()}") if show_progress else None
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
        loss = F.cross_entropy(logits.reshape(-1, model.vocab_size), Y.reshape(-1).long())   # 每个字的平均交叉熵
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
@accepts(model=LANGUAGE_MODEL, ids=NDArray("T", dtype="int", below="V"), temperature=Real(positive=True),
         state=Optional(_State(...)))
@torch.no_grad()
def next_char_probs(model: nn.Module, ids, temperature: float = 1.0, state=None):
    """读入一维编号序列 ``ids`` 后，下一个字的分布 softmax(s / τ)（实现式 (eq-charlm-temperature)），s 是最后一步的
    logits。返回 ``(概率, 状态)``。

    先减去最大的 logit 再除以 τ（softmax 不变）：τ 很小时 s / τ 不会上溢，分布趋于只在 argmax 上的 one-hot。
    """
    logits, state = model(torch.as_tensor(ids, dtype=torch.int64)[None, :], state)
    s = logits[0, -1].double()                                   # float64：τ 可以小到 1e-300
    return torch.softmax((s - s.max()) / temperature, dim=-1).to(logits.dtype), state


@accepts(model=LANGUAGE_MODEL, vocab=VOCAB, prompt=Str(), length=Int(1), temperature=Real(positive=True),
         generator=Optional(Instance(torch.Generator, "torch.Generator（如 torch.Generator().manual_seed(0)）")),
         stop_at_eos=Bool())
@torch.no_grad()
def sample(model: nn.Module, vocab: Vocab, prompt: str, length: int, *, temperature: float = 1.0,
           generator: torch.Generator | None = None, stop_at_eos: bool = True) -> str:
    """从 ``prompt`` 出发逐字采样：每步从 softmax(s / τ)（式 (eq-charlm-temperature)）抽一个字，再喂回模型。
    返回 prompt 加上生成的文字。

    ``length`` 是最多生成的字数；``stop_at_eos=True`` 时抽到 EOS 就停（EOS 不输出）。``generator`` 是 torch 的
    随机数发生器：种子相同，生成的文字相同。prompt 中不在字表里的字按 UNK 读入。``vocab`` 的大小与 ``model.vocab_size`` 相同；
    ``model`` 同 ``perplexity``。
    """
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
