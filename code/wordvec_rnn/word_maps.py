"""词向量的二维地图：PCA 与 t-SNE，训练途中的几份词向量各画一幅，摆成同一个朝向，以便回放地图怎样形成。

供第 01 章「词向量探索器」一节（``wordvec_rnn.explorer``）使用。

- 每份词向量先归一化（只看方向，与余弦一致），各自独立地投影：PCA 取前两个主成分；t-SNE 用 scikit-learn 的
  ``TSNE``（余弦距离，PCA 初始化，固定种子）。各份独立计算，早期的地图不会借用训练结束时的结构。
- 投影的朝向与尺度本身没有意义（PCA 的主成分可以变号，t-SNE 可以任意旋转），所以每幅都平移到原点、缩放到
  均方根半径为 1，再用正交 Procrustes 旋转（或翻转）到与最后一幅最接近的朝向：相邻两幅之间只剩真正的变化。
- :func:`draw_word_map` 在 matplotlib 里画一幅地图：点都画出，词标签按给出的顺序（词频从高到低）逐个放，
  与已放的标签重叠的就不写，标签因此互不重叠。网页书里的地图由 ``book-explorer.js`` 按同样的规则画。
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from wordvec_rnn.checks import fail
from wordvec_rnn.inputs import Choice, Int, ListOf, NDArray, Real, Str, accepts, returns

METHODS = ("pca", "tsne")
METHOD_NAMES = {"pca": "PCA", "tsne": "t-SNE"}


def _unit_rows(X: np.ndarray) -> np.ndarray:
    X = X.astype(np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


def _project(X: np.ndarray, method: str, seed: int) -> np.ndarray:
    """一份词向量（已归一化）→ (N, 2) 的坐标。"""
    if method == "pca":
        centred = X - X.mean(axis=0)
        _, _, Qt = np.linalg.svd(centred, full_matrices=False)
        return centred @ Qt[:2].T
    from sklearn.manifold import TSNE

    perplexity = min(30.0, (len(X) - 1) / 3)
    return TSNE(2, perplexity=perplexity, init="pca", metric="cosine", random_state=seed,
                max_iter=500).fit_transform(X)


def _standardise(Y: np.ndarray) -> np.ndarray:
    """平移到原点、缩放到均方根半径 1。"""
    Y = Y - Y.mean(axis=0)
    radius = np.sqrt((Y**2).sum(axis=1).mean())
    return Y / radius if radius > 0 else Y


def _rotate_onto(Y: np.ndarray, target: np.ndarray) -> np.ndarray:
    """正交 Procrustes：使 ‖Y R − target‖ 最小的正交矩阵 R（旋转或翻转）作用在 Y 上。"""
    U, _, Vt = np.linalg.svd(Y.T @ target)
    return Y @ (U @ Vt)


@accepts(snapshots=NDArray("S", "N", "d"), method=Choice(*METHODS), seed=Int(0))
@returns(NDArray("S", "N", 2))
def map_coordinates(snapshots: np.ndarray, method: str = "tsne", seed: int = 0) -> np.ndarray:
    """S 份词向量（形状 (S, N, d)，同样的 N 个词）各自投影到平面，朝向都对齐到最后一份：返回 (S, N, 2)。"""
    if snapshots.shape[1] < 4:
        fail("snapshots", "至少 4 个词的词向量（才谈得上地图）", f"{snapshots.shape[1]} 个")
    maps = [_standardise(_project(_unit_rows(X), method, seed)) for X in snapshots]
    return np.stack([_rotate_onto(Y, maps[-1]) for Y in maps])


def _overlaps(box, placed) -> bool:
    return any(box.overlaps(other) for other in placed)


@accepts(coords=NDArray("N", 2), words=ListOf(Str(), what="N 个词"), title=Str(), point_size=Real(0.0, positive=True))
def draw_word_map(coords: np.ndarray, words: Sequence[str], title: str, point_size: float = 8.0) -> plt.Figure:
    """画一幅词的地图：全部的点，以及按 ``words`` 的顺序逐个放、与已放的标签不重叠的词标签。返回 ``Figure``。"""
    if len(words) != len(coords):
        fail("words", f"与 coords 的行数一样多的词（{len(coords)} 个）", f"{len(words)} 个")
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.scatter(coords[:, 0], coords[:, 1], s=point_size, color="C0", alpha=0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    fig.canvas.draw()
    renderer, placed = fig.canvas.get_renderer(), []
    for (x, y), word in zip(coords, words):
        label = ax.annotate(word, (x, y), xytext=(3, 2), textcoords="offset points", fontsize=9)
        box = label.get_window_extent(renderer)
        inside = ax.bbox.contains(box.x0, box.y0) and ax.bbox.contains(box.x1, box.y1)
        if _overlaps(box, placed) or not inside:
            label.remove()
        else:
            placed.append(box)
    return fig
