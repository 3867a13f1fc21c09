"""带滑块的图的帧放进单独的图片文件，不内嵌在页面里。

``wordvec_rnn.sliders.StaticSliders`` 把每一帧存成 data URI，嵌在笔记本的输出里（单独的笔记本里也能用）。
网页书的一页因此带着全部帧：「雅可比矩阵的连乘」一页有 72 帧，1 MB 的 base64，第一次打开就得全部下载。
写每一页之前，这里把帧解码写成 ``_images/slider-<内容指纹>.png``，<img> 与帧数据（JSON）里换成相对网址：
第一次打开只下载显示着的那一帧，拖动滑块时浏览器才取别的帧（book.js 换 src；http:// 与 file:// 都一样）。
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

SLIDERS = re.compile(r'<div class="book-sliders".*?</script></div>', re.S)
DATA_URI = re.compile(r"data:image/(png|jpeg|webp);base64,([A-Za-z0-9+/=]+)")
FRAME_NAME = re.compile(r"slider-[0-9a-f]{16}\.(?:png|jpeg|webp)")


def frame_file(images: Path, kind: str, data: bytes) -> str:
    """把一帧写到 _images/（文件名是内容的指纹，同样的帧只存一份），返回文件名。"""
    name = f"slider-{hashlib.sha1(data).hexdigest()[:16]}.{kind}"
    path = images / name
    if not path.exists():
        images.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return name


def frames_to_files(app, pagename, templatename, context, doctree):
    body = context.get("body") or ""
    if 'class="book-sliders"' not in body:
        return
    images = Path(app.outdir) / "_images"

    def to_url(uri: re.Match) -> str:
        return context["pathto"]("_images/" + frame_file(images, uri.group(1), base64.b64decode(uri.group(2))), 1)

    context["body"] = SLIDERS.sub(lambda figure: DATA_URI.sub(to_url, figure.group(0)), body)


def drop_unreferenced(outdir: Path, name: re.Pattern, files) -> None:
    """删掉 files 中没有一页再引用（页面里找不到 name 匹配出的这个文件名）的文件。"""
    used = {found for page in outdir.glob("**/*.html") for found in name.findall(page.read_text(encoding="utf-8"))}
    for path in files:
        if path.name not in used:
            path.unlink()


def drop_unused_frames(app, exception):
    """删掉没有一页再用到的帧文件（改了图以后留下的旧帧）。"""
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    drop_unreferenced(outdir, FRAME_NAME, (outdir / "_images").glob("slider-*"))


def setup(app):
    app.connect("html-page-context", frames_to_files)
    app.connect("build-finished", drop_unused_frames)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
