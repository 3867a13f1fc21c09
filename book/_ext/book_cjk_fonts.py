"""随书中文字体的网页版：按 unicode-range 切成许多 WOFF2 小片，一页只下载它的字所在的几片。

读者的系统里有中文字体时（book.css 的 --book-font-cjk-system：PingFang SC、Microsoft YaHei、Noto Sans CJK SC……
在字体列表里排在随书字体之前），什么也不下载。没有时浏览器才取 "Book CJK" 的切片，而且只取 unicode-range 与页面上的字相交的
那几片（Google Fonts 给中文字体也是这样切的）。切法：

- 书里出现的字按「出现在哪些页上」排：出现在所有页上的（目录、页眉里的字）在最前，只在同一组页上出现的字挨在一起，
  每 :data:`SLICE_SIZE` 个字一片，一页要的字就集中在少数几片里；
- 书里没有、字体里有的字（读者可能在检索框里打出来）按码位每 :data:`BLOCK` 个码位一片，书里的页从不下载它们。

切片下载期间（font-display: swap）浏览器改用字体列表里的下一个字体：``"Book CJK Blank"``，一个内嵌在 CSS 里、
只有一个宽 1 em 的空白字形的小字体（汉字与全角标点本来就是 1 em 宽）。所以在切片到达之前汉字是等宽的空白，
不是方框，版面也不跳动；切片一到，字就出现。它覆盖 CJK_RANGES 的全部码位，随书字体也没有的生僻字（书里没有，
只可能是读者在检索框里打的）因此显示为空白而不是方框；换来的是这个字体不到 1 KB。

切片在构建结束时由 fontTools 从 ``code/wordvec_rnn/fonts/`` 的 OTF（matplotlib 也用它）生成，写到
``_static/book-cjk/``，字体规则写到 ``_static/book-cjk.css``。生成 WOFF2 慢（每片一两秒），所以按字集缓存在
``_build/.book_cjk/``：重新构建时只生成字集变了的切片。许可：SIL OFL 1.1。切片是原字体的修改版（子集），
原字体的保留字体名（Reserved Font Name）是 "Source"，切片不用它，内部字体名改为 "Book CJK"，保留版权、商标与
许可信息，``OFL.txt`` 放在切片旁。
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import zlib
from collections import defaultdict
from pathlib import Path

from fontTools import subset
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from sphinx.util import logging

logger = logging.getLogger(__name__)

FONT_DIR = Path("code/wordvec_rnn/fonts")
SOURCE = "NotoSansCJKsc-Regular-GB2312.otf"
OUT_DIR = "book-cjk"          # _static 下的切片目录
CSS = "book-cjk.css"          # _static 下的字体规则，_config.yml 的 html_css_files 里登记
SLICE_SIZE = 100              # 书里的字每片多少个
BLOCK = 1024                  # 书里没有的字按码位分块，每块多少个码位
# 由随书字体显示的码位：CJK 部首、标点、假名、注音、带圈字符、汉字、兼容汉字、竖排与全角形式。
# 拉丁字母、希腊字母、数学符号、弯引号与破折号不在其中，落到字体列表里后面的拉丁字体。
CJK_RANGES = [(0x2E80, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F),
              (0xFF00, 0xFFEF)]
# 安卓上系统中文字体没有可按名字匹配的 family，只能用 local() 按全名或 PostScript 名找到（找到就不下载）
LOCAL_NAMES = ["Noto Sans CJK SC", "NotoSansCJKsc-Regular", "Source Han Sans SC", "SourceHanSansSC-Regular"]
# 网页上横排的简体中文用不到 OpenType 的排版特性（locl 会带进日、韩、繁体的字形，让每片大四成）与竖排表；
# 手机屏幕的分辨率也用不到 hinting。保留版权（0）、商标（7）与许可（13、14）的名字记录。
SUBSET_OPTIONS = dict(flavor="woff2", hinting=False, desubroutinize=True, layout_features=[], name_IDs=[0, 7, 13, 14])
DROP_TABLES = ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]   # 加在 fontTools 默认丢掉的表之外
CACHE_VERSION = "2"           # 改了切片的生成方式（SUBSET_OPTIONS、改名）时加一，旧缓存作废


def is_cjk(code_point: int) -> bool:
    return any(first <= code_point <= last for first, last in CJK_RANGES)


SCRIPT_SRC = re.compile(r'<script[^>]*\bsrc="([^"?#]+)')


def script_text(outdir: Path, page: Path, cache: dict[Path, str]) -> str:
    """页面加载的本书脚本（_static 下，MathJax 与 vendor/ 的第三方脚本除外）的文字：脚本可能把其中的中文
    放进页面（界面译文、MathJax 菜单的中文、检索页的提示），浏览器为它们下载切片。"""
    texts = []
    for src in SCRIPT_SRC.findall(page.read_text(encoding="utf-8")):
        path = (page.parent / src).resolve()
        if path.suffix == ".js" and path.is_relative_to(outdir / "_static") and not {"mathjax", "vendor"} & set(path.parts):
            if path not in cache:
                cache[path] = path.read_text(encoding="utf-8") if path.exists() else ""
            texts.append(cache[path])
    return "".join(texts)


def page_characters(outdir: Path, coverage: set[int]) -> dict[str, set[int]]:
    """每一页（HTML 文件，含属性与内嵌数据，加上它加载的本书脚本）用到的、随书字体里有的 CJK 码位。"""
    outdir, pages, scripts = outdir.resolve(), {}, {}
    for path in sorted(outdir.glob("**/*.html")):
        name = path.relative_to(outdir).as_posix()
        if not name.startswith("_"):
            text = path.read_text(encoding="utf-8") + script_text(outdir, path, scripts)
            pages[name] = {ord(c) for c in text} & coverage
    return pages


def slice_groups(pages: dict[str, set[int]], coverage: set[int]) -> list[list[int]]:
    """把随书字体的 CJK 码位分成切片：先是书里的字（见模块说明），再是按码位分块的其余字。"""
    where = defaultdict(list)
    for page, characters in pages.items():
        for c in characters:
            where[c].append(page)
    in_book = sorted(where, key=lambda c: (-len(where[c]), sorted(where[c]), c))
    groups = [in_book[i:i + SLICE_SIZE] for i in range(0, len(in_book), SLICE_SIZE)]
    rest = defaultdict(list)
    for c in sorted(coverage - set(where)):
        rest[c // BLOCK].append(c)
    return groups + list(rest.values())


def unicode_range(code_points) -> str:
    """码位集合 → CSS 的 unicode-range（连续的码位写成一段）。"""
    runs, points = [], sorted(code_points)
    for c in points:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in runs)


def block_range(group: list[int], in_book: set[int]) -> list[int]:
    """按码位分块的切片写进 unicode-range 的码位：整块去掉书里的字（比只列字体有的字短得多）。"""
    first = group[0] // BLOCK * BLOCK
    return [c for c in range(first, first + BLOCK) if is_cjk(c) and c not in in_book]


def renamed(font: TTFont) -> None:
    """子集改名为 "Book CJK"（OFL 的修改版；原字体的保留名是 "Source"，不用），保留版权、商标与许可信息。"""
    names = font["name"]
    for name_id, value in [(1, "Book CJK"), (2, "Regular"), (4, "Book CJK"), (6, "BookCJK-Regular"),
                           (3, "BookCJK-Regular;subset of Noto Sans CJK SC 2.004")]:
        names.setName(value, name_id, 3, 1, 0x409)
    cff = font["CFF "].cff
    cff.fontNames = ["BookCJK-Regular"]
    cff.topDictIndex[0].FullName = cff.topDictIndex[0].FamilyName = "Book CJK"


def make_slice(source: bytes, code_points: list[int]) -> bytes:
    options = subset.Options()
    for key, value in SUBSET_OPTIONS.items():
        setattr(options, key, value)
    options.drop_tables += DROP_TABLES
    font = TTFont(io.BytesIO(source))
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points)
    subsetter.subset(font)
    renamed(font)
    font.flavor = "woff2"
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def cached_slice(cache: Path, source: bytes, code_points: list[int]) -> Path:
    """切片的 WOFF2（按源字体、字集与生成方式缓存）；文件名就是内容的指纹，浏览器可以放心长期缓存。"""
    key = hashlib.sha1(source + CACHE_VERSION.encode() + ",".join(map(str, code_points)).encode()).hexdigest()
    path = cache / f"{key[:16]}.woff2"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make_slice(source, code_points))
    return path


def notdef_box(em: int):
    """.notdef 的方框（从不显示：每个码位都映射到空白字形）。浏览器的字体检查（OTS）不接受没有一个轮廓的 glyf 表。"""
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, em - 200))
    pen.lineTo((em - 50, em - 200))
    pen.lineTo((em - 50, 0))
    pen.closePath()
    return pen.glyph()


def blank_font(source: TTFont) -> bytes:
    """只有一个空白字形（宽 1 em）的 WOFF2，覆盖 CJK_RANGES 的每个码位：切片到达之前占位，不画方框。

    cmap 用格式 13（多个码位映射到同一字形，每段只占 12 字节），整个字体不到 1 KB，内嵌在 CSS 里不必另外下载。
    竖直度量抄自随书字体，换上真的字时行高不变。
    """
    em = source["head"].unitsPerEm
    builder = FontBuilder(em, isTTF=True)
    builder.setupGlyphOrder([".notdef", "blank"])
    builder.setupCharacterMap({})
    cmap = CmapSubtable.newSubtable(13)
    cmap.platformID, cmap.platEncID, cmap.language = 3, 10, 0
    cmap.cmap = {c: "blank" for first, last in CJK_RANGES for c in range(first, last + 1)}
    builder.font["cmap"].tables = [cmap]
    builder.setupGlyf({".notdef": notdef_box(em), "blank": TTGlyphPen(None).glyph()})
    builder.setupHorizontalMetrics({".notdef": (em, 0), "blank": (em, 0)})
    builder.setupHorizontalHeader(ascent=source["hhea"].ascent, descent=source["hhea"].descent)
    os2 = source["OS/2"]
    builder.setupOS2(sTypoAscender=os2.sTypoAscender, sTypoDescender=os2.sTypoDescender,
                     sTypoLineGap=os2.sTypoLineGap, usWinAscent=os2.usWinAscent, usWinDescent=os2.usWinDescent)
    builder.setupNameTable({"familyName": "Book CJK Blank", "styleName": "Regular"})
    builder.setupPost()
    builder.font.flavor = "woff2"
    out = io.BytesIO()
    builder.font.save(out)
    return out.getvalue()


def font_face(family: str, src: str, code_points, display: str) -> str:
    return (f'@font-face{{font-family:"{family}";src:{src};unicode-range:{unicode_range(code_points)};'
            f"font-display:{display}}}")


def slice_rules(outdir: Path, source_bytes: bytes, pages: dict[str, set[int]], coverage: set[int]) -> list[str]:
    """生成（或从缓存取出）每个切片，复制到 _static/book-cjk/，返回它们的 @font-face 规则。"""
    in_book = set().union(*pages.values())
    target = outdir / "_static" / OUT_DIR
    target.mkdir(parents=True, exist_ok=True)
    cache = outdir.parent / ".book_cjk"
    local = ",".join(f'local("{name}")' for name in LOCAL_NAMES)
    rules, kept = [], set()
    for group in slice_groups(pages, coverage):
        path = cached_slice(cache, source_bytes, group)
        kept.add(path.name)
        if not (target / path.name).exists():
            shutil.copyfile(path, target / path.name)
        listed = group if group[0] in in_book else block_range(group, in_book)
        rules.append(font_face("Book CJK", f'{local},url("{OUT_DIR}/{path.name}") format("woff2")', listed, "swap"))
    for stale in [*target.glob("*.woff2"), *cache.glob("*.woff2")]:   # 字集变了以后不再用的切片
        if stale.name not in kept:
            stale.unlink()
    return rules


def stamp_pages(outdir: Path, css: str) -> None:
    """各页链接 book-cjk.css 时带上它这次内容的校验和（与 Sphinx 给其他 CSS 的 ?v= 相同），读者的浏览器不会
    拿缓存里的旧规则去找已经删掉的切片。Sphinx 写页面时这个文件还没生成，只能在这里补上。"""
    version = f"?v={zlib.crc32(css.encode('utf-8')):08x}"
    link = re.compile(re.escape(CSS) + r'(\?v=[0-9a-f]+)?"')
    for path in outdir.glob("**/*.html"):
        html = path.read_text(encoding="utf-8")
        stamped = link.sub(CSS + version + '"', html)
        if stamped != html:
            path.write_text(stamped, encoding="utf-8")


def write_fonts(app, exception):
    """构建结束时：按各页用到的字切片，写出切片、OFL.txt 与 book-cjk.css。"""
    if exception or app.builder.format != "html":
        return
    outdir, fonts = Path(app.outdir), Path(app.confdir) / FONT_DIR
    source_bytes = (fonts / SOURCE).read_bytes()
    source = TTFont(io.BytesIO(source_bytes))
    coverage = {c for c in source.getBestCmap() if is_cjk(c)}
    pages = page_characters(outdir, coverage)
    rules = slice_rules(outdir, source_bytes, pages, coverage)
    blank = base64.b64encode(blank_font(source)).decode("ascii")
    all_cjk = [c for first, last in CJK_RANGES for c in range(first, last + 1)]
    rules.insert(0, font_face("Book CJK Blank", f'url(data:font/woff2;base64,{blank}) format("woff2")', all_cjk, "block"))
    css = "/* 随书中文字体的切片，由 book/_ext/book_cjk_fonts.py 在构建时生成；许可见 book-cjk/OFL.txt */\n"
    css += "\n".join(rules) + "\n"
    (outdir / "_static" / CSS).write_text(css, encoding="utf-8")
    shutil.copyfile(fonts / "OFL.txt", outdir / "_static" / OUT_DIR / "OFL.txt")
    stamp_pages(outdir, css)
    logger.info(f"中文字体：{len(rules) - 1} 片，书里的字 {len(set().union(*pages.values()))} 个")


def setup(app):
    app.connect("build-finished", write_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
