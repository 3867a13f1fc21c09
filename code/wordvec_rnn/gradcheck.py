"""梯度检验：把手推的梯度与有限差分（或 ``torch.autograd``）逐项对照。

中心差分 :math:`\\frac{f(x+\\epsilon e_i)-f(x-\\epsilon e_i)}{2\\epsilon}` 的截断误差是 :math:`O(\\epsilon^2)`；
在 float64 下取 :math:`\\epsilon=10^{-6}`，正确的梯度与它的相对误差通常在 :math:`10^{-9}` 上下，
写错的梯度则在 :math:`10^{-2}` 以上。本书用 1e-6 作判据。
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .inputs import ArrayLike, DictOf, NDArray, Real, Satisfies, accepts, returns

OBJECTIVE = Satisfies(callable, "不带参数的函数 f()，返回损失（一个实数）")


@accepts(f=OBJECTIVE, x=NDArray(ndim=None, dtype="float64"), eps=Real(1e-12, 1e-2))
def numerical_gradient(f: Callable[[], float], x: np.ndarray, *, eps: float = 1e-6) -> np.ndarray:
    """``f()`` 对数组 ``x`` 每个元素的中心差分梯度。

    ``f`` 不带参数，直接读 ``x``（就地改动 ``x`` 的一个元素、调用 ``f``、再改回来），所以 ``x`` 必须是
    ``f`` 实际用到的那个 float64 数组（float32 的舍入误差会淹没差分）。
    """
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        plus = f()
        x[index] = original - eps
        minus = f()
        x[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


@accepts(a=ArrayLike(ndim=None, nonempty=False), b=ArrayLike(ndim=None, nonempty=False, shape_of="a"))
@returns(Real())
def relative_error(a, b) -> float:
    """两个梯度的相对误差 :math:`\\lVert a-b\\rVert_2 / (\\lVert a\\rVert_2+\\lVert b\\rVert_2)`（两者都为 0 时为 0）。"""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


@accepts(f=OBJECTIVE, params=DictOf(NDArray(ndim=None, dtype="float64"), what="参数名 → float64 数组的字典"),
         grads=DictOf(ArrayLike(ndim=None), same_keys_as="params", what="参数名 → 梯度数组的字典"),
         eps=Real(1e-12, 1e-2))
def gradient_errors(
    f: Callable[[], float], params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray], *, eps: float = 1e-6
) -> dict[str, float]:
    """对每个参数，手推梯度 ``grads[name]`` 与有限差分的相对误差；笔记本里 ``assert`` 每一项小于 1e-6。"""
    return {name: relative_error(grads[name], numerical_gradient(f, params[name], eps=eps)) for name in params}


@accepts(errors=DictOf(Real(0.0), what="名字 → 相对误差的字典"))
def format_errors(errors: Mapping[str, float]) -> str:
    """打印 :func:`gradient_errors` 的结果：``v_c 1.1e-10，U 1.9e-10``（要看的只是量级，与判据 1e-6 比）。"""
    return "，".join(f"{name} {error:.1e}" for name, error in errors.items())
