"""暗色模式、替代文字与排版：在无头 chromium 中逐页量出读者会看到的问题。

- 暗色模式（系统设为深色，主题跟着变）：滑块说明与控件、代码单元下方链接到公式的一行、插图、表格、单元输出，
  文字与它实际的背景（一层层叠上去的背景色）的对比度（WCAG 2 的公式）不低于 4.5:1；插图按图纸与黑色墨迹计，
  两者都经过主题给图片加的滤镜；
- 每幅插图的替代文字说出图里画的是什么：不是文件路径，也不为空；
- 公式上下标里的文字（如 T_\\text{corpus}）后面不留空白；
- 行内公式或行内代码后面紧跟的，。；：、）等不落到下一行的行首，前面紧挨的（「等不留在上一行的行尾
  （1366 与 390 像素宽）。

答案框先全部展开，框里的公式与文字也在检查之列。每页量出的数在测试结束时列成一张表（见 conftest.py），改动前后对比用。

量页面的测试在 test_html_first_visit.py（每页只打开一次，也做第一次打开的传输量与触屏的检查），用这里的
:func:`look_facts`；本文件只剩不用打开页面的替代文字检查。
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import HTML
from browser_pages import PAGES

MIN_CONTRAST = 4.5
# 上下标里文字的盒子比字本身宽出的像素：四舍五入只差零点几像素
MAX_SCRIPT_GAP_PX = 1.0
DESKTOP = {"width": 1366, "height": 900}
# 有正文的页面（index.html 只是跳转到前言的空页）
CONTENT_PAGES = [name for name in PAGES if name != "index.html"]

# 要检查暗色对比度的元素：类别 → 选择器
CONTRAST_KINDS = {
    "滑块说明": ".book-sliders-caption",
    "滑块控件": ".book-slider",
    "代码→公式": ".book-formula-links",
    "表格": ".bd-article table",
    "单元输出": ".bd-article .cell_output",
    "插图": ".bd-article img, .bd-article figcaption",
}

# 展开全部答案框，等淡入的过渡结束（过渡中的文字是半透明的）
OPEN_ANSWERS = """async () => {
  document.querySelectorAll('.bd-article .toggle-hidden').forEach((box) => box.classList.remove('toggle-hidden'));
  const finite = document.getAnimations().filter((a) => a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.all(finite.map((animation) => animation.finished));
}"""

# 各类元素在暗色模式下的最低对比度：{类别: [最低对比度, 那段文字]}；页面上没有的类别不出现
CONTRAST = """(kinds) => {
  const rgba = (text) => {
    const m = text.match(/^rgba?\\(([^)]*)\\)$/);
    if (!m) throw new Error('无法解析的颜色：' + text);
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  // 元素背后实际的颜色：从它自己往外，把半透明的背景一层层叠到第一个不透明的背景上
  const backdrop = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    return layers.reverse().reduce((below, c) => over(c, below), [255, 255, 255, 1]);
  };
  const opacity = (el) => {
    let value = 1;
    for (let e = el; e; e = e.parentElement) value *= Number(getComputedStyle(e).opacity);
    return value;
  };
  // 主题在暗色模式下给图片加的滤镜（brightness、contrast），作用在图纸与墨迹上
  const filtered = (el, c) => {
    const filter = getComputedStyle(el).filter;
    if (filter === 'none') return c;
    let v = c.slice(0, 3).map((x) => x / 255);
    for (const [, name, arg] of filter.matchAll(/([a-z-]+)\\(([^)]*)\\)/g)) {
      const k = Number(arg);
      if (name === 'brightness') v = v.map((x) => x * k);
      else if (name === 'contrast') v = v.map((x) => (x - 0.5) * k + 0.5);
      else throw new Error('不认识的滤镜：' + filter);
      v = v.map((x) => Math.min(1, Math.max(0, x)));
    }
    return v.map((x) => x * 255).concat(1);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((x) => {
      x /= 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  // 图纸的颜色：图片左上角的像素（全书的图都是不透明的白底），透明时透出背后的颜色
  const paper = (img) => {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0, img.naturalWidth, img.naturalHeight);
    const [r, g, b, a] = context.getImageData(0, 0, 1, 1).data;
    return over([r, g, b, a / 255], backdrop(img));
  };
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === 'visible';
  const ownText = (el) => [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const textContrast = (el) => {
    const color = rgba(getComputedStyle(el).color);
    const below = backdrop(el);
    return ratio(over([...color.slice(0, 3), color[3] * opacity(el)], below), below);
  };
  const result = {};
  for (const [kind, selector] of Object.entries(kinds)) {
    for (const root of document.querySelectorAll(selector)) {
      const elements = [root, ...root.querySelectorAll('*')].filter((el) =>
        visible(el) && !el.closest('mjx-assistive-mml') && (ownText(el) || el.tagName === 'MJX-CONTAINER' || el.tagName === 'IMG'));
      for (const el of elements) {
        const value = el.tagName === 'IMG' ? ratio(filtered(el, paper(el)), filtered(el, [0, 0, 0, 1])) : textContrast(el);
        const text = el.tagName === 'IMG' ? el.alt : el.textContent.trim();
        if (!(kind in result) || value < result[kind][0]) result[kind] = [value, text.slice(0, 60)];
      }
    }
  }
  return result;
}"""

# 上下标里的文字（MathJax 用页面字体排的 mjx-utext）：盒子比字本身宽出的部分
SCRIPT_TEXT_GAPS = """(limit) => [...document.querySelectorAll('.bd-article mjx-utext')].flatMap((box) => {
  const range = document.createRange();
  range.selectNodeContents(box);
  const gap = box.getBoundingClientRect().right - range.getBoundingClientRect().right;
  return gap > limit ? [[box.textContent, gap]] : [];
})"""

# 与行内公式或行内代码拆到两行的标点：紧跟在后面的，。；：、）落到了下一行的行首，或紧挨在前面的（「
# 留在了上一行的行尾。公式（代码）连同标点比正文栏还宽时不算：那只能换行，或者撑出栏外让整页左右滚动，
# 换行是两害相权取其轻（手机上常见于长的函数名，如 naive_softmax_batch_loss_and_gradient、）。
# 返回 [公式或代码的前几个字, 标点]
SPLIT_PUNCTUATION = """() => {
  const article = document.querySelector('.bd-article');
  const found = [];
  if (!article) return found;
  const mark = (node, offset) => {
    const range = document.createRange();
    range.setStart(node, offset);
    range.setEnd(node, offset + 1);
    return range.getClientRects()[0];
  };
  for (const atom of article.querySelectorAll('mjx-container:not([display="true"]), code')) {
    if (atom.closest('pre') || !atom.getClientRects().length) continue;
    const rects = atom.getClientRects();
    const [first, last] = [rects[0], rects[rects.length - 1]];
    const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    walker.currentNode = atom;
    const before = walker.previousNode();
    walker.currentNode = atom;
    let after = walker.nextNode();
    while (after && atom.contains(after)) after = walker.nextNode();
    const label = atom.textContent.slice(0, 20);
    const box = atom.closest('p, li, td, th, dd, dt') || article;
    const style = getComputedStyle(box);
    const column = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (after && /^[，。；：、）！？」』》】]/.test(after.textContent)) {
      const m = mark(after, 0);
      if (m && m.top >= last.bottom - m.height / 2 && m.left < last.right && last.width + m.width <= column) {
        found.push([label, after.textContent[0]]);
      }
    }
    if (before && /[（「『《【]$/.test(before.textContent)) {
      const m = mark(before, before.textContent.length - 1);
      if (m && first.top >= m.bottom - m.height / 2 && first.left < m.left && first.width + m.width <= column) {
        found.push([label, before.textContent.slice(-1)]);
      }
    }
  }
  return found;
}"""


class _ImageAlts(HTMLParser):
    """正文（article）里每幅图的 (src, alt)。"""

    def __init__(self):
        super().__init__()
        self.depth, self.images = 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.depth += 1
        elif tag == "img" and self.depth:
            self.images.append((attrs.get("src", ""), attrs.get("alt")))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def bad_alts(path: Path) -> list[str]:
    """正文里替代文字为空或只是文件路径的图：它们的 src。"""
    parser = _ImageAlts()
    parser.feed(path.read_text(encoding="utf-8"))
    return [src for src, alt in parser.images
            if not (alt or "").strip() or alt == src or alt.endswith((".png", ".svg", ".jpg", ".gif"))]


def look_facts(page) -> dict:
    """一页的各项量（页面已在暗色模式的手机上打开、公式排好）：先量对比度与拆开的标点，再把窗口拉到桌面宽度，
    量上下标文字后的空白与拆开的标点（公式排好后不随窗口宽度重排）。"""
    page.evaluate(OPEN_ANSWERS)
    result = {"contrast": page.evaluate(CONTRAST, CONTRAST_KINDS), "punctuation_390": page.evaluate(SPLIT_PUNCTUATION)}
    page.set_viewport_size(DESKTOP)
    return result | {"gaps": page.evaluate(SCRIPT_TEXT_GAPS, MAX_SCRIPT_GAP_PX),
                     "punctuation_1366": page.evaluate(SPLIT_PUNCTUATION)}


@pytest.mark.parametrize("name", CONTENT_PAGES)
def test_images_say_what_they_show(record_property, name):
    bad = bad_alts(HTML / name)
    record_property("look", (name, "bad_alts", len(bad)))
    assert bad == [], f"{name}：这些图的替代文字为空或只是文件路径，应写出图里画的是什么"
