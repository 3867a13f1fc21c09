// 从检索结果点进来的页面（网址带 ?highlight=词1 词2，见 book-search.js）：等公式排版完，在正文里标出查询词。
// Sphinx 的 sphinx_highlight.js 在页面一加载就标，那时公式还是 \( … \) 源码，标记插进去会把公式拆断，它还会标到
// 侧栏的目录上；所以这里先把 highlight 参数从网址里取走（它就不再标），排版完再只标正文。按 Esc 去掉标记仍由它处理。
"use strict";

// 把文字节点 node 里与 pattern（带 g 标志的正则）匹配的部分包进 <span class="highlighted">；检索页的摘要也用它
function bookMarkText(node, pattern) {
  const text = node.nodeValue;
  const pieces = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (!match[0]) continue;
    pieces.append(text.slice(last, match.index));
    const mark = pieces.appendChild(document.createElement("span"));
    mark.className = "highlighted";
    mark.textContent = match[0];
    last = match.index + match[0].length;
  }
  pieces.append(text.slice(last));
  node.replaceWith(pieces);
}

const bookEscapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

(() => {
  const url = new URL(window.location.href);
  const terms = (url.searchParams.get("highlight") || "").split(/\s+/).filter(Boolean);
  if (!terms.length) return;
  url.searchParams.delete("highlight");
  window.history.replaceState(window.history.state, "", url);
  terms.sort((a, b) => b.length - a.length);   // 长的词先匹配
  const pattern = new RegExp(terms.map(bookEscapeRegExp).join("|"), "giu");
  const skipped = "mjx-container, script, style, button, textarea, .highlighted";
  document.addEventListener("DOMContentLoaded", async () => {
    await window.bookMathReady;
    const article = document.querySelector("article.bd-article") || document.body;
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) => (node.parentElement.closest(skipped) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const found = [];
    while (walker.nextNode()) {
      if (walker.currentNode.nodeValue.search(pattern) >= 0) found.push(walker.currentNode);
    }
    found.forEach((node) => bookMarkText(node, pattern));
  });
})();
