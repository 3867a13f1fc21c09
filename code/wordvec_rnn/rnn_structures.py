# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save rnn_structures` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/02_rnn/04_structures.ipynb

"""第 02 章「结构类型」（chapters/02_rnn/04_structures.ipynb）中推导并实现的代码：一对一、数 → 中文数词、多对一、
多对多（等长）、多对多（不等长）。
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import Choice, Instance, Int, NDArray, Rng, Satisfies, Tensor, accepts, returns
from wordvec_rnn.vocab import EOS_ID, Vocab


# 定义于 chapters/02_rnn/04_structures.ipynb 「结构类型」§「一对一」
@accepts(rng=Rng(), batch_size=Int(1, dim="B"), dtype=Choice(torch.float32, torch.float64))
@returns(Tensor("B", 2), Tensor("B", dtype="int"))
def xor_batch(rng: np.random.Generator, batch_size: int, dtype=torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """一对一的数据（异或）：x 在 [-1, 1]² 上均匀分布，两个坐标同号时标签为 1；模型见式 (eq-struct-one-to-one)。

    返回 ``(X, y)``，形状 (B, 2) 与 (B,)（int64）。
    """
    X = rng.uniform(-1, 1, size=(batch_size, 2))
    return torch.tensor(X, dtype=dtype), torch.from_numpy((X[:, 0] * X[:, 1] > 0).astype(np.int64))


# 定义于 chapters/02_rnn/04_structures.ipynb 「结构类型」§「数 → 中文数词」
IGNORE_INDEX = -100  # 不计损失的标签（F.cross_entropy 的默认 ignore_index）：填在较短的目标序列末尾

DIGITS_ZH = "零一二三四五六七八九"
NUMERAL_VOCAB = Vocab([list(DIGITS_ZH + "十")])  # <unk> 0、<eos> 1，零…九 为 2…11，十 为 12


@accepts(k=Int(0, 99))
def chinese_numeral(k: int) -> list[str]:
    """0…99 的中文数词，逐字：7 → 七，10 → 十，15 → 十五，20 → 二十，37 → 三十七（见 (sec-struct-one-to-many)）。"""
    tens, units = divmod(k, 10)
    if tens == 0:
        return [DIGITS_ZH[units]]
    return ([] if tens == 1 else [DIGITS_ZH[tens]]) + ["十"] + ([] if units == 0 else [DIGITS_ZH[units]])


@accepts(numbers=NDArray("B", dtype="int", below=100))
@returns(Tensor("B", 20), Tensor("B", 4, dtype="int"))
def numeral_batch(numbers) -> tuple[torch.Tensor, torch.Tensor]:
    """一对多（式 (eq-struct-one-to-many)）的数据：``numbers`` 是 0…99 的整数（一维 numpy 数组）。返回 ``(e, targets)``：

    ``e`` 形状 (B, 20)，前 10 维是十位的独热向量、后 10 维是个位的；``targets`` 形状 (B, 4)，是数词的编号
    （``NUMERAL_VOCAB``）加一个 EOS，较短的在末尾填 ``IGNORE_INDEX``。
    """
    e = np.zeros((len(numbers), 20), dtype=np.float32)
    targets = np.full((len(numbers), 4), IGNORE_INDEX, dtype=np.int64)
    for i, k in enumerate(numbers.tolist()):
        e[i, k // 10] = e[i, 10 + k % 10] = 1
        ids = NUMERAL_VOCAB.encode(chinese_numeral(k), add_eos=True)
        targets[i, : len(ids)] = ids
    return torch.from_numpy(e), torch.from_numpy(targets)


class _Targets(Tensor):
    """目标序列：形状 (B, T_y) 的编号张量，元素在 [0, V) 内，或是填充的 ``IGNORE_INDEX``。"""

    def __init__(self):
        super().__init__("B", None, dtype="int", below="V")

    def check(self, value, name, dims):
        filled = value.masked_fill(value == IGNORE_INDEX, 0) if torch.is_tensor(value) else value
        super().check(filled, name, dims)
        return value


def _previous_outputs(targets: torch.Tensor) -> torch.Tensor:
    """教师强制时接回的 y_1 … y_{T_y-1}；填充的位置换成 EOS（那些步的输出不计损失，换成什么都一样）。"""
    return targets[:, :-1].masked_fill(targets[:, :-1] == IGNORE_INDEX, EOS_ID)


class OneToMany(nn.Module):
    """一对多：一个输入 e，输出一个以 EOS 结尾的序列，实现式 (eq-struct-one-to-many)。

    第 1 步的输入是 [e; 0]，之后第 t 步是 [0; y_{t-1} 的独热向量]：上一步的输出接回来作输入。
    ``forward`` 用教师强制（接回真实的 y_{t-1}），``generate`` 贪心生成（接回自己选出的词元）。
    """

    @accepts(n_in=Int(1), vocab_size=Int(2), m=Int(1))
    def __init__(self, n_in: int, vocab_size: int, m: int):
        super().__init__()
        self.n_in, self.vocab_size = n_in, vocab_size
        self.rnn = nn.RNN(self.n_in + self.vocab_size, m, batch_first=True)
        self.output = nn.Linear(m, self.vocab_size)

    def _inputs(self, e: torch.Tensor, previous: torch.Tensor | None) -> torch.Tensor:
        """各步的输入：``previous`` 为 None 时只有第 1 步 [e; 0]，否则只有 [0; onehot(previous[:, t])] 这些步。"""
        if previous is None:
            return torch.cat([e, e.new_zeros(len(e), self.vocab_size)], dim=1).unsqueeze(1)
        fed_back = F.one_hot(previous, self.vocab_size).to(e.dtype)
        return torch.cat([e.new_zeros(*previous.shape, self.n_in), fed_back], dim=2)

    @accepts(self=Instance(nn.Module, "OneToMany", sizes={"n": "n_in", "V": "vocab_size"}), e=Tensor("B", "n"), targets=_Targets())
    @returns(Tensor("B", None, "V"))
    def forward(self, e: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """教师强制：``e`` (B, n_in)，``targets`` (B, T_y) → 每步的 logits (B, T_y, |V|)。"""
        previous = _previous_outputs(targets)
        inputs = torch.cat([self._inputs(e, None), self._inputs(e, previous)], dim=1)
        H, _ = self.rnn(inputs)
        return self.output(H)

    @accepts(self=Instance(nn.Module, "OneToMany", sizes={"n": "n_in", "V": "vocab_size"}), e=Tensor("B", "n"), max_len=Int(1, dim="L"))
    @returns(Tensor("B", "L", dtype="int"))
    @torch.no_grad()
    def generate(self, e: torch.Tensor, max_len: int) -> torch.Tensor:
        """贪心生成 ``max_len`` 步：每步取概率最大的词元，接回作下一步的输入。返回编号 (B, max_len)。"""
        inputs, h, tokens = self._inputs(e, None), None, []
        for _ in range(max_len):
            H, h = self.rnn(inputs, h)
            token = self.output(H[:, -1]).argmax(dim=-1)
            tokens.append(token)
            inputs = self._inputs(e, token[:, None])
        return torch.stack(tokens, dim=1)


@accepts(generated=Tensor("B", None, dtype="int"), targets=Tensor("B", None, dtype="int"))
@returns(NDArray("B", dtype="bool"))
def exact_match(generated: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """逐个序列判断生成得是否完全正确：``targets`` (B, T_y) 中不是 ``IGNORE_INDEX`` 的位置（含 EOS）都要与
    ``generated`` 相同，EOS 之后生成了什么不管。返回形状 (B,) 的布尔数组。见 (sec-struct-one-to-many)。"""
    valid = targets != IGNORE_INDEX
    width = int(valid.sum(dim=1).max())
    if generated.shape[1] < width:                                 # 关系到 generated 与 targets 两个参数
        fail("generated", f"至少 {width} 列（最长的目标序列的长度）", generated)
    same = (generated[:, :width] == targets[:, :width]) | ~valid[:, :width]
    return same.all(dim=1).numpy()


# 定义于 chapters/02_rnn/04_structures.ipynb 「结构类型」§「多对一」
@accepts(H=Tensor("B", "T", "m"), lengths=Tensor("B", dtype="int", low=1, below="T+1"))
@returns(Tensor("B", "m"))
def last_state(H: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """每个序列最后一个真实时间步的隐状态（式 (eq-struct-many-to-one) 中的 h_{T_x}）：``H`` 形状 (B, T, m)，
    返回 (B, m)，第 i 行是 ``H[i, lengths[i] - 1]``。

    ``lengths`` 形状 (B,) 的整数，1 ≤ 长度 ≤ T：较短的序列在末尾补齐，补齐的位置不用。
    """
    return H[torch.arange(H.shape[0]), lengths - 1]


ODD_LENGTH = Satisfies(lambda k: isinstance(k, int) and not isinstance(k, bool) and k >= 1 and k % 2 == 1,
                       "正的奇数（长度为奇数，0 与 1 才不会一样多）")


@accepts(rng=Rng(), batch_size=Int(1, dim="B"), min_len=ODD_LENGTH, max_len=ODD_LENGTH)
@returns(Tensor("B", None, dtype="int"), Tensor("B", dtype="int"), Tensor("B", dtype="int"))
def majority_batch(rng: np.random.Generator, batch_size: int, *, min_len: int = 5, max_len: int = 21):
    """多对一的数据（见 (sec-struct-many-to-one)）：长度为奇数（min_len…max_len）的 0/1 序列，1 比 0 多时标签为 1。

    返回 ``(ids, lengths, labels)``：形状 (B, T)（T 是这一批的最大长度，较短的在末尾补 0）、(B,)、(B,)。
    """
    if max_len < min_len:                                           # 关系到两个参数
        fail("max_len", f"不小于 min_len = {min_len} 的长度", max_len)
    lengths = rng.choice(np.arange(min_len, max_len + 1, 2), size=batch_size)
    ids = rng.integers(0, 2, size=(batch_size, lengths.max()))
    ids[np.arange(lengths.max()) >= lengths[:, None]] = 0           # 末尾补 0
    labels = (2 * ids.sum(axis=1) > lengths).astype(np.int64)
    return torch.from_numpy(ids), torch.from_numpy(lengths), torch.from_numpy(labels)


class ManyToOne(nn.Module):
    """多对一：读完整个序列，只在最后一个真实时间步输出一次，ŷ = f_y(U h_{T_x} + b_y)，实现式 (eq-struct-many-to-one)。

    ``forward(ids, lengths)``：``ids`` (B, T)、``lengths`` (B,) → logits (B, n_classes)。
    """

    @accepts(vocab_size=Int(1), d=Int(1), m=Int(1), n_classes=Int(2))
    def __init__(self, vocab_size: int, d: int, m: int, n_classes: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(self.vocab_size, d)
        self.rnn = nn.RNN(d, m, batch_first=True)
        self.output = nn.Linear(m, n_classes)

    @accepts(self=Instance(nn.Module, "ManyToOne", sizes={"V": "vocab_size"}),
             ids=Tensor("B", "T", dtype="int", below="V"), lengths=Tensor("B", dtype="int", low=1, below="T+1"))
    @returns(Tensor("B", None))
    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        H, _ = self.rnn(self.embedding(ids))
        return self.output(last_state(H, lengths))


# 定义于 chapters/02_rnn/04_structures.ipynb 「结构类型」§「多对多（等长）」
@accepts(rng=Rng(), batch_size=Int(1, dim="B"), T=Int(1, dim="T"))
@returns(Tensor("B", "T", dtype="int"), Tensor("B", "T", dtype="int"))
def parity_batch(rng: np.random.Generator, batch_size: int, T: int) -> tuple[torch.Tensor, torch.Tensor]:
    """多对多（等长）的数据：0/1 序列，第 t 步的标签是前缀 x_1 … x_t 中 1 的个数的奇偶（奇数为 1），式 (eq-struct-parity)。

    返回 ``(ids, tags)``，形状都是 (B, T)。
    """
    ids = rng.integers(0, 2, size=(batch_size, T))
    return torch.from_numpy(ids), torch.from_numpy(np.cumsum(ids, axis=1) % 2)


# 定义于 chapters/02_rnn/04_structures.ipynb 「结构类型」§「多对多（不等长）：编码器–解码器」
DIGIT_VOCAB = Vocab([list("0123456789")])  # <unk> 0、<eos> 1，数字 0…9 为 2…11


@accepts(rng=Rng(), batch_size=Int(1, dim="B"), min_len=Int(1), max_len=Int(1), task=Choice("reverse", "copy"))
@returns(Tensor("B", "T", dtype="int"), Tensor("B", dtype="int"), Tensor("B", "T+1", dtype="int"))
def seq2seq_batch(rng: np.random.Generator, batch_size: int, *, min_len: int = 3, max_len: int = 8,
                  task: str = "reverse"):
    """多对多（不等长，见 (sec-struct-seq2seq)）的数据：长度 min_len…max_len 的数字串（编号取自 ``DIGIT_VOCAB``），目标是把它倒过来
    （``task="reverse"``）或照抄（``"copy"``），再加一个 EOS。

    返回 ``(src, lengths, targets)``：``src`` 形状 (B, T_x)（较短的在末尾填 EOS），``lengths`` (B,)，
    ``targets`` 形状 (B, T_x + 1)（EOS 之后填 ``IGNORE_INDEX``）。
    """
    if max_len < min_len:                                           # 关系到两个参数
        fail("max_len", f"不小于 min_len = {min_len} 的长度", max_len)
    lengths = rng.integers(min_len, max_len + 1, size=batch_size)
    T_x = lengths.max()
    src = np.full((batch_size, T_x), EOS_ID, dtype=np.int64)
    targets = np.full((batch_size, T_x + 1), IGNORE_INDEX, dtype=np.int64)
    for i, length in enumerate(lengths):
        digits = rng.integers(2, 12, size=length)                  # 编号 2…11 是数字 0…9
        src[i, :length] = digits
        targets[i, :length] = digits[::-1] if task == "reverse" else digits
        targets[i, length] = EOS_ID
    return torch.from_numpy(src), torch.from_numpy(lengths), torch.from_numpy(targets)


SOURCE = Tensor("B", "T", dtype="int", below="V")                  # 源序列 (B, T_x)
LENGTHS = Tensor("B", dtype="int", low=1, below="T+1")             # 每个序列的真实长度，1…T_x


class Seq2Seq(nn.Module):
    """编码器–解码器：两个 tanh RNN，共用一张词向量表，实现式 (eq-struct-seq2seq)。

    编码器读完 x_1 … x_{T_x}，c = h^enc_{T_x} 作解码器的初始状态；解码器第 1 步的输入是 EOS，之后是
    上一步的输出。``forward`` 用教师强制，``generate`` 贪心解码。
    """

    @accepts(vocab_size=Int(2), d=Int(1), m=Int(1))
    def __init__(self, vocab_size: int, d: int, m: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(self.vocab_size, d)
        self.encoder = nn.RNN(d, m, batch_first=True)
        self.decoder = nn.RNN(d, m, batch_first=True)
        self.output = nn.Linear(m, self.vocab_size)

    @accepts(self=Instance(nn.Module, "Seq2Seq", sizes={"V": "vocab_size"}), src=SOURCE, lengths=LENGTHS)
    @returns(Tensor(1, "B", None))
    def encode(self, src: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``src`` (B, T_x)、``lengths`` (B,) → c，形状 (1, B, m)（``nn.RNN`` 的初始状态的形状）。"""
        H, _ = self.encoder(self.embedding(src))
        return last_state(H, lengths).unsqueeze(0)

    @accepts(self=Instance(nn.Module, "Seq2Seq", sizes={"V": "vocab_size"}), src=SOURCE, lengths=LENGTHS, targets=_Targets())
    @returns(Tensor("B", None, "V"))
    def forward(self, src: torch.Tensor, lengths: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """教师强制：解码器的输入是 [EOS, y_1, …, y_{T_y-1}]。返回每步的 logits (B, T_y, |V|)。"""
        c = self.encode(src, lengths)
        previous = _previous_outputs(targets)
        inputs = torch.cat([torch.full_like(targets[:, :1], EOS_ID), previous], dim=1)
        H, _ = self.decoder(self.embedding(inputs), c)
        return self.output(H)

    @accepts(self=Instance(nn.Module, "Seq2Seq", sizes={"V": "vocab_size"}), src=SOURCE, lengths=LENGTHS, max_len=Int(1, dim="L"))
    @returns(Tensor("B", "L", dtype="int"))
    @torch.no_grad()
    def generate(self, src: torch.Tensor, lengths: torch.Tensor, max_len: int) -> torch.Tensor:
        """贪心解码 ``max_len`` 步（每步取概率最大的词元，接回作下一步的输入）。返回编号 (B, max_len)。"""
        h = self.encode(src, lengths)
        token = torch.full((len(src),), EOS_ID, dtype=torch.int64)
        tokens = []
        for _ in range(max_len):
            H, h = self.decoder(self.embedding(token[:, None]), h)
            token = self.output(H[:, -1]).argmax(dim=-1)
            tokens.append(token)
        return torch.stack(tokens, dim=1)
