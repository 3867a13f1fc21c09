"""有内核时（Jupyter、Colab、Binder）的词向量探索器：ipywidgets 的输入框、按钮与滑块，结果由本书的 Python 函数算出。

与静态书里的探索器用同一份数据（``explorer.explorer_data``）、同样的算法：最近邻与类比是 ``word2vec_eval`` 的
``most_similar`` / ``analogy`` 在 ``explorer.explorer_result`` 上的结果，地图是 ``word_maps.draw_word_map``。
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from wordvec_rnn.explorer import GRID, closest_spellings, explorer_result
from wordvec_rnn.explorer_page import DATA, model_name
from wordvec_rnn.inputs import ListOf, Str, accepts
from wordvec_rnn.word2vec_eval import analogy, most_similar
from wordvec_rnn.word_maps import METHOD_NAMES, draw_word_map


@accepts(data=DATA, words=ListOf(Str(blank=True), what="要查的词"))
def unknown_word_message(data: Mapping, words) -> str | None:
    """第一个不在探索器词表里的词的说明（连同拼写相近的词），都在词表里时为 None。"""
    vocabulary = set(data["words"])
    for word in words:
        if word not in vocabulary:
            close = "".join(f"「{w}」" for w in closest_spellings(data["words"], word, 8))
            return f"「{word}」不在最常见的 {len(data['words'])} 个词里。拼写相近的词：{close}"
    return None


def _table(title: str, pairs) -> str:
    return title + "\n" + "\n".join(f"  {r:2d}  {w}  {s:.3f}" for r, (w, s) in enumerate(pairs, 1))


def _neighbours(data, results, word: str) -> str:
    message = unknown_word_message(data, [word])
    if message:
        return message
    return "\n\n".join(_table(f"{entry['name']}：「{word}」的 10 个最近邻", most_similar(results[entry["model"]], word, 10))
                       for entry in data["models"])


def _analogy(data, results, a: str, b: str, c: str, want: str) -> str:
    message = unknown_word_message(data, [a, b, c] + ([want] if want else []))
    if message:
        return message
    parts = []
    for entry in data["models"]:
        result = results[entry["model"]]
        ranked = analogy(result, a, b, c, topn=len(data["words"]))
        text = _table(f"{entry['name']}：{b} − {a} + {c}", ranked[:10])
        if want and want not in (a, b, c):
            rank = 1 + [w for w, _ in ranked].index(want)
            text += f"\n「{want}」在 {len(ranked)} 个候选词中排第 {rank}。"
        parts.append(text)
    return "\n\n".join(parts)


def _map_figure(data, map_index: int, method: str, step: int) -> plt.Figure:
    entry = data["maps"][map_index]
    coords = np.array(entry[method][step], dtype=np.float64).reshape(-1, 2) / GRID
    title = f"{model_name(data, entry['model'])}，{METHOD_NAMES[method]}，已处理 {entry['tokens'][step]:,} 个词元"
    return draw_word_map(coords, list(data["words"][:len(coords)]), title=title)


def _task(button_text: str, inputs, compute):
    """一组输入框、一个按钮与它的结果：点按钮（或改了输入框）时把 compute(*各框的值) 的文字显示在下面。"""
    import ipywidgets as widgets

    button, shown = widgets.Button(description=button_text), widgets.HTML()

    def run(_=None):
        shown.value = f"<pre>{html.escape(compute(*(box.value.strip() for box in inputs)))}</pre>"

    button.on_click(run)
    for box in inputs:
        box.continuous_update = False
        box.observe(run, names="value")
    run()
    return widgets.VBox([widgets.HBox([*inputs, button]), shown])


@accepts(data=DATA)
def live_explorer(data: Mapping):
    """ipywidgets 的探索器：最近邻、类比，以及（有快照时）可以拖动训练进度的地图。"""
    import ipywidgets as widgets

    results = {entry["model"]: explorer_result(data, entry["model"]) for entry in data["models"]}

    def text(value: str, label: str):
        return widgets.Text(value=value, description=label, layout={"width": "12em"})

    a, b, c, want = data["example"]["analogy"]
    parts = [
        _task("找最近邻", [text(data["example"]["word"], "词")], lambda word: _neighbours(data, results, word)),
        _task("类比", [text(a, "a"), text(b, "b"), text(c, "c"), text(want, "期望的答案")],
              lambda *words: _analogy(data, results, *words)),
    ]
    if data["maps"]:
        def show(map_index, method, step):
            _map_figure(data, map_index, method, step)
            plt.show()

        steps = [(f"{n:,} 个词元", i) for i, n in enumerate(data["maps"][0]["tokens"])]
        models = [(model_name(data, e["model"]), i) for i, e in enumerate(data["maps"])]
        parts.append(widgets.interactive(
            show, map_index=widgets.Dropdown(options=models, description="模型"),
            method=widgets.Dropdown(options=[(v, k) for k, v in METHOD_NAMES.items()], value="tsne", description="投影"),
            step=widgets.SelectionSlider(options=steps, value=len(steps) - 1, description="训练进度",
                                         continuous_update=False)))
    return widgets.VBox(parts)
