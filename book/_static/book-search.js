// 检索页（search.html?q=…）：在 book-search-data.js 给出的各页文字里查找（数据怎样来，见 book/_ext/book_search.py）。
// 查询按空格分成几个词，每个词当作一个短语，中文不必分词；一页要含每一个词才算结果。长于两字的中文词在页上
// 找不到原样的短语时，各相邻二字都出现也算，但不加分，排在原样出现的页后面。
"use strict";

const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
// 一个词在一页上的得分取它出现的最好位置：页面标题 > 小节标题 > 加粗的术语 > 正文，标题里的分数还随这个词
// 占标题的比例增加（「LSTM」比「LSTM 的梯度」更贴切）；再加上它在全页出现的次数（封顶），多个词的得分相加。
// 整个查询原样出现在标题或小节标题里的，再加分。
const SCORE = {
  title: 100, titleFit: 20, heading: 30, headingFit: 10, term: 12,
  perHit: 0.5, maxHits: 20, wholeInTitle: 60, wholeInHeading: 20,
};
const EXCERPT = { before: 40, length: 140 };

// 短语 → 正则：空白处、中文与拉丁字母相接处可有可无空格（「层序softmax」也找到「层序 softmax」），不分大小写
function phrasePattern(phrase) {
  const boundary = new RegExp(`\\s+|(?<=[${HAN}])(?=[^${HAN}\\s])|(?<=[^${HAN}\\s])(?=[${HAN}])`, "u");
  const parts = phrase.split(boundary).filter(Boolean).map(bookEscapeRegExp);
  return new RegExp(parts.join("\\s*"), "giu");
}

// 中文词的相邻二字，只给长于两字、全是汉字的词
function bigramPatterns(term) {
  if (term.length < 3 || !new RegExp(`^[${HAN}]+$`, "u").test(term)) return [];
  return [...term].slice(1).map((char, i) => phrasePattern(term[i] + char));
}

function parseQuery(query) {
  const words = [...new Set(query.trim().toLowerCase().split(/\s+/).filter(Boolean))];
  return {
    terms: words.map((word) => ({ word, pattern: phrasePattern(word), bigrams: bigramPatterns(word) })),
    whole: words.length > 1 ? phrasePattern(words.join(" ")) : null,
  };
}

const hitCount = (pattern, text) => (text.match(pattern) || []).length;
// 匹配占整段文字的比例；不匹配为 0
const fit = (pattern, text) => ((text.match(pattern) || [""])[0].length / Math.max(text.length, 1));
const defines = (section, pattern) => section.terms.some((term) => term.search(pattern) >= 0);
const pageHits = (page, pattern) =>
  page.sections.reduce((n, s) => n + hitCount(pattern, s.title) + hitCount(pattern, s.text), 0);

function placeScore(page, pattern) {
  const inTitle = fit(pattern, page.title);
  if (inTitle) return SCORE.title + SCORE.titleFit * inTitle;
  const inHeading = Math.max(0, ...page.sections.slice(1).map((s) => fit(pattern, s.title)));
  if (inHeading) return SCORE.heading + SCORE.headingFit * inHeading;
  return page.sections.some((s) => defines(s, pattern)) ? SCORE.term : 0;
}

function wholeScore(page, whole) {
  if (!whole) return 0;
  if (page.title.search(whole) >= 0) return SCORE.wholeInTitle;
  return page.sections.some((s) => s.title.search(whole) >= 0) ? SCORE.wholeInHeading : 0;
}

// 一页的得分；缺了哪个词（原样与二字都找不到）就不是结果，返回 null
function scorePage(page, query) {
  let score = wholeScore(page, query.whole);
  const marks = [];
  for (const term of query.terms) {
    const hits = pageHits(page, term.pattern);
    if (hits) {
      score += placeScore(page, term.pattern) + SCORE.perHit * Math.min(hits, SCORE.maxHits);
      marks.push(term.pattern);
    } else if (term.bigrams.length && term.bigrams.every((bigram) => pageHits(page, bigram))) {
      marks.push(...term.bigrams);
    } else return null;
  }
  return { page, score, marks };
}

const compareTuples = (a, b) => a.map((x, i) => x - b[i]).find((d) => d !== 0) ?? 0;

// 结果链接到哪一节：标题（小节标题）含全部查询词、且最贴切的一节（页面标题算第一节，链接到页首）；
// 否则是把查询词加粗（定义它）的一节；再否则是含查询词最多的一节；都一样时取靠前的
function bestSection(page, marks) {
  const rank = (s) => [
    marks.every((pattern) => s.title.search(pattern) >= 0) ? marks.reduce((sum, p) => sum + fit(p, s.title), 0) : 0,
    marks.filter((pattern) => defines(s, pattern)).length,
    marks.filter((pattern) => hitCount(pattern, s.title + " " + s.text)).length,
    marks.reduce((n, pattern) => n + hitCount(pattern, s.text), 0),
  ];
  const ranked = page.sections.map((s) => ({ s, key: rank(s) }));
  return ranked.reduce((best, r) => (compareTuples(r.key, best.key) > 0 ? r : best)).s;
}

// 摘要从哪里截：窗口里查询词种类最多的那一处，一样多时取最早的
function excerptAt(text, marks) {
  let best = { at: 0, kinds: 0 };
  for (const mark of marks) {
    for (const match of text.matchAll(mark)) {
      const start = Math.max(match.index - EXCERPT.before, 0);
      const window = text.slice(start, start + EXCERPT.length);
      const kinds = marks.filter((pattern) => window.search(pattern) >= 0).length;
      if (kinds > best.kinds || (kinds === best.kinds && match.index < best.at)) best = { at: match.index, kinds };
    }
  }
  return best.at;
}

// 摘要：这一节（它的正文里没有查询词时，取全页第一个有的一节）里查询词最集中处前后的一段，尽量从句子开头截起
function excerpt(page, section, marks, pattern) {
  const source = [section, ...page.sections].find((s) => s.text.search(pattern) >= 0) || section;
  const at = excerptAt(source.text, marks);
  let start = Math.max(at - EXCERPT.before, 0);
  const sentence = source.text.slice(start, at).search(/[。！？；](?=[^。！？；]*$)/u);
  if (sentence >= 0) start += sentence + 1;
  const end = Math.min(start + EXCERPT.length, source.text.length);
  const text = (start > 0 && sentence < 0 ? "…" : "") + source.text.slice(start, end).trim()
    + (end < source.text.length ? "…" : "");
  const paragraph = document.createElement("p");
  paragraph.className = "context";
  bookMarkText(paragraph.appendChild(document.createTextNode(text)), pattern);
  return paragraph;
}

function resultItem({ page, score, marks }, words) {
  const pattern = new RegExp(marks.map((m) => m.source).sort((a, b) => b.length - a.length).join("|"), "giu");
  const section = bestSection(page, marks);
  const item = document.createElement("li");
  const link = item.appendChild(document.createElement("a"));
  const highlight = "?highlight=" + encodeURIComponent(words.join(" "));
  link.href = page.url + highlight + (section.id ? "#" + section.id : "");
  link.textContent = page.title + (section.id ? " › " + section.title : "");
  link.dataset.score = score.toFixed(1);
  item.appendChild(excerpt(page, section, marks, pattern));
  return item;
}

function showResults(query) {
  const parsed = parseQuery(query.slice(0, 200));
  const words = parsed.terms.map((term) => term.word);
  const results = window.bookSearchPages
    .map((page) => scorePage(page, parsed))
    .filter(Boolean)
    .sort((a, b) => b.score - a.score);   // 稳定排序：得分相同的按书里的先后
  const out = document.getElementById("search-results");
  const summary = out.appendChild(document.createElement("p"));
  summary.className = "search-summary";
  const list = out.appendChild(document.createElement("ul"));
  list.className = "search";
  results.forEach((result) => list.appendChild(resultItem(result, words)));
  summary.textContent = results.length
    ? `搜索完成，找到 ${results.length} 页。`
    : `搜索完成，没有同时含有${words.map((w) => `「${w}」`).join("")}的页面。`
      + "可以用空格把词隔开（如「LSTM 遗忘门」），或者换个说法、少用几个词。";
}

(() => {
  const query = new URLSearchParams(window.location.search).get("q") || "";
  document.querySelectorAll('input[name="q"]').forEach((input) => (input.value = query));
  if (query.trim()) showResults(query);
})();
