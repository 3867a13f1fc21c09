// 词向量探索器（wordvec_rnn.explorer）：只在有探索器的页面加载（book/_ext/book_explorer.py）。
// 数据（词、int8 词向量、地图坐标）是构建时由本书的 Python 算好的；读者滚动到探索器附近时才载入（<script>，
// file:// 与离线都能用）。最近邻与类比的算法与 word2vec_eval.most_similar / analogy 相同：各向量先归一化，
// 按余弦从大到小，排除查询词本身。
"use strict";

function bookExplorerVectors(entry, n, d) {
  const bytes = Uint8Array.from(atob(entry.codes), (ch) => ch.charCodeAt(0));
  const codes = new Int8Array(bytes.buffer);
  const unit = new Float64Array(n * d);
  for (let w = 0; w < n; w++) {
    let norm = 0;
    for (let k = 0; k < d; k++) norm += codes[w * d + k] * codes[w * d + k];
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < d; k++) unit[w * d + k] = codes[w * d + k] / norm;
  }
  return { model: entry.model, name: entry.name, unit };
}

// 与 query（长度 d）余弦最大的 topn 个词（排除 exclude 中的编号）；all=true 时另返回全部得分
function bookExplorerNearest(model, query, n, d, exclude, topn) {
  let norm = 0;
  for (let k = 0; k < d; k++) norm += query[k] * query[k];
  norm = Math.sqrt(norm);
  const sims = new Float64Array(n);
  for (let w = 0; w < n; w++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += model.unit[w * d + k] * query[k];
    sims[w] = dot / norm;
  }
  exclude.forEach((w) => { sims[w] = -Infinity; });
  const order = Array.from(sims.keys()).filter((w) => sims[w] > -Infinity);
  order.sort((a, b) => sims[b] - sims[a] || a - b);
  return { top: order.slice(0, topn).map((w) => [w, sims[w]]), sims, candidates: order.length };
}

function bookEditDistance(a, b) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0)));
    }
    previous = current;
  }
  return previous[b.length];
}

class BookExplorer {
  constructor(root, data) {
    this.root = root;
    this.words = data.words;
    this.d = data.dim;
    this.index = new Map(data.words.map((w, i) => [w, i]));
    this.models = data.models.map((entry) => bookExplorerVectors(entry, data.words.length, data.dim));
    this.maps = data.maps;
    this.mapWords = data.map_words;
  }

  row(model, w) {
    return this.models[model].unit.subarray(w * this.d, (w + 1) * this.d);
  }

  // 不在词表里的词：一句说明，连同编辑距离最小的 8 个词（距离相同时常见的在前，与 closest_spellings 相同）
  unknown(word) {
    const order = this.words.map((w, i) => [bookEditDistance(word, w), i]);
    order.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const close = order.slice(0, 8).map(([, i]) => `「${this.words[i]}」`).join("");
    return `「${word}」不在最常见的 ${this.words.length} 个词里。拼写相近的词：${close}`;
  }

  table(title, top) {
    const rows = top.map(([w, s], r) => `<tr><td>${r + 1}</td><td>${this.words[w]}</td><td>${s.toFixed(3)}</td></tr>`);
    return `<table class="book-explorer-table"><caption>${title}</caption><thead><tr><th>名次</th><th>词</th>` +
      `<th>余弦</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
  }

  missing(words) {
    const unknown = words.find((w) => !this.index.has(w));
    return unknown === undefined ? null : `<p class="book-explorer-message">${this.unknown(unknown)}</p>`;
  }

  neighbours(form) {
    const word = form.elements.word.value.trim();
    const missing = this.missing([word]);
    if (missing) return missing;
    const w = this.index.get(word);
    return this.models.map((m, i) =>
      this.table(`${m.name}：「${word}」的 10 个最近邻`,
        bookExplorerNearest(m, this.row(i, w), this.words.length, this.d, [w], 10).top)).join("");
  }

  analogy(form) {
    const [a, b, c, want] = ["a", "b", "c", "want"].map((k) => form.elements[k].value.trim());
    const missing = this.missing(want ? [a, b, c, want] : [a, b, c]);
    if (missing) return missing;
    const ids = [a, b, c].map((w) => this.index.get(w));
    return this.models.map((m, i) => {
      const [ua, ub, uc] = ids.map((w) => this.row(i, w));
      const query = ub.map((x, k) => x - ua[k] + uc[k]);
      const found = bookExplorerNearest(m, query, this.words.length, this.d, ids, 10);
      let note = "";
      if (want) {
        const target = this.index.get(want);
        const rank = ids.includes(target) ? null : 1 + Array.from(found.sims).filter((s) => s > found.sims[target]).length;
        note = rank === null ? `<p class="book-explorer-rank">「${want}」是 a、b、c 之一，不算候选词。</p>`
          : `<p class="book-explorer-rank" data-rank="${rank}">「${want}」在 ${found.candidates} 个候选词中排第 ${rank}。</p>`;
      }
      return `<div>${this.table(`${m.name}：${b} − ${a} + ${c}`, found.top)}${note}</div>`;
    }).join("");
  }

  enable() {
    this.root.querySelectorAll("form.book-explorer-form").forEach((form) => {
      const output = this.root.querySelector(`.book-explorer-results[data-task="${form.dataset.task}"]`);
      const run = () => { output.innerHTML = this[form.dataset.task](form); };
      form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
      run();
    });
    this.root.querySelectorAll("input, select, button").forEach((control) => { control.disabled = false; });
    if (this.maps.length) new BookWordMap(this).draw();
  }
}

// 词的地图：点都画出；词标签按词频从高到低逐个放，与已放的标签重叠或超出边框的就不写（与 word_maps.draw_word_map 相同）
class BookWordMap {
  constructor(explorer) {
    this.explorer = explorer;
    const root = explorer.root;
    this.svg = root.querySelector("svg.book-explorer-map");
    this.info = root.querySelector(".book-explorer-map-info");
    this.controls = Object.fromEntries(["model", "method", "step", "play"].map((k) =>
      [k, root.querySelector(`.book-explorer-map-controls [name="${k}"]`)]));
    ["model", "method", "step"].forEach((k) => this.controls[k].addEventListener("input", () => this.draw()));
    this.controls.play.addEventListener("click", () => this.play());
    this.svg.addEventListener("pointermove", (event) => this.point(event));
    this.svg.addEventListener("click", (event) => this.point(event));
    new ResizeObserver(() => this.draw()).observe(this.svg);
  }

  frame() {
    const map = this.explorer.maps[Number(this.controls.model.value)];
    const step = Number(this.controls.step.value);
    const tokens = map.tokens[step];
    this.controls.step.nextElementSibling.textContent = `已处理 ${tokens.toLocaleString("zh-CN")} 个词元`;
    this.controls.step.setAttribute("aria-valuetext", `已处理 ${tokens} 个词元`);
    return { map, coords: map[this.controls.method.value][step] };
  }

  draw() {
    const width = this.svg.clientWidth;
    if (!width) return;
    const height = Math.round(Math.min(width * 0.8, 640));
    const pad = 8, ns = "http://www.w3.org/2000/svg";
    const { map, coords } = this.frame();
    this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.svg.style.height = `${height}px`;
    this.svg.replaceChildren();
    this.points = [];
    for (let i = 0; i < coords.length / 2; i++) {
      const x = pad + coords[2 * i] / 999 * (width - 2 * pad), y = pad + (1 - coords[2 * i + 1] / 999) * (height - 2 * pad);
      const dot = document.createElementNS(ns, "circle");
      Object.entries({ cx: x, cy: y, r: 2.5 }).forEach(([k, v]) => dot.setAttribute(k, v));
      this.svg.append(dot);
      this.points.push({ x, y, dot, word: i });
    }
    const placed = [];
    this.points.forEach(({ x, y, word }) => {
      const label = document.createElementNS(ns, "text");
      label.setAttribute("x", x + 3);
      label.setAttribute("y", y - 3);
      label.textContent = this.explorer.words[word];
      this.svg.append(label);
      const box = label.getBBox();
      const outside = box.x + box.width > width || box.y < 0;
      const overlaps = placed.some((o) => box.x < o.x + o.width && o.x < box.x + box.width &&
        box.y < o.y + o.height && o.y < box.y + box.height);
      if (outside || overlaps) label.remove(); else placed.push(box);
    });
    this.svg.dataset.labels = placed.length;
    this.svg.dataset.model = map.model;
    this.svg.setAttribute("aria-label", `${this.explorer.mapWords} 个最常见的词的地图，写出了其中 ${placed.length} 个词的标签`);
  }

  point(event) {
    if (!this.points?.length) return;
    const box = this.svg.getBoundingClientRect();
    const x = event.clientX - box.left - this.svg.clientLeft, y = event.clientY - box.top - this.svg.clientTop;
    const nearest = this.points.reduce((best, p) => (Math.hypot(p.x - x, p.y - y) < Math.hypot(best.x - x, best.y - y) ? p : best));
    if (Math.hypot(nearest.x - x, nearest.y - y) > 24) return;
    this.points.forEach((p) => p.dot.classList.toggle("book-explorer-picked", p === nearest));
    const modelIndex = this.explorer.models.findIndex((m) => m.model === this.svg.dataset.model);
    const model = this.explorer.models[modelIndex], w = nearest.word;
    const top = bookExplorerNearest(model, this.explorer.row(modelIndex, w), this.explorer.words.length, this.explorer.d, [w], 5).top;
    this.info.textContent = `「${this.explorer.words[w]}」（${model.name}）的最近邻：` +
      top.map(([v, s]) => `${this.explorer.words[v]} ${s.toFixed(3)}`).join("，");
  }

  play() {
    const step = this.controls.step, last = Number(step.max);
    clearInterval(this.timer);
    step.value = 0;
    this.draw();
    this.timer = setInterval(() => {
      step.value = Number(step.value) + 1;
      this.draw();
      if (Number(step.value) >= last) clearInterval(this.timer);
    }, 900);
  }
}

// 数据在单独的脚本文件里（data-explorer-src，构建网页书时移出）或在页面内（<script type="application/json">）
function bookExplorerLoad(root) {
  const status = root.querySelector(".book-explorer-status");
  const start = (data) => {
    new BookExplorer(root, data).enable();
    status.textContent = `已载入 ${data.words.length} 个词的词向量。`;
    root.dataset.ready = "true";
  };
  const inline = root.querySelector(".book-explorer-data");
  if (inline) return start(JSON.parse(inline.textContent));
  const source = root.querySelector("[data-explorer-src]");
  status.textContent = "正在载入词向量……";
  const script = document.createElement("script");
  script.src = source.dataset.explorerSrc;
  script.onload = () => start(window.bookExplorerData[source.dataset.key]);
  script.onerror = () => { status.textContent = "词向量数据载入失败：请检查网络，或刷新页面再试。"; };
  document.head.append(script);
}

document.addEventListener("DOMContentLoaded", () => {
  const observer = new IntersectionObserver((entries) => entries.forEach((entry) => {
    if (!entry.isIntersecting) return;
    observer.unobserve(entry.target);
    bookExplorerLoad(entry.target);
  }), { rootMargin: "400px 0px" });
  document.querySelectorAll(".book-explorer").forEach((root) => observer.observe(root));
});
