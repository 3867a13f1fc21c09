"""答案是一个短式子的练习（如「要经过多少个雅可比矩阵」，答 T−1）：读者写一个含变量的式子，页面当场说对不对。

``formula_box(标签, {T: 期望值, …}, variable="T", hint=…)`` 放在练习题的下面；期望值是本书的代码在几个取值上
算出（数出）的，不是手打的。读者的式子在**每一个**取值上都等于期望值才算对；不对时说出在哪个取值上不同。

读式子不用 ``eval``：一个只认下面这些写法的小读法（``book-answers.js`` 里有同样规则的一份，两边逐个核对）——

- 数（``2``、``0.5``）、变量（只认给定的那一个字母，大小写也要相同）与括号；
- ``+ - * / ^``，``**`` 同 ``^``；``×``、``·`` 是乘号，``÷`` 是除号，``−``、``–`` 是减号；上标 ``T²`` 同 ``T^2``；
  全角的 ``（）＋＊／`` 与半角相同（先做 Unicode NFKC 规范化），空白不算；
- 乘号可以省略：``2T``、``T(T+1)``、``(T-1)T(T+1)/6``；省略的乘号与 ``*``、``/`` 同级，从左往右算
  （``1/2T`` 是 T/2）。数只能写在字母与括号的前面（``T2`` 读不出）；
- 优先级与 Python 相同：``^`` 最高且从右往左结合，``-T^2`` 是 -(T^2)，``2^-1`` 是 0.5。

算出的值不是有限实数（除以零、负数开非整数次方、太大）时，这个式子在那个取值上「没有定义」。
"""

from __future__ import annotations

import json
import math
import numbers
import operator
import re
import unicodedata
from dataclasses import dataclass

from wordvec_rnn.answers import RESULT_TEXT, TEXT, _answer_form, _live_box
from wordvec_rnn.inputs import Optional, Real, Satisfies, Str, accepts
from wordvec_rnn.sliders import static_mode

SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")
SYMBOLS = str.maketrans({"×": "*", "·": "*", "⋅": "*", "∙": "*", "÷": "/", "−": "-", "–": "-"})
TOKEN = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)|([-+*/^()])")
OPERATIONS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "^": operator.pow}
VARIABLE = Satisfies(lambda value: isinstance(value, str) and re.fullmatch("[A-Za-zΑ-Ωα-ω]", value) is not None,
                     '一个拉丁或希腊字母（式子里的变量，如 "T"）')


def _is_samples(values) -> bool:
    return isinstance(values, dict) and bool(values) and all(
        isinstance(k, numbers.Integral) and not isinstance(k, bool) and isinstance(v, numbers.Real)
        and not isinstance(v, bool) and math.isfinite(v) for k, v in values.items())


SAMPLES = Satisfies(_is_samples, "非空的字典 {变量的整数取值: 期望值（有限实数）}，如 {2: 1, 3: 4, 5: 20}")


class _Unreadable(ValueError):
    """读不出式子；``reason`` 是读者看的中文原因。"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _normalised(text: str) -> str:
    """上标 → ^(…)，NFKC（全角 → 半角），去掉空白，× · ÷ − 换成 * / -，** 换成 ^。"""
    text = SUPERSCRIPT.sub(lambda match: "^(" + match.group().translate(SUPERSCRIPT_DIGITS) + ")", text)
    text = re.sub(r"[ \t\n\r]", "", unicodedata.normalize("NFKC", text))
    return text.translate(SYMBOLS).replace("**", "^")


def _tokens(text: str, variable: str) -> list:
    """词元：数（float）、变量、运算符与括号（字符串）。"""
    tokens, position = [], 0
    while position < len(text):
        if text.startswith(variable, position):
            tokens.append(variable)
            position += len(variable)
            continue
        match = TOKEN.match(text, position)
        if match is None:
            raise _Unreadable(f"不认识「{text[position]}」")
        tokens.append(float(match.group(1)) if match.group(1) else match.group(2))
        position = match.end()
    return tokens


class _Reader:
    """递归下降：和 → 积 → 带符号的幂 → 幂 → 数、变量或括号。树的叶子是 float 与变量名，内部节点是
    ``("neg", a)`` 与 ``(运算符, a, b)``。"""

    def __init__(self, tokens: list, variable: str):
        self.tokens, self.variable, self.next = tokens, variable, 0

    def peek(self):
        return self.tokens[self.next] if self.next < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.next += 1
        return token

    def sum(self):
        tree = self.product()
        while self.peek() in ("+", "-"):
            tree = (self.take(), tree, self.product())
        return tree

    def product(self):
        tree = self.signed()
        while True:
            token = self.peek()
            if token in ("*", "/"):
                tree = (self.take(), tree, self.signed())
            elif token in (self.variable, "("):   # 省略的乘号
                tree = ("*", tree, self.power())
            elif isinstance(token, float) and isinstance(self.tokens[self.next - 1], float):
                raise _Unreadable("数里多了小数点")   # 1.2.3 读成 1.2 与 .3
            elif isinstance(token, float):
                raise _Unreadable(f"数要写在字母与括号的前面（2{self.variable}，不写 {self.variable}2）")
            else:
                return tree

    def signed(self):
        if self.peek() in ("+", "-"):
            sign, operand = self.take(), self.signed()
            return ("neg", operand) if sign == "-" else operand
        return self.power()

    def power(self):
        base = self.atom()
        if self.peek() == "^":
            self.take()
            return ("^", base, self.signed())   # 指数可以带符号：2^-1；从右往左结合：T^2^3 = T^(2^3)
        return base

    def atom(self):
        token = self.take()
        if token is None:
            raise _Unreadable("式子没写完")
        if isinstance(token, float) or token == self.variable:
            return token
        if token != "(":
            raise _Unreadable(f"「{token}」放在这里读不通")
        tree = self.sum()
        if self.take() != ")":
            raise _Unreadable("括号没有配对")
        return tree


@dataclass(frozen=True)
class Formula:
    """读出的式子：``formula(5)`` 是变量取 5 时的值（没有定义时是 nan）。"""

    tree: object
    variable: str

    def __call__(self, value: float) -> float:
        return _evaluate(self.tree, self.variable, float(value))


def _evaluate(tree, variable: str, value: float) -> float:
    """式子在变量取 ``value`` 时的值；一步算出的不是有限实数，整个式子就是 nan（没有定义）。"""
    if isinstance(tree, float):
        return tree if math.isfinite(tree) else math.nan   # 几百位的数
    if tree == variable:
        return value
    if tree[0] == "neg":
        return -_evaluate(tree[1], variable, value)
    operation, left, right = tree[0], _evaluate(tree[1], variable, value), _evaluate(tree[2], variable, value)
    if math.isnan(left) or math.isnan(right):
        return math.nan   # 不让 1^nan、nan^0 算出 1（JavaScript 的 ** 与 Python 在这里不同）
    try:
        result = OPERATIONS[operation](left, right)
    except ArithmeticError:   # 除以零、0 的负数次方、太大
        return math.nan
    return result if isinstance(result, float) and math.isfinite(result) else math.nan   # 负数的分数次方是复数


def _read_formula(text: str, variable: str) -> Formula:
    """读出式子；读不出时抛出 :class:`_Unreadable`，``reason`` 说明原因。"""
    text = _normalised(text)
    if not text:
        raise _Unreadable("框里是空的")
    reader = _Reader(_tokens(text, variable), variable)
    tree = reader.sum()
    if reader.peek() is not None:   # 只可能剩下多出来的「)」
        raise _Unreadable("括号没有配对")
    return Formula(tree, variable)


@accepts(text=TEXT, variable=VARIABLE)
def parse_formula(text: str, variable: str = "T") -> Formula | None:
    """读者写的式子 → 可以求值的 :class:`Formula`；读不出来时为 None（规则见模块说明）。"""
    try:
        return _read_formula(text, variable)
    except _Unreadable:
        return None


def _agrees(got: float, expected: float, rtol: float, atol: float) -> bool:
    return math.isfinite(got) and abs(got - expected) <= atol + rtol * abs(expected)


def _first_difference(formula: Formula, values: dict, rtol: float, atol: float):
    """按取值从小到大，第一个与期望值不同的 (取值, 式子的值, 期望值)；处处相同时为 None。"""
    for point in sorted(values):
        got = formula(point)
        if not _agrees(got, values[point], rtol, atol):
            return point, got, values[point]
    return None


@accepts(text=TEXT, values=SAMPLES, variable=VARIABLE, rtol=Real(0.0), atol=Real(0.0))
def check_formula(text: str, values: dict, variable: str = "T", rtol: float = 1e-9, atol: float = 0.0) -> bool | None:
    """读者的式子是否在 ``values`` 的每一个取值上都等于期望值（容差同 ``check_answer``）：True 对、False 不对、
    None 读不出式子。"""
    formula = parse_formula(text, variable)
    if formula is None:
        return None
    return _first_difference(formula, values, rtol, atol) is None


def _shown(value: float) -> str:
    """消息里的数：整数照写，其余至多 6 位小数（与 book-answers.js 的 bookShown 相同）。"""
    if abs(value) >= 1e15:
        return f"{value:.6e}"
    if value == int(value):
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


@accepts(text=TEXT, values=SAMPLES, variable=VARIABLE, rtol=Real(0.0), atol=Real(0.0), hint=Optional(Str()))
def formula_feedback(text: str, values: dict, *, variable: str = "T", rtol: float = 1e-9, atol: float = 0.0,
                     hint: str | None = None) -> str:
    """答案框显示的话（网页里 ``book-answers.js`` 写出同样的话）：对了；不对时在哪个取值上不同，再加 ``hint``；
    读不出时说原因与写法。"""
    try:
        formula = _read_formula(text, variable)
    except _Unreadable as error:
        return (f"读不出式子：{error.reason}。可以用数、+ − * / ^ 与括号，乘号可以省略，变量是 {variable}，"
                f"如 ({variable}+1)^2/2。")
    difference = _first_difference(formula, values, rtol, atol)
    if difference is None:
        return RESULT_TEXT[True]
    point, got, expected = difference
    yours = f"得 {_shown(got)}" if math.isfinite(got) else "没有定义（如除以零）"
    return f"{RESULT_TEXT[False]}{variable}={point} 时你的式子{yours}，应为 {_shown(expected)}。{hint or ''}"


class StaticFormula:
    """静态书里的式子答案框（``_repr_html_``），由 ``book-answers.js`` 核对：取值与期望值写在 ``data-samples`` 里
    （JSON，按取值从小到大的 ``[取值, 期望值]``）。"""

    @accepts(label=Str(), values=SAMPLES, variable=VARIABLE, rtol=Real(0.0), atol=Real(0.0), hint=Optional(Str()))
    def __init__(self, label: str, values: dict, variable: str, rtol: float, atol: float, hint: str | None):
        self.label, self.variable, self.rtol, self.atol, self.hint = label, variable, rtol, atol, hint
        self.samples = [[int(point), float(values[point])] for point in sorted(values)]

    def _repr_html_(self) -> str:
        data = {"variable": self.variable, "samples": json.dumps(self.samples), "rtol": repr(self.rtol),
                "atol": repr(self.atol), "hint": self.hint or ""}
        inputs = f'inputmode="text" spellcheck="false" autocapitalize="off" placeholder="含 {self.variable} 的式子"'
        return _answer_form("book-answer book-formula", data, self.label, inputs)

    def __repr__(self) -> str:
        return f"<StaticFormula {self.label}>"


@accepts(label=Str(), values=SAMPLES, variable=VARIABLE, rtol=Real(0.0), atol=Real(0.0), hint=Optional(Str()))
def formula_box(label: str, values: dict, *, variable: str = "T", rtol: float = 1e-9, atol: float = 0.0,
                hint: str | None = None):
    """答案是式子的练习的答案框：``label`` 是框前的文字，``values`` 是本书的代码在几个取值上算出的期望值
    ``{取值: 期望值}``（取值要足够多，能把不同的式子分开：次数为 d 的多项式要 d+1 个以上），``variable`` 是式子里的
    变量，``rtol``、``atol`` 是每个取值上的容差，``hint`` 是答错时的提示。"""
    if static_mode():
        return StaticFormula(label, values, variable, rtol, atol, hint)
    return _live_box(label, lambda text: formula_feedback(text, values, variable=variable, rtol=rtol, atol=atol,
                                                          hint=hint))
