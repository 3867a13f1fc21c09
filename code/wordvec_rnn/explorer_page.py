"""静态书里词向量探索器的 HTML：表单与地图的骨架，连同数据（JSON）；``book-explorer.js`` 载入数据后让它动起来。

控件在数据载入之前是禁用的；浏览器关掉 JavaScript 时显示一句说明。最近邻与类比的结果、地图上点到的词，都写进
``aria-live`` 的区域，读屏软件会念出来；表单按回车提交，地图的控件都能用键盘操作。
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import Int, Satisfies, Str, accepts
from wordvec_rnn.word_maps import METHOD_NAMES


def _is_explorer_data(data) -> bool:
    return isinstance(data, Mapping) and {"words", "dim", "models", "maps", "example"} <= set(data)


DATA = Satisfies(_is_explorer_data, "wordvec_rnn.explorer.explorer_data 返回的字典")


def _input(name: str, value: str, label: str) -> str:
    return (f'<label>{label}<input name="{name}" value="{html.escape(value)}" autocomplete="off" spellcheck="false" '
            'lang="zh-CN" disabled></label>')


def _neighbours_form(data: Mapping) -> str:
    return ('<form class="book-explorer-form" data-task="neighbours">'
            + _input("word", data["example"]["word"], "词")
            + '<button type="submit" disabled>找最近邻</button></form>'
            '<div class="book-explorer-results" data-task="neighbours" aria-live="polite"></div>')


def _analogy_form(data: Mapping) -> str:
    a, b, c, want = data["example"]["analogy"]
    return ('<form class="book-explorer-form" data-task="analogy">'
            + _input("a", a, "") + "之于" + _input("b", b, "") + "，如同" + _input("c", c, "") + "之于？"
            + _input("want", want, "期望的答案（可不填）")
            + '<button type="submit" disabled>类比</button></form>'
            '<div class="book-explorer-results" data-task="analogy" aria-live="polite"></div>')


def _map_controls(data: Mapping) -> str:
    if not data["maps"]:
        return ""
    models = "".join(f'<option value="{i}">{html.escape(model_name(data, m["model"]))}</option>'
                     for i, m in enumerate(data["maps"]))
    methods = "".join(f'<option value="{key}"{" selected" if key == "tsne" else ""}>{name}</option>'
                      for key, name in METHOD_NAMES.items())
    last = len(data["maps"][0]["tokens"]) - 1
    return ('<div class="book-explorer-map-controls">'
            f'<label>模型<select name="model" disabled>{models}</select></label>'
            f'<label>投影<select name="method" disabled>{methods}</select></label>'
            f'<label>训练进度<input type="range" name="step" min="0" max="{last}" step="1" value="{last}" disabled>'
            '<output></output></label>'
            '<button type="button" name="play" disabled>▶ 回放</button></div>'
            '<svg class="book-explorer-map" role="img" aria-label="词的地图"></svg>'
            '<p class="book-explorer-map-info" aria-live="polite">在地图上点一个点（或把鼠标移上去），这里列出它的最近邻。</p>')


@accepts(data=DATA, model=Str())
def model_name(data: Mapping, model: str) -> str:
    """模型在界面上显示的名字（如「跳元模型」）。"""
    names = {entry["model"]: entry["name"] for entry in data["models"]}
    if model not in names:
        fail("model", f"数据里的模型之一 {list(names)}", model)
    return names[model]


@accepts(data=DATA, data_json=Str(), nbytes=Int(0))
def explorer_html(data: Mapping, data_json: str, nbytes: int) -> str:
    """探索器的整段 HTML；``data_json`` 是已转义好、可以直接放进 <script> 的 JSON。"""
    return (
        '<div class="book-explorer">'
        f'<p class="book-explorer-status" role="status">词向量数据约 {nbytes / 1e6:.1f} MB，滚动到这里时载入……</p>'
        + _neighbours_form(data) + _analogy_form(data) + _map_controls(data)
        + '<noscript><p>探索器需要 JavaScript；上面的表格与图是本页代码的输出，不需要它。</p></noscript>'
        f'<script type="application/json" class="book-explorer-data">{data_json}</script>'
        "</div>"
    )
