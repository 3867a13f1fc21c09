"""中文全文检索。

Sphinx 自带的中文检索用 jieba 分词建索引，浏览器里却把查询整个当成一个词：jieba 把「词向量」切成
「词」「向量」，查「词向量」「梯度消失」就一无所获。这里换成与分词词典无关的做法（Lucene 的 CJK 分析器
也是这样）：索引里放每段汉字的单字和相邻二字（bigram），浏览器把查询里的汉字也拆成二字；Sphinx 要求
一页含全部查询词，所以「梯度消失」= 梯度 ∧ 度消 ∧ 消失。拉丁字母的词照旧（小写、词干化）。
"""

from __future__ import annotations

import re

from sphinx.search import languages
from sphinx.search.zh import SearchChinese

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_RUN = re.compile(f"[{HAN}]+")


def han_terms(run: str) -> list[str]:
    """一段连续汉字的检索词：单字加相邻二字。"""
    return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]


class BigramChinese(SearchChinese):
    # 浏览器端的查询拆分，与 han_terms 相同，只是查询只需二字（单字查询时就用单字）。
    js_splitter_code = r"""
function splitQuery(query) {
  const han = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  const terms = [];
  for (const run of query.match(han) || []) {
    if (run.length === 1) terms.push(run);
    for (let i = 0; i + 1 < run.length; i++) terms.push(run.slice(i, i + 2));
  }
  const rest = query.replace(han, " ").split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu);
  return terms.concat(rest.filter((term) => term));
}
"""

    def split(self, input: str) -> list[str]:
        chinese = [term for run in HAN_RUN.findall(input) for term in han_terms(run)]
        latin = [term.strip() for term in self.latin1_letters.findall(input)]
        self.latin_terms.extend(latin)
        return chinese + latin

    def word_filter(self, stemmed_word: str) -> bool:
        return len(stemmed_word) > 1 or bool(HAN_RUN.fullmatch(stemmed_word))


def setup(app):
    languages["zh"] = BigramChinese
    return {"parallel_read_safe": True, "parallel_write_safe": True}
