"""PDF 版里的交互部件（``book_latex`` 用）：纸上印得出的样子。

- 滑块图（``wordvec_rnn.sliders.StaticSliders``）：默认取值下的图，再加一小格关键取值（每个滑块取最小与最大、
  其余在默认值）的图，各带说明文字，并说明网页版可以拖动；
- 词向量探索器：训练结束时跳元模型的 t-SNE 地图（``wordvec_rnn.word_maps.draw_word_map``，与网页上的同一份坐标），
  并说明网页版在这里能做什么；
- 答案框：一句话说明网页版在这里能核对答案（一个单元有几个框时只说一次）；
- 「核对你自己的实现」（``book_fingerprints`` 的占位）：印出探针的代码、正确的实现打印的数，以及认得出的
  常见错误各打印什么，读者对照自己打印的数。
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape

from book_explorer import DATA as EXPLORER_DATA
from book_fingerprints import PLACEHOLDER as FINGERPRINT
from book_slider_frames import DATA_URI, frame_file
from book_widget_assets import class_names
from wordvec_book.fingerprints import PROBES, fingerprints, recognisable

SLIDER_DATA = re.compile(r'<script type="application/json" class="book-sliders-data">(.*?)</script>', re.S)
KEY_FRAMES = 4
EXPLORER_NOTE = ("（网页版在这里是交互的词向量探索器：输入词查两个模型的最近邻、做类比，拖动「训练进度」看词的地图"
                 "怎样形成。上图是训练结束时的一幅。）")
ANSWER_NOTE = "（网页版在这里有答案框：填上答案，页面当场核对。）"


def _paragraph(text: str) -> nodes.paragraph:
    return nodes.paragraph("", "", nodes.emphasis("", text))


def _png(src: str, outdir: Path) -> str:
    """data URI 的帧写进 LaTeX 的输出目录（与网页书的帧文件同样命名），返回文件名。"""
    uri = DATA_URI.match(src)
    return frame_file(outdir, uri.group(1), base64.b64decode(uri.group(2)))


def key_frames(data: dict) -> list[str]:
    """默认帧之外的关键帧：每个滑块取最小与最大值、其余滑块在默认值（去掉重复与默认帧），至多 KEY_FRAMES 个。"""
    default = data["default"]
    keys = []
    for i, param in enumerate(data["params"]):
        for end in (0, len(param["values"]) - 1):
            key = ",".join(str(end) if j == i else index for j, index in enumerate(default.split(",")))
            if key != default and key not in keys:
                keys.append(key)
    return keys[:KEY_FRAMES]


def explorer_latex(html_text: str, outdir: Path) -> str:
    """训练结束时跳元模型的 t-SNE 地图，画法与网页上的相同（按词频放不重叠的标签）。"""
    import matplotlib.pyplot as plt
    import numpy as np

    from wordvec_rnn.plotting import use_book_style
    from wordvec_rnn.word_maps import draw_word_map

    data = json.loads(EXPLORER_DATA.search(html_text).group(1).replace("<\\/", "</"))
    final = next(m for m in data["maps"] if m["model"] == "skipgram")["tsne"][-1]
    use_book_style()
    fig = draw_word_map(np.array(final, dtype=float).reshape(-1, 2), data["words"][:data["map_words"]],
                        f"跳元模型：最常见的 {data['map_words']} 个词（t-SNE，训练结束时）")
    path = outdir / "explorer-map.png"
    fig.savefig(path, dpi=200, bbox_inches="tight")
    plt.close(fig)
    return rf"\begin{{center}}\includegraphics[width=0.9\linewidth]{{{path.name}}}\end{{center}}" + "\n"


def sliders_latex(html_text: str, outdir: Path) -> str:
    data = json.loads(SLIDER_DATA.search(html_text).group(1).replace("<\\/", "</"))
    data["default"] = next(key for key, frame in data["frames"].items()
                           if frame["src"] == re.search(r'class="book-sliders-frame" src="([^"]+)"', html_text).group(1))
    first = data["frames"][data["default"]]
    lines = [r"\begin{center}",
             rf"\includegraphics[width=0.8\linewidth]{{{_png(first['src'], outdir)}}}\par",
             rf"{{\small {escape(html.unescape(first['alt']))}}}\par\medskip",
             r"{\small\itshape 网页版可以拖动滑块看图怎样变；这里印默认取值下的图，下面是几组关键取值。}\par\medskip"]
    for n, key in enumerate(key_frames(data)):
        frame = data["frames"][key]
        lines.append(rf"\begin{{minipage}}[t]{{0.48\linewidth}}\centering"
                     rf"\includegraphics[width=\linewidth]{{{_png(frame['src'], outdir)}}}\par"
                     rf"{{\footnotesize {escape(html.unescape(frame['alt']))}}}\end{{minipage}}"
                     + (r"\hfill" if n % 2 == 0 else r"\par\medskip"))
    lines.append(r"\end{center}")
    return "\n".join(lines) + "\n"


class WidgetsForPrint(SphinxPostTransform):
    """网页上的交互输出（HTML 的 mime bundle）换成纸上的样子；在 myst-nb 挑选输出类型（优先级 4）之前。"""

    builders = ("latex",)
    default_priority = 3

    def run(self, **kwargs):
        outdir = Path(self.app.builder.outdir)
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            shown = next((c.astext() for c in bundle.children if c.get("mime_type") == "text/html"), "")
            present = class_names(shown)
            if "book-sliders" in present:
                bundle.replace_self(nodes.raw("", sliders_latex(shown, outdir), format="latex"))
            elif "book-explorer" in present:
                bundle.replace_self([nodes.raw("", explorer_latex(shown, outdir), format="latex"),
                                     _paragraph(EXPLORER_NOTE)])
            elif "book-answer" in present:   # 数的与式子的答案框
                if any(p.astext() == ANSWER_NOTE for p in bundle.parent.findall(nodes.paragraph)):
                    bundle.parent.remove(bundle)   # 同一个单元的第二个框：说一次就够了
                else:
                    bundle.replace_self(_paragraph(ANSWER_NOTE))


def _numbers(values) -> str:
    return " ".join(f"{v:.6g}" for v in values)


def fingerprint_nodes(name: str, root: Path) -> list[nodes.Node]:
    """探针的代码、正确的实现打印的数、每个认得出的常见错误打印的数。"""
    correct, _ = fingerprints(name, root)
    code = nodes.literal_block(PROBES[name].code, PROBES[name].code, language="python")
    items = nodes.bullet_list()
    for fp in recognisable(name, root):
        items += nodes.list_item("", nodes.paragraph("", "", nodes.literal("", fp.mistake),
                                                     nodes.Text(f"（{fp.description}）："),
                                                     nodes.literal("", _numbers(fp.values))))
    intro = _paragraph("（网页版在这里有贴数的框，当场比较。纸上请对照下面的数：）")
    right = nodes.paragraph("", "正确的实现打印：", nodes.literal("", _numbers(correct)))
    mistakes = nodes.paragraph("", "课堂作业里这些常见的错误各打印：")
    return [code, intro, right, mistakes, items]


class FingerprintsForPrint(SphinxPostTransform):
    """「核对你自己的实现」的占位（网页版由 book_fingerprints 填上核对框）换成探针的代码与指纹。"""

    builders = ("latex",)
    default_priority = 3

    def run(self, **kwargs):
        for raw in list(self.document.findall(nodes.raw)):
            if match := FINGERPRINT.search(raw.astext()):
                raw.replace_self(fingerprint_nodes(match.group(1), Path(self.app.srcdir)))
