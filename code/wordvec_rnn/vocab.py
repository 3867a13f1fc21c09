# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save vocab` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/00_notation/01_notation.ipynb

"""第 00 章「符号与术语」（chapters/00_notation/01_notation.ipynb）中推导并实现的代码：词表、UNK 与 EOS。"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from wordvec_rnn.inputs import ArrayLike, Bool, Instance, Int, ListOf, NDArray, Optional, Satisfies, accepts, returns

# 定义于 chapters/00_notation/01_notation.ipynb 「符号与术语」§「词表、UNK 与 EOS」
UNK = "<unk>"  # 未知词（unknown word）：词表之外的词元都映射到它
EOS = "<eos>"  # 句末符（end of sentence）：每个句子末尾一个
UNK_ID, EOS_ID = 0, 1
RESERVED = (UNK, EOS)


# 词元：非空字符串（空格也可以是字符级模型的词元）
TOKEN = Satisfies(lambda t: isinstance(t, str) and t != "", "非空字符串（词元）")
TOKENS = ListOf(TOKEN, nonempty=False, what="词元序列，如 ['我', '爱', '天安门']（字符串要先分词）")
# 语料里的普通词元：UNK 与 EOS 由词表保留，不能出现在输入中
PLAIN_TOKEN = Satisfies(lambda t: isinstance(t, str) and t != "" and t not in RESERVED,
                        f"普通词元：非空字符串，不是保留的 {UNK} 或 {EOS}")
SENTENCES = ListOf(ListOf(PLAIN_TOKEN, nonempty=False, what="词元序列，如 ['我', '爱', '天安门']（字符串要先分词）"),
                   what="非空的句子列表，每个句子是一个词元序列，如 [['我', '爱', '天安门']]")
SELF = Instance(object, "Vocab", sizes={"V": "__len__"})


class Vocab:
    """词表 𝒱：词元与编号的双向映射，约定见 (sec-notation-vocab)。

    - 编号 0 是 UNK（``<unk>``），编号 1 是 EOS（``<eos>``），其余词元按出现次数从多到少编号，
      次数相同的按首次出现的先后；
    - 出现次数少于 ``min_count`` 的词元，以及排在最常见的 ``max_size`` 个普通词元（不含 UNK 与 EOS）
      之后的词元，不进词表，编码时映射为 UNK；
    - ``tokens[i]`` 是编号 ``i`` 的词元；``counts[i]`` 是它在语料中的出现次数（int64），其中
      ``counts[0]`` 是被映射为 UNK 的出现次数，``counts[1]`` 是句子数（每句末尾一个 EOS）。
    """

    @accepts(sentences=SENTENCES, min_count=Int(1), max_size=Optional(Int(1)))
    def __init__(self, sentences: Iterable[Sequence[str]], *, min_count: int = 1, max_size: int | None = None):
        counter: dict[str, int] = {}  # dict 保持插入顺序，也就是首次出现的先后
        for sentence in sentences:
            for token in sentence:
                counter[token] = counter.get(token, 0) + 1
        n_sentences = len(sentences)
        # sorted 是稳定排序：次数相同的词元保持首次出现的先后
        ranked = sorted(counter.items(), key=lambda item: -item[1])
        kept = [(token, count) for token, count in ranked if count >= min_count][:max_size]
        n_unk = sum(counter.values()) - sum(count for _, count in kept)
        self.tokens: list[str] = [UNK, EOS] + [token for token, _ in kept]
        self.counts: np.ndarray = np.array([n_unk, n_sentences] + [count for _, count in kept], dtype=np.int64)
        self._ids = {token: i for i, token in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token) -> bool:
        return isinstance(token, str) and token in self._ids

    @accepts(token=TOKEN)
    def __getitem__(self, token: str) -> int:
        """词元的编号；不在词表中的词元得到 UNK 的编号 0。"""
        return self._ids.get(token, UNK_ID)

    def __repr__(self) -> str:
        head = ", ".join(self.tokens[:6]) + (", ..." if len(self) > 6 else "")
        return f"Vocab(大小 {len(self)}: {head})"

    @accepts(tokens=TOKENS, add_eos=Bool())
    @returns(NDArray("T", dtype="int", nonempty=False))
    def encode(self, tokens: Sequence[str], *, add_eos: bool = False) -> np.ndarray:
        """词元序列 → 编号数组（int64）；``add_eos=True`` 时在末尾加上 EOS 的编号。"""
        ids = [self._ids.get(token, UNK_ID) for token in tokens] + ([EOS_ID] if add_eos else [])
        return np.array(ids, dtype=np.int64)

    @accepts(self=SELF, ids=ArrayLike(None, dtype="int", below="V", nonempty=False))
    def decode(self, ids) -> list[str]:
        """编号序列（一维整数数组或张量，也可以是整数列表）→ 词元列表。"""
        return [self.tokens[i] for i in ids.tolist()]
