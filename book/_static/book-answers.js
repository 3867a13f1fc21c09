// 练习的答案框（wordvec_rnn.answers.StaticAnswer）：只在有答案框的页面加载。期望值与容差是构建时由本书的
// Python 算出、写在表单属性里的；读数的规则与 wordvec_rnn.answers.parse_answer 相同。
"use strict";

const BOOK_NUMBER = "[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?";
const BOOK_POWER = new RegExp(`^(${BOOK_NUMBER})(?:[×x*]10\\^([+-]?\\d+))?$`);
const BOOK_FRACTION = new RegExp(`^(${BOOK_NUMBER})/(${BOOK_NUMBER})$`);

function bookParseAnswer(raw) {
  let text = raw.replace(/[\s,，_]/g, "").replace(/−/g, "-").replace(/＋/g, "+").toLowerCase();
  let scale = 1;
  if (text.endsWith("%")) {
    text = text.slice(0, -1);
    scale = 0.01;
  }
  let match = text.match(BOOK_FRACTION);
  if (match) {
    const denominator = Number(match[2]);
    return denominator ? Number(match[1]) / denominator * scale : null;
  }
  match = text.match(BOOK_POWER);
  if (match) return Number(match[1]) * 10 ** (match[2] ? Number(match[2]) : 0) * scale;
  return null;
}

function bookAnswer(form) {
  const { expected, rtol, atol, hint } = form.dataset;
  const input = form.elements.answer, result = form.querySelector(".book-answer-result");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = bookParseAnswer(input.value);
    if (value === null) {
      result.textContent = "读不出一个数：写成 1301512、1.3e6、1/2 或 50% 这样。";
      form.dataset.result = "unreadable";
      return;
    }
    const right = Math.abs(value - Number(expected)) <= Number(atol) + Number(rtol) * Math.abs(Number(expected));
    result.textContent = right ? "✓ 对了。" : `✗ 不对。${hint}`;
    form.dataset.result = right ? "right" : "wrong";
  });
  form.querySelectorAll("input, button").forEach((control) => { control.disabled = false; });
}

document.addEventListener("DOMContentLoaded", () => document.querySelectorAll("form.book-answer").forEach(bookAnswer));
