"""词向量探索器：读者查最近邻、做类比、看词的地图怎样随训练形成；有内核时是 ipywidgets，静态书里也能用。

第 01 章「词向量探索器」一节用 :func:`word_explorer` 展示《人民日报》上训练的跳元模型与 CBOW。两种环境算的是同一份数据
（:func:`explorer_data`）：

- **词向量**：最常见的 ``n_words`` 个词，每个词向量按它自己的最大绝对值缩放到 [−127, 127] 再取整，存成 int8
  （每个数一个字节）。余弦相似度与向量的长度无关，缩放的比例不必保存；取整前后最近邻的差别由那一节的单元核对。
- **地图**：最常见的 ``map_words`` 个词，在训练途中存下的每一份词向量（``train_word2vec`` 的 ``snapshot_tokens``）
  上各算一幅 PCA 与 t-SNE 的坐标（``wordvec_rnn.word_maps``），取整到 0–999 的格点。
- 最近邻与类比只在这 ``n_words`` 个词中找，算法与 ``word2vec_eval.most_similar`` / ``analogy`` 相同。
  :func:`explorer_result` 把数据还原成 ``Word2VecResult``，Python 的这两个函数在它上面算出的，就是网页上显示的。

:func:`word_explorer` 在有内核时（默认）返回 ipywidgets 的界面（``wordvec_rnn.explorer_widgets``）；构建静态书时（``WORDVEC_RNN_STATIC_SLIDERS=1``）
返回 :class:`StaticExplorer`：数据嵌在输出的 HTML 里，网页书构建时把它移到单独的脚本文件，读者滚动到探索器
附近时才下载（``book/_ext/book_explorer.py``、``book/_static/book-explorer.js``），``file://`` 与离线也能用。
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence

import numpy as np

from wordvec_rnn.checks import fail
from wordvec_rnn.explorer_page import DATA, explorer_html
from wordvec_rnn.inputs import DictOf, Instance, Int, ListOf, NDArray, Str, accepts, returns
from wordvec_rnn.sliders import static_mode
from wordvec_rnn.vocab import EOS_ID, Vocab
from wordvec_rnn.word2vec_train import Word2VecResult
from wordvec_rnn.word_maps import METHODS, map_coordinates

GRID = 999                       # 地图坐标取整到 0..GRID
MODEL_NAMES = {"skipgram": "跳元模型", "cbow": "CBOW"}
RESULTS = DictOf(Instance(Word2VecResult, "train_word2vec 返回的 Word2VecResult"),
                 what="字典：模型名 → train_word2vec 的结果，如 {'skipgram': …, 'cbow': …}")
EXAMPLE = ListOf(Str(), what="[a, b, c, 期望的答案]，如 ['中国', '北京', '日本', '东京']")


@accepts(vectors=NDArray("N", "d"))
@returns(NDArray("N", "d", dtype="int"))
def quantise(vectors: np.ndarray) -> np.ndarray:
    """每行按它自己的最大绝对值缩放到 [−127, 127]、四舍五入成 int8；全零的行仍是零。"""
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    return np.round(vectors / np.where(peak > 0, peak, 1.0) * 127).astype(np.int8)


def _shared_tokens(models: Mapping[str, Word2VecResult]) -> list[str]:
    tokens = [result.vocab.tokens for result in models.values()]
    if any(t != tokens[0] for t in tokens):
        fail("models", "用同一个词表训练的几个模型", "词表不同的模型")
    return tokens[0]


def _grid(coords: np.ndarray) -> list[list[int]]:
    """(S, M, 2) 的坐标 → 每幅一个扁平的整数列表 [x0, y0, x1, y1, …]；所有幅共用一个边框，回放时比例不变。"""
    low, high = coords.min(axis=(0, 1)), coords.max(axis=(0, 1))
    scaled = np.round((coords - low) / np.where(high > low, high - low, 1.0) * GRID).astype(int)
    return [frame.ravel().tolist() for frame in scaled]


def _maps(models: Mapping[str, Word2VecResult], map_words: int) -> list[dict]:
    """有训练途中快照的模型：前 map_words 个词在每份快照上的 PCA 与 t-SNE 坐标。"""
    maps = []
    for name, result in models.items():
        if len(result.snapshots) < 2:
            continue
        rows = slice(EOS_ID + 1, EOS_ID + 1 + map_words)
        stacked = np.stack([vectors[rows] for _, vectors in result.snapshots])
        coords = {method: _grid(map_coordinates(stacked, method)) for method in METHODS}
        maps.append({"model": name, "tokens": [n for n, _ in result.snapshots], **coords})
    return maps


@accepts(models=RESULTS, n_words=Int(4), map_words=Int(4), example_word=Str(), example_analogy=EXAMPLE)
def explorer_data(models: Mapping[str, Word2VecResult], *, n_words: int = 8000, map_words: int = 300,
                  example_word: str = "中国", example_analogy: Sequence[str] = ("中国", "北京", "日本", "东京")) -> dict:
    """探索器的数据（可以写成 JSON）：词、每个模型的 int8 词向量（base64）、有快照的模型的地图、输入框里的示例。"""
    tokens = _shared_tokens(models)
    words = tokens[EOS_ID + 1:EOS_ID + 1 + n_words]
    if map_words > len(words):
        fail("map_words", f"不多于 n_words 与词表中普通词的个数（{len(words)}）", map_words)
    for word in (example_word, *example_analogy):
        if word not in words:
            fail("example_word" if word == example_word else "example_analogy", "最常见的 n_words 个词之一", word)
    rows = slice(EOS_ID + 1, EOS_ID + 1 + len(words))
    vectors = [{"model": name, "name": MODEL_NAMES.get(name, name),
                "codes": base64.b64encode(quantise(result.center_vectors[rows]).tobytes()).decode("ascii")}
               for name, result in models.items()]
    return {"words": words, "dim": int(next(iter(models.values())).center_vectors.shape[1]), "models": vectors,
            "maps": _maps(models, map_words), "map_words": map_words,
            "example": {"word": example_word, "analogy": list(example_analogy)}}


@accepts(data=DATA, model=Str())
def explorer_result(data: Mapping, model: str) -> Word2VecResult:
    """把探索器的数据还原成一个 ``Word2VecResult``：词表是那 n_words 个词（前面照例是 UNK、EOS），词向量是 int8 的
    整数值。在它上面调用 ``most_similar``、``analogy``，得到的就是探索器显示的最近邻与类比。"""
    names = [entry["model"] for entry in data["models"]]
    if model not in names:
        fail("model", f"数据里的模型之一 {names}", model)
    codes = next(entry["codes"] for entry in data["models"] if entry["model"] == model)
    table = np.frombuffer(base64.b64decode(codes), dtype=np.int8).reshape(len(data["words"]), data["dim"])
    vectors = np.vstack([np.zeros((EOS_ID + 1, data["dim"])), table])
    return Word2VecResult.from_vectors(Vocab([list(data["words"])]), vectors, model=model)


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@accepts(words=ListOf(Str()), query=Str(), n=Int(1))
def closest_spellings(words: Sequence[str], query: str, n: int = 8) -> list[str]:
    """词表里与 ``query`` 编辑距离（增、删、换一个字各算 1）最小的 ``n`` 个词；距离相同的，排在 ``words`` 前面的先列。"""
    order = sorted(range(len(words)), key=lambda i: (_edit_distance(query, words[i]), i))
    return [words[i] for i in order[:n]]


class StaticExplorer:
    """静态书里的探索器：界面的骨架与数据（JSON）在一段 HTML 里（``_repr_html_``），由 ``book-explorer.js`` 驱动。"""

    @accepts(data=DATA)
    def __init__(self, data: Mapping):
        self.data = data

    @property
    def nbytes(self) -> int:
        """数据（JSON）的字节数：网页书里单独的数据文件的大小。"""
        return len(self._data_json().encode("utf-8"))

    def _data_json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, separators=(",", ":"))

    def _repr_html_(self) -> str:
        data = self._data_json()   # 约 1 MB：只序列化一次
        return explorer_html(self.data, data.replace("</", "<\\/"), len(data.encode("utf-8")))

    def __repr__(self) -> str:
        return f"<StaticExplorer：{len(self.data['words'])} 个词，{self.nbytes / 1e6:.2f} MB>"


@accepts(data=DATA)
def word_explorer(data: Mapping):
    """词向量探索器（``data`` 来自 :func:`explorer_data`）：有内核时返回 ipywidgets 的界面，构建静态书时返回
    :class:`StaticExplorer`；两者都在单元的最后一行显示出来。"""
    if static_mode():
        return StaticExplorer(data)
    from wordvec_rnn.explorer_widgets import live_explorer

    return live_explorer(data)
