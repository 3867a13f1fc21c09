// 练习的答案框：只在有答案框的页面加载。期望值与容差是构建时由本书的 Python 算出、写在表单属性里的。
// - 答数的框（wordvec_rnn.answers.StaticAnswer，form.book-answer）：读数的规则与 parse_answer 相同；
// - 答式子的框（wordvec_rnn.formula_answers.StaticFormula，form.book-answer.book-formula）：读式子的规则与
//   formula_answers 相同（不用 eval），式子在 data-samples 的每一个取值上都等于期望值才算对，消息与
//   formula_feedback 逐字相同。
"use strict";

// ---- 读数 ------------------------------------------------------------------------------------------------

const BOOK_NUMBER = "[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?";
const BOOK_POWER = new RegExp(`^(${BOOK_NUMBER})(?:[×x*]10\\^([+-]?\\d+))?$`);
const BOOK_FRACTION = new RegExp(`^(${BOOK_NUMBER})/(${BOOK_NUMBER})$`);
const BOOK_RESULT = { true: "✓ 对了。", false: "✗ 不对。" };

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

// ---- 读式子：词元 → 递归下降（和 → 积 → 带符号的幂 → 幂 → 数、变量或括号）→ 求值 ----------------------

const BOOK_SUPERSCRIPT = /[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+/g;
const BOOK_SUPERSCRIPT_DIGITS = { "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
  "⁸": "8", "⁹": "9", "⁺": "+", "⁻": "-" };
const BOOK_SYMBOLS = { "×": "*", "·": "*", "⋅": "*", "∙": "*", "÷": "/", "−": "-", "–": "-" };
const BOOK_TOKEN = /([0-9]+\.?[0-9]*|\.[0-9]+)|([-+*/^()])/y;
const BOOK_OPERATIONS = {
  "+": (a, b) => a + b, "-": (a, b) => a - b, "*": (a, b) => a * b, "/": (a, b) => a / b, "^": (a, b) => a ** b,
};

class BookUnreadable extends Error {}

function bookNormalised(raw) {
  const text = raw.replace(BOOK_SUPERSCRIPT, (s) => `^(${[...s].map((c) => BOOK_SUPERSCRIPT_DIGITS[c]).join("")})`)
    .normalize("NFKC").replace(/[ \t\n\r]/g, "");
  return [...text].map((c) => BOOK_SYMBOLS[c] ?? c).join("").replaceAll("**", "^");
}

function bookTokens(text, variable) {
  const tokens = [];
  let position = 0;
  while (position < text.length) {
    if (text.startsWith(variable, position)) {
      tokens.push(variable);
      position += variable.length;
      continue;
    }
    BOOK_TOKEN.lastIndex = position;
    const match = BOOK_TOKEN.exec(text);
    if (!match) throw new BookUnreadable(`不认识「${String.fromCodePoint(text.codePointAt(position))}」`);
    tokens.push(match[1] !== undefined ? Number(match[1]) : match[2]);
    position = BOOK_TOKEN.lastIndex;
  }
  return tokens;
}

// 树的叶子是数与变量名，内部节点是 ["neg", a] 与 [运算符, a, b]（与 Python 的 _Reader 相同）
class BookReader {
  constructor(tokens, variable) {
    Object.assign(this, { tokens, variable, next: 0 });
  }

  peek() { return this.next < this.tokens.length ? this.tokens[this.next] : null; }

  take() { return this.tokens[this.next++] ?? null; }

  sum() {
    let tree = this.product();
    while (["+", "-"].includes(this.peek())) tree = [this.take(), tree, this.product()];
    return tree;
  }

  product() {
    let tree = this.signed();
    for (;;) {
      const token = this.peek();
      if (["*", "/"].includes(token)) tree = [this.take(), tree, this.signed()];
      else if ([this.variable, "("].includes(token)) tree = ["*", tree, this.power()];   // 省略的乘号
      else if (typeof token === "number" && typeof this.tokens[this.next - 1] === "number") {
        throw new BookUnreadable("数里多了小数点");
      } else if (typeof token === "number") {
        throw new BookUnreadable(`数要写在字母与括号的前面（2${this.variable}，不写 ${this.variable}2）`);
      } else return tree;
    }
  }

  signed() {
    if (!["+", "-"].includes(this.peek())) return this.power();
    const sign = this.take(), operand = this.signed();
    return sign === "-" ? ["neg", operand] : operand;
  }

  power() {
    const base = this.atom();
    if (this.peek() !== "^") return base;
    this.take();
    return ["^", base, this.signed()];
  }

  atom() {
    const token = this.take();
    if (token === null) throw new BookUnreadable("式子没写完");
    if (typeof token === "number" || token === this.variable) return token;
    if (token !== "(") throw new BookUnreadable(`「${token}」放在这里读不通`);
    const tree = this.sum();
    if (this.take() !== ")") throw new BookUnreadable("括号没有配对");
    return tree;
  }
}

// 一步算出的不是有限实数，整个式子就是 NaN（没有定义）；NaN 不再参与运算（1 ** NaN 在 Python 里是 1）
function bookEvaluate(tree, variable, value) {
  if (typeof tree === "number") return Number.isFinite(tree) ? tree : NaN;
  if (tree === variable) return value;
  if (tree[0] === "neg") return -bookEvaluate(tree[1], variable, value);
  const left = bookEvaluate(tree[1], variable, value), right = bookEvaluate(tree[2], variable, value);
  if (Number.isNaN(left) || Number.isNaN(right)) return NaN;
  const result = BOOK_OPERATIONS[tree[0]](left, right);
  return Number.isFinite(result) ? result : NaN;
}

// 读出式子，返回 T ↦ 值 的函数；读不出时抛出 BookUnreadable
function bookReadFormula(raw, variable) {
  const text = bookNormalised(raw);
  if (!text) throw new BookUnreadable("框里是空的");
  const reader = new BookReader(bookTokens(text, variable), variable);
  const tree = reader.sum();
  if (reader.peek() !== null) throw new BookUnreadable("括号没有配对");
  return (value) => bookEvaluate(tree, variable, value);
}

// 与 formula_answers.parse_formula 对照用：式子在 points 上的值（没有定义时为 null），读不出时为 null
function bookFormulaValues(raw, variable, points) {
  try {
    const formula = bookReadFormula(raw, variable);
    return points.map((point) => { const value = formula(point); return Number.isFinite(value) ? value : null; });
  } catch (error) {
    if (error instanceof BookUnreadable) return null;
    throw error;
  }
}

// 消息里的数：整数照写，其余至多 6 位小数（与 formula_answers._shown 相同）
function bookShown(value) {
  if (Math.abs(value) >= 1e15) return value.toExponential(6);
  if (Number.isInteger(value)) return String(value === 0 ? 0 : value);
  return value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}

function bookAgrees(got, expected, rtol, atol) {
  return Number.isFinite(got) && Math.abs(got - expected) <= atol + rtol * Math.abs(expected);
}

// 与 formula_answers.formula_feedback 逐字相同的话，及表单的状态（right、wrong、unreadable）
function bookFormulaFeedback(raw, samples, variable, rtol, atol, hint) {
  let formula;
  try {
    formula = bookReadFormula(raw, variable);
  } catch (error) {
    if (!(error instanceof BookUnreadable)) throw error;
    return ["unreadable", `读不出式子：${error.message}。可以用数、+ − * / ^ 与括号，乘号可以省略，变量是 ${variable}，`
      + `如 (${variable}+1)^2/2。`];
  }
  for (const [point, expected] of samples) {
    const got = formula(point);
    if (bookAgrees(got, expected, rtol, atol)) continue;
    const yours = Number.isFinite(got) ? `得 ${bookShown(got)}` : "没有定义（如除以零）";
    return ["wrong", `${BOOK_RESULT.false}${variable}=${point} 时你的式子${yours}，应为 ${bookShown(expected)}。${hint}`];
  }
  return ["right", BOOK_RESULT.true];
}

// ---- 表单 ------------------------------------------------------------------------------------------------

function bookNumberFeedback(raw, { expected, rtol, atol, hint }) {
  const value = bookParseAnswer(raw);
  if (value === null) return ["unreadable", "读不出一个数：写成 1301512、1.3e6、1/2 或 50% 这样。"];
  const right = Math.abs(value - Number(expected)) <= Number(atol) + Number(rtol) * Math.abs(Number(expected));
  return right ? ["right", BOOK_RESULT.true] : ["wrong", `${BOOK_RESULT.false}${hint}`];
}

function bookFormulaFormFeedback(raw, { samples, variable, rtol, atol, hint }) {
  return bookFormulaFeedback(raw, JSON.parse(samples), variable, Number(rtol), Number(atol), hint);
}

// feedback(读者写的, form.dataset) → [状态, 要显示的话]
function bookAnswer(form, feedback) {
  const input = form.elements.answer, result = form.querySelector(".book-answer-result");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    [form.dataset.result, result.textContent] = feedback(input.value, form.dataset);
  });
  form.querySelectorAll("input, button").forEach((control) => { control.disabled = false; });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.book-answer:not(.book-formula)").forEach((form) => bookAnswer(form, bookNumberFeedback));
  document.querySelectorAll("form.book-formula").forEach((form) => bookAnswer(form, bookFormulaFormFeedback));
});
