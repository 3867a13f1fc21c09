"""带滑块的图：在 Jupyter、Colab、Binder 里是 ipywidgets 的实时交互，在静态 HTML 书里也能拖动。

全书每一幅带滑块的图都由 :func:`slider_figure` 画出。它接受一个绘图函数 ``render(**取值)``（返回 matplotlib 的
``Figure``）、每个滑块的取值列表，以及一个可选的 ``describe(**取值)``（返回一句话，写出这组取值下的关键数字）。

- **有内核时**（默认）：返回 ``ipywidgets.interactive``，拖动滑块就用 Python 重新画图。数值滑块是
  ``SelectionSlider``，文字取值（如激活函数的名字）是下拉框。
- **构建静态书时**（环境变量 ``WORDVEC_RNN_STATIC_SLIDERS=1``，``make book`` 设置它）：对取值网格上的**每一组**
  取值调用 ``render`` 与 ``describe``，把每帧存成调色板 PNG，连同说明文字一起嵌进输出的 HTML；页面上的
  ``book.js`` 在拖动滑块时换上对应的帧。图与数字都出自同一个 Python 函数，不联网，也不需要内核。
  浏览器关掉 JavaScript 时，页面显示默认取值的图和一句提示。

帧按两倍的像素密度画（:data:`PIXEL_DENSITY`），页面上按一半的尺寸显示：手机与高分屏上的字和线都清晰。
帧数是各滑块取值个数之积，每帧约 15–35 KB（见 :attr:`StaticSliders.nbytes`），所以网格要取得粗一些。
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
from collections.abc import Callable, Mapping, Sequence
from numbers import Real

import matplotlib as mpl
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import DictOf, Instance, Optional, Satisfies, Str, accepts

STATIC_ENV = "WORDVEC_RNN_STATIC_SLIDERS"
FRAME_DPI = 90          # 页面上每英寸图占的 CSS 像素
PIXEL_DENSITY = 2       # 帧的像素是显示尺寸的几倍（手机屏幕每个 CSS 像素有 2–3 个物理像素）
PALETTE_COLORS = 96
MAX_FRAMES = 400


def static_mode() -> bool:
    """是否在为静态书预先画出全部帧（``WORDVEC_RNN_STATIC_SLIDERS=1``）。"""
    return os.environ.get(STATIC_ENV) == "1"


@accepts(value=Satisfies(lambda value: True, "任意取值"))
def format_value(value) -> str:
    """滑块旁显示的取值：浮点数最多 4 位有效数字，其余原样。"""
    if isinstance(value, Real) and not isinstance(value, (bool, int)):
        return f"{value:.4g}"
    return str(value)


def _distinct_values(values) -> bool:
    """至少两个取值（数值或字符串），显示出来互不相同。"""
    return (isinstance(values, (list, tuple)) and len(values) >= 2
            and all(isinstance(v, str) or (isinstance(v, Real) and not isinstance(v, bool)) for v in values)
            and len({format_value(v) for v in values}) == len(values))


class SliderGrid(DictOf):
    """参数名 → 取值列表（至少两个互不相同的数值或字符串）；取值网格至多 :data:`MAX_FRAMES` 帧。"""

    def __init__(self):
        super().__init__(Satisfies(_distinct_values, "至少两个互不相同的取值（数值或字符串）的列表"),
                         what="非空的字典：参数名 → 取值列表，如 {'rho': [0.5, 1.0, 1.5]}")

    def check(self, value, name, dims):
        value = super().check(value, name, dims)
        n_frames = 1
        for values in value.values():
            n_frames *= len(values)
        if n_frames > MAX_FRAMES:
            fail(name, f"取值网格至多 {MAX_FRAMES} 帧（各滑块取值个数之积）", got=f"{n_frames} 帧")
        return value


ANY_VALUE = Satisfies(lambda value: True, "任意取值")
RENDER = Satisfies(callable, "绘图函数 render(**取值) -> Figure")
DESCRIBE = Optional(Satisfies(callable, "函数 describe(**取值) -> str，或 None"))
# 初始取值：每个键是一个滑块，值是该滑块列表里的一个取值
DEFAULT = Satisfies(lambda d, grid: isinstance(d, Mapping) and all(k in grid and v in grid[k] for k, v in d.items()),
                    "字典：滑块名 → 该滑块列表中的一个取值", uses=("sliders",))
LABELS = DictOf(Str(blank=True), what="字典：滑块名 → 显示的名字")


@accepts(sliders=SliderGrid(), render=RENDER, default=Optional(DEFAULT), describe=DESCRIBE, labels=Optional(LABELS),
         name=Str())
def slider_figure(
    render: Callable[..., plt.Figure],
    sliders: Mapping[str, Sequence],
    *,
    default: Mapping | None = None,
    describe: Callable[..., str] | None = None,
    labels: Mapping[str, str] | None = None,
    name: str = "figure",
):
    """一幅带滑块的图。

    - ``render(**取值)``：画一幅图并返回 ``Figure``（``plt.subplots()`` 建的图即可，画完不要 ``plt.show()``）；
    - ``sliders``：参数名 → 取值列表（数值或字符串，至少两个，按显示顺序）；
    - ``default``：初始取值（默认取每个列表中间的那个）；
    - ``describe(**取值)``：一句话，写出这组取值下的关键数字；图下显示「各滑块的取值：这句话」（静态书里也是
      图片的替代文字，浏览器测试用它核对显示的帧与滑块的取值一致）；
    - ``labels``：滑块旁显示的名字（可以含 Unicode，如 ``{"rho": "ρ"}``）；``name``：图的名字（页面内的标识）。

    有内核时返回 ipywidgets 的 ``interactive``；静态构建时返回 :class:`StaticSliders`。两者都在单元的最后一行
    显示出来。
    """
    grid = {key: list(values) for key, values in sliders.items()}
    default = {key: values[len(values) // 2] for key, values in grid.items()} | dict(default or {})
    labels = {key: key for key in grid} | dict(labels or {})
    if static_mode():
        return StaticSliders(render, grid, default, describe, labels, name)
    return _live(render, grid, default, describe, labels)


def _live(render, grid, default, describe, labels):
    import ipywidgets as widgets

    controls = {}
    for key, values in grid.items():
        options = [(format_value(v), v) for v in values]
        common = dict(options=options, value=default[key], description=labels[key], style={"description_width": "initial"})
        if all(isinstance(v, str) for v in values):
            controls[key] = widgets.Dropdown(**common)
        else:   # 松开滑块时才重画：每帧都要运行一次 Python
            controls[key] = widgets.SelectionSlider(continuous_update=False, **common)

    def show(**values):
        fig = render(**values)
        plt.show()
        plt.close(fig)
        print(_caption(describe, labels, values))

    return widgets.interactive(show, **controls)


def _caption(describe, labels: dict, values: dict) -> str:
    """图下的说明：先写出这一帧的取值，再接 ``describe`` 给出的数字，如「w = 0.9，激活函数 = tanh：……」。"""
    text = "，".join(f"{labels[k]} = {format_value(v)}" for k, v in values.items())
    if describe is None:
        return text
    extra = describe(**values)
    if not isinstance(extra, str):
        fail("describe", "返回字符串的函数", extra)
    return f"{text}：{extra}"


class _FrameCanvas(FigureCanvasAgg):
    """画帧用的 Agg 画布：它建的渲染器都共用一个 mathtext 解析器。

    matplotlib 给每个渲染器各建一个解析器，公式（如对数坐标的刻度 $10^{-8}$）的解析结果只在这个渲染器里缓存；
    而每帧都是一幅新图，存 PNG 时又要建新的渲染器，同样的刻度每帧都要重新解析，这占去一帧约一半的时间。
    共用一个解析器（第一个渲染器自己建的那个，各版本的 matplotlib 各用自己的种类），同样的公式就只解析一次。
    解析的结果只取决于公式、字体与 dpi，画出的像素不变。
    """

    shared_parser = None

    def get_renderer(self, *args, **kwargs):
        renderer = super().get_renderer(*args, **kwargs)
        if _FrameCanvas.shared_parser is None:
            _FrameCanvas.shared_parser = renderer.mathtext_parser
        renderer.mathtext_parser = _FrameCanvas.shared_parser
        return renderer


def _frame(render, values: dict) -> str:
    """画一帧，存成调色板 PNG（颜色少的线图压缩得很小），返回 data URI。

    画法与 ``fig.savefig(..., format="png", dpi=FRAME_DPI * PIXEL_DENSITY)`` 相同，得到同样的像素，只是快一倍多：渲染器共用
    mathtext 解析器（:class:`_FrameCanvas`）；``savefig.bbox`` 为 ``"tight"``（全书的风格）时，裁剪框直接用
    ``fig.get_tightbbox`` 量出，省去 savefig 为此预先做的一遍布局；中间的 PNG 不压缩，马上就被重新编码。
    """
    fig = render(**values)
    if not isinstance(fig, plt.Figure):
        fail("render", "返回 matplotlib Figure 的函数", fig)
    plt.close(fig)                     # 不在 Jupyter 里显示；下面照样能把它画成 PNG
    canvas = _FrameCanvas(fig)
    options, dpi = {}, FRAME_DPI * PIXEL_DENSITY
    if fig.get_layout_engine() is None and mpl.rcParams["savefig.bbox"] == "tight":
        fig.set_dpi(dpi)
        options["bbox_inches"] = fig.get_tightbbox(canvas.get_renderer()).padded(mpl.rcParams["savefig.pad_inches"])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": 0}, **options)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    small = io.BytesIO()
    image.quantize(colors=PALETTE_COLORS, method=Image.Quantize.MEDIANCUT).save(small, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(small.getvalue()).decode("ascii")


def _pixel_width(src: str) -> int:
    """data URI 里的 PNG 有多少像素宽。"""
    return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).width


class StaticSliders:
    """静态书里的滑块图：全部帧与说明文字嵌在一段 HTML 里（``_repr_html_``），由 ``book.js`` 驱动。"""

    @accepts(grid=SliderGrid(), render=RENDER, default=DictOf(ANY_VALUE), describe=DESCRIBE,
             labels=LABELS, name=Str())
    def __init__(self, render, grid, default, describe, labels, name):
        self.grid, self.default, self.labels, self.name = grid, default, labels, name
        self.frames = {}
        for combo in itertools.product(*(range(len(v)) for v in grid.values())):
            values = {key: grid[key][i] for key, i in zip(grid, combo)}
            caption = _caption(describe, labels, values)
            self.frames[",".join(map(str, combo))] = {"src": _frame(render, values), "alt": caption}

    @property
    def nbytes(self) -> int:
        """嵌入页面的全部帧与说明文字的字节数。"""
        return len(self._data_json().encode("utf-8"))

    @accepts(self=Instance(object, "StaticSliders"),
             values=Satisfies(lambda v, me: isinstance(v, Mapping) and all(k in v and v[k] in me.grid[k] for k in me.grid),
                              "字典：每个滑块名 → 它列表中的一个取值", uses=("self",)))
    def key(self, values: Mapping) -> str:
        """一组取值对应的帧的键：各滑块取值在列表中的下标，用逗号连接。"""
        return ",".join(str(self.grid[k].index(values[k])) for k in self.grid)

    def _data_json(self) -> str:
        params = [{"name": k, "label": self.labels[k], "values": [format_value(v) for v in vs]}
                  for k, vs in self.grid.items()]
        return json.dumps({"name": self.name, "params": params, "frames": self.frames}, ensure_ascii=False)

    def _control(self, key: str) -> str:
        values, index = self.grid[key], self.grid[key].index(self.default[key])
        label = html.escape(self.labels[key])
        if all(isinstance(v, str) for v in values):
            options = "".join(f'<option value="{i}"{" selected" if i == index else ""}>{html.escape(v)}</option>'
                              for i, v in enumerate(values))
            widget = f'<select data-param="{html.escape(key)}" disabled>{options}</select>'
        else:
            shown = html.escape(format_value(values[index]))   # aria-valuetext：读屏软件念出显示的取值，不念下标
            widget = (f'<input type="range" data-param="{html.escape(key)}" min="0" max="{len(values) - 1}" '
                      f'step="1" value="{index}" aria-valuetext="{shown}" disabled><output>{shown}</output>')
        return f'<label class="book-slider">{label} {widget}</label>'

    def _repr_html_(self) -> str:
        first = self.frames[self.key(self.default)]
        data = self._data_json().replace("</", "<\\/")   # 不让帧数据提前结束 <script>
        uid = hashlib.sha1(data.encode("utf-8")).hexdigest()[:10]
        controls = "".join(self._control(k) for k in self.grid)
        width = _pixel_width(first["src"]) // PIXEL_DENSITY   # 按显示尺寸排版，各帧的宽度只差几个像素
        return (
            f'<div class="book-sliders" id="book-sliders-{uid}" data-name="{html.escape(self.name)}">'
            f'<div class="book-sliders-controls">{controls}</div>'
            f'<img class="book-sliders-frame" src="{first["src"]}" width="{width}" alt="{html.escape(first["alt"])}">'
            f'<p class="book-sliders-caption">{html.escape(first["alt"])}</p>'
            '<noscript><p class="book-sliders-note">（拖动滑块需要 JavaScript；上图是默认取值下的图。）</p></noscript>'
            f'<script type="application/json" class="book-sliders-data">{data}</script>'
            "</div>"
        )

    def __repr__(self) -> str:
        return f"<StaticSliders {self.name}：{len(self.frames)} 帧，{self.nbytes / 1024:.0f} KB>"
