import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from wordvec_rnn.plotting import CJK_FAMILY, cjk_font_path, use_book_style  # noqa: E402


def test_chinese_labels_render_without_missing_glyphs(tmp_path):
    use_book_style()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.plot([1, 10, 100], label="梯度范数")
        ax.set_yscale("log")
        ax.set_title("梯度消失：连乘积随时间步衰减")
        ax.set_xlabel(r"时间间隔 $t-k$（步）")
        ax.set_ylabel(r"$\|\prod_i \partial h_i/\partial h_{i-1}\|_2$，对数坐标")
        ax.legend()
        fig.savefig(tmp_path / "plot.png")
        plt.close(fig)
    missing = [str(w.message) for w in caught if "Glyph" in str(w.message) or "glyph" in str(w.message)]
    assert missing == []


def test_font_is_the_bundled_cjk_font():
    use_book_style()
    use_book_style()  # 重复调用不会重复注册
    path = cjk_font_path()
    assert sum(entry.fname == path for entry in font_manager.fontManager.ttflist) == 1
    found = font_manager.findfont(font_manager.FontProperties(family=CJK_FAMILY), fallback_to_default=False)
    assert found == path
    assert matplotlib.rcParams["font.family"][0] == CJK_FAMILY
