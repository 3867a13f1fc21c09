// 「核对你自己的实现」（book/_ext/book_fingerprints.py）：只在有核对框的页面加载。读者贴进来的数与构建时算出的
// 指纹比较（规则与 wordvec_book.fingerprints.same 相同：个数一样，逐个 |a − b| ≤ max(rtol·max(|a|, |b|), atol)）。
"use strict";

const BOOK_FLOAT = /[-+−]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|[-+−]?inf|nan/gi;

function bookReadNumbers(text) {
  return (text.match(BOOK_FLOAT) || []).map((token) => Number(token.replace("−", "-").replace(/^([-+]?)inf$/i, "$1Infinity")));
}

function bookClose(a, b, rtol, atol) {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;   // 无穷大只与同号的无穷大相同（与 math.isclose 一样）
  return Math.abs(a - b) <= Math.max(rtol * Math.max(Math.abs(a), Math.abs(b)), atol);
}

function bookSame(a, b, rtol, atol) {
  return a.length === b.length && a.every((x, k) => bookClose(x, b[k], rtol, atol));
}

function bookFingerprintVerdict(data, values) {
  const { correct, rtol, atol, mistakes, catalogue } = data;
  if (values.length !== correct.length) return ["count", `应该贴 ${correct.length} 个数，读到 ${values.length} 个。`];
  if (bookSame(values, correct, rtol, atol)) return ["right", "✓ 与正确的实现一致（每个数的相对差都在 1e-6 之内）。"];
  const matches = mistakes.filter((m) => bookSame(values, m.values, rtol, atol));
  if (matches.length) {
    return ["mistake", "✗ 与正确的不同，最像这个常见错误：" + matches.map((m) => `${m.description}（${m.name}）`).join("；或者：")];
  }
  const wrong = correct.map((x, k) => (bookClose(values[k], x, rtol, atol) ? null : k + 1)).filter((k) => k !== null);
  return ["unknown", `✗ 第 ${wrong.join("、")} 个数与正确的不同，也不像课堂作业里已知的 ${catalogue} 种常见错误：` +
    "用本章的梯度检验逐项核对，看看是哪一部分。"];
}

// 构建时把无穷大与 NaN 写成了字符串（JSON 里没有它们）
const BOOK_SPECIAL = { inf: Infinity, "-inf": -Infinity, nan: NaN };
const bookNumber = (value) => (typeof value === "number" ? value : BOOK_SPECIAL[value]);

function bookFingerprint(root) {
  const data = JSON.parse(root.querySelector(".book-fingerprint-data").textContent);
  data.correct = data.correct.map(bookNumber);
  data.mistakes.forEach((m) => { m.values = m.values.map(bookNumber); });
  const form = root.querySelector("form"), result = root.querySelector(".book-fingerprint-result");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const [kind, text] = bookFingerprintVerdict(data, bookReadNumbers(form.elements.values.value));
    result.textContent = text;
    root.dataset.verdict = kind;
  });
  form.querySelectorAll("textarea, button").forEach((control) => { control.disabled = false; });
}

document.addEventListener("DOMContentLoaded", () => document.querySelectorAll(".book-fingerprint").forEach(bookFingerprint));
