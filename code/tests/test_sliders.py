"""滑块图：有内核时是 ipywidgets 的交互，静态构建时每组取值一帧、嵌进 HTML。"""

import json
import re

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest

from wordvec_rnn import sliders
from wordvec_rnn.sliders import STATIC_ENV, StaticSliders, format_value, slider_figure


def render(w, act):
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, w if act == "tanh" else -w])
    return fig


def describe(w, act):
    return f"末端 {w if act == 'tanh' else -w}"


GRID = {"w": [0.5, 1.0, 1.5], "act": ["tanh", "relu"]}


def test_live_mode_is_an_interactive_widget(monkeypatch):
    monkeypatch.delenv(STATIC_ENV, raising=False)
    view = slider_figure(render, GRID, describe=describe, labels={"act": "激活函数"})
    assert isinstance(view, widgets.interactive)
    w, act = view.children[:2]
    assert isinstance(w, widgets.SelectionSlider) and w.value == 1.0
    assert isinstance(act, widgets.Dropdown) and act.value == "relu" and act.description == "激活函数"


def test_static_mode_renders_every_frame(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    view = slider_figure(render, GRID, default={"w": 0.5, "act": "tanh"}, describe=describe, name="toy")
    assert isinstance(view, StaticSliders)
    assert len(view.frames) == 6 and view.frames[view.key({"w": 1.5, "act": "relu"})]["alt"] == "w = 1.5，act = relu：末端 -1.5"
    assert len({f["src"] for f in view.frames.values()}) == 6          # 每组取值一幅不同的图
    page = view._repr_html_()
    data = json.loads(re.search(r'<script type="application/json" class="book-sliders-data">(.*?)</script>',
                                page).group(1).replace("<\\/", "</"))
    assert data["frames"] == view.frames and [p["name"] for p in data["params"]] == ["w", "act"]
    assert 'value="0" aria-valuetext="0.5" disabled' in page and "<noscript>" in page   # 默认帧；没有 JavaScript 时控件不可用
    width = int(re.search(r'class="book-sliders-frame" src="[^"]*" width="(\d+)"', page).group(1))
    pixels = sliders._pixel_width(view.frames["0,0"]["src"])   # 帧的像素是显示宽度的两倍；2 英寸宽的图约显示 180 像素宽
    assert width == pixels // sliders.PIXEL_DENSITY and abs(width - 2 * sliders.FRAME_DPI) < 20
    assert view.frames["0,0"]["src"] in page and 0 < view.nbytes < 200_000


@pytest.mark.parametrize(
    "name, call",
    [
        ("render", lambda: slider_figure("not callable", GRID)),
        ("describe", lambda: slider_figure(render, GRID, describe=3)),
        ("sliders", lambda: slider_figure(render, {})),
        ('sliders["w"]', lambda: slider_figure(render, {"w": [1.0]})),
        ('sliders["w"]', lambda: slider_figure(render, {"w": [1.0, 1.00001]})),
        ("default", lambda: slider_figure(render, GRID, default={"x": 1})),
        ("default", lambda: slider_figure(render, GRID, default={"w": 2.0})),
        ("sliders", lambda: slider_figure(render, {"a": list(range(30)), "b": list(range(30))})),
    ],
)
def test_bad_input_names_the_argument(name, call):
    with pytest.raises(ValueError, match=re.escape(f"`{name}`")):
        call()


def test_static_mode_rejects_render_that_returns_no_figure(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    with pytest.raises(ValueError, match="`render`"):
        slider_figure(lambda w, act: None, GRID)


def test_format_value():
    assert format_value(0.123456) == "0.1235" and format_value(3) == "3" and format_value("tanh") == "tanh"
    assert sliders.static_mode() in (True, False)


@pytest.mark.parametrize("bbox", ["tight", None])
def test_frame_matches_plain_savefig(bbox):
    """_frame 的快捷画法（共用 mathtext 解析器、自己量裁剪框）与直接 savefig 得到同样的像素。"""
    import base64
    import io

    import numpy as np
    from PIL import Image

    def log_render(rho):   # 对数坐标的 mathtext 刻度，纵轴标签伸到图外（裁剪框比图大）
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.semilogy([1, 2, 3], [1, rho, rho ** 8])
        ax.set_ylabel(r"$|\prod_{i=k+1}^{t} w f'(z_i)|$")
        ax.set_title(f"ρ = {rho}")
        return fig

    def pixels(src):
        return np.asarray(Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).convert("RGB"))

    with plt.rc_context({"savefig.bbox": bbox}):
        for rho in (1e-3, 1e3):   # 第二帧用上缓存的公式
            fig = log_render(rho)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=sliders.FRAME_DPI * sliders.PIXEL_DENSITY)
            plt.close(fig)
            small = io.BytesIO()
            Image.open(buffer).convert("RGB").quantize(colors=sliders.PALETTE_COLORS, method=Image.Quantize.MEDIANCUT) \
                .save(small, format="PNG")
            expected = pixels("data:image/png;base64," + base64.b64encode(small.getvalue()).decode("ascii"))
            assert np.array_equal(pixels(sliders._frame(log_render, {"rho": rho})), expected)
