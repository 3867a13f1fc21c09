"""images/ 里的图都由 wordvec_book.diagrams 画出，而且与代码一致（改了绘图代码要 make images）。"""

import matplotlib.image as mpimg
import numpy as np
import pytest

from wordvec_book.diagrams import FIGURES, render

from conftest import REPO


def test_every_image_is_drawn_by_code():
    assert sorted(p.name for p in (REPO / "images").glob("*.png")) == sorted(FIGURES)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_image_matches_its_code(name, tmp_path):
    render(name, tmp_path / name)
    stored, fresh = mpimg.imread(REPO / "images" / name), mpimg.imread(tmp_path / name)
    assert stored.shape == fresh.shape, f"images/{name} 与代码画出的尺寸不同：运行 make images"
    assert np.abs(stored - fresh).mean() < 0.005, f"images/{name} 与代码画出的不一致：运行 make images"
