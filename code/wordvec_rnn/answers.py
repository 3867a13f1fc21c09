"""练习的答案框：读者填一个数，页面当场说对不对；期望值由本书的代码在构建时算出，不是手打的。

``answer_box(标签, 期望值, rtol=…, atol=…, hint=…)`` 放在练习题的下面（单元的最后一行）：

- **构建静态书时**（``WORDVEC_RNN_STATIC_SLIDERS=1``）返回 :class:`StaticAnswer`：一个小表单，期望值与容差写在
  它的属性里，``book-answers.js`` 在页面里核对，不联网、不需要内核；
- **有内核时**返回 ipywidgets 的输入框与按钮，由 :func:`check_answer` 核对。

两边按同样的规则读数（:func:`parse_answer`）：可以写千分位（``1,301,512``、``1 301 512``）、科学记数（``1.3e6``、
``1.3×10^6``）、分数（``1/2``）、百分数（``50%``）。|读者的数 − 期望值| ≤ atol + rtol·|期望值| 算对；不对时给出
``hint``（常见的错在哪里）。

答案是一个式子（如「用 T 表示」）的练习用 :func:`wordvec_rnn.formula_answers.formula_box`，表单与界面与这里共用。
"""

from __future__ import annotations

import html
import re

from wordvec_rnn.inputs import Optional, Real, Satisfies, Str, accepts
from wordvec_rnn.sliders import static_mode

NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?"
POWER = re.compile(rf"^({NUMBER})(?:[×x*]10\^([+-]?\d+))?$")
FRACTION = re.compile(rf"^({NUMBER})/({NUMBER})$")
RESULT_TEXT = {True: "✓ 对了。", False: "✗ 不对。"}
TEXT = Satisfies(lambda value: isinstance(value, str), "字符串（读者在框里写的，可以是空的）")


@accepts(text=TEXT)
def parse_answer(text: str) -> float | None:
    """读者写的数 → 浮点数；读不出来时为 None（规则见模块说明）。"""
    text = re.sub(r"[\s,，_]", "", text).replace("−", "-").replace("＋", "+").lower()
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    if match := FRACTION.match(text):
        numerator, denominator = float(match.group(1)), float(match.group(2))
        return numerator / denominator * scale if denominator else None
    if match := POWER.match(text):
        exponent = int(match.group(2)) if match.group(2) else 0
        return float(match.group(1)) * 10.0**exponent * scale
    return None


@accepts(text=TEXT, expected=Real(), rtol=Real(0.0), atol=Real(0.0))
def check_answer(text: str, expected: float, rtol: float = 1e-3, atol: float = 0.0) -> bool | None:
    """读者写的数是否在容差之内：True 对、False 不对、None 读不出数。"""
    value = parse_answer(text)
    if value is None:
        return None
    return abs(value - expected) <= atol + rtol * abs(expected)


def _answer_form(classes: str, data: dict[str, str], label: str, input_attributes: str) -> str:
    """静态书里答案框的表单：``data`` 写成 ``data-*`` 属性（页面的脚本从这里读期望值），输入框与按钮先禁用，
    脚本加载后才启用（没有脚本时不会让人以为能核对）。"""
    attributes = "".join(f' data-{name}="{html.escape(value)}"' for name, value in data.items())
    return (
        f'<form class="{classes}"{attributes}><label>{html.escape(label)}'
        f'<input name="answer" {input_attributes} autocomplete="off" disabled></label>'
        '<button type="submit" disabled>核对</button>'
        '<span class="book-answer-result" role="status" aria-live="polite"></span></form>'
    )


def _live_box(label: str, feedback):
    """有内核时的答案框：输入框、「核对」按钮与结果；``feedback(读者写的)`` 返回要显示的话。"""
    import ipywidgets as widgets

    box = widgets.Text(description=label, continuous_update=False, style={"description_width": "initial"})
    button, result = widgets.Button(description="核对"), widgets.Label()

    def run(_=None):
        result.value = feedback(box.value)

    button.on_click(run)
    box.observe(run, names="value")   # 在框里按回车（或离开它）也核对
    return widgets.HBox([box, button, result])


class StaticAnswer:
    """静态书里的答案框（``_repr_html_``），由 ``book-answers.js`` 核对。"""

    @accepts(label=Str(), expected=Real(), rtol=Real(0.0), atol=Real(0.0), hint=Optional(Str()))
    def __init__(self, label: str, expected: float, rtol: float, atol: float, hint: str | None):
        self.label, self.expected, self.rtol, self.atol, self.hint = label, expected, rtol, atol, hint

    def _repr_html_(self) -> str:
        data = {"expected": repr(self.expected), "rtol": repr(self.rtol), "atol": repr(self.atol), "hint": self.hint or ""}
        return _answer_form("book-answer", data, self.label, 'inputmode="decimal"')

    def __repr__(self) -> str:
        return f"<StaticAnswer {self.label}>"


def _feedback(result: bool | None, hint: str | None) -> str:
    if result is None:
        return "读不出一个数：写成 1301512、1.3e6、1/2 或 50% 这样。"
    return RESULT_TEXT[result] + ("" if result or not hint else hint)


@accepts(label=Str(), expected=Real(), rtol=Real(0.0), atol=Real(0.0), hint=Optional(Str()))
def answer_box(label: str, expected: float, *, rtol: float = 1e-3, atol: float = 0.0, hint: str | None = None):
    """练习的答案框：``label`` 是框前的文字（如「RNN 语言模型的参数个数」），``expected`` 是本书的代码算出的值，
    ``rtol``、``atol`` 是容差（整数答案用 ``rtol=0``），``hint`` 是答错时的提示。"""
    if static_mode():
        return StaticAnswer(label, expected, rtol, atol, hint)
    return _live_box(label, lambda text: _feedback(check_answer(text, expected, rtol, atol), hint))
