# 本模块由 `python -m wordvec_book.export` 从章节笔记本中标记 `#@save jacobian` 的代码单元生成，
# 请勿直接修改：改笔记本，再重新导出。来源：
#   chapters/03_vanishing_exploding/01_jacobian_products.ipynb

"""第 03 章「雅可比矩阵的连乘」（chapters/03_vanishing_exploding/01_jacobian_products.ipynb）中推导并实现的代码：从
BPTT 的求和到连乘、标量情形、真实的 RNN。
"""

from collections.abc import Callable

import numpy as np

from wordvec_rnn.inputs import Choice, Int, NDArray, Optional, Real, Rng, accepts, returns

# 定义于 chapters/03_vanishing_exploding/01_jacobian_products.ipynb 「雅可比矩阵的连乘」§「从 BPTT 的求和到连乘」
ACTIVATIONS = ("tanh", "sigmoid", "relu", "identity")
MAX_SLOPE = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0, "identity": 1.0}   # max |f'(z)|
MATRIX_KINDS = ("normal", "nonnormal")


@accepts(name=Choice(*ACTIVATIONS))
def activation(name: str) -> tuple[Callable, Callable]:
    """激活函数 ``f`` 与它的导数 ``f'``（都逐元素作用于 numpy 数组），实现式 (eq-jac-slopes)。

    ``name`` 取 ``"tanh"``、``"sigmoid"``、``"relu"``、``"identity"``（恒等，即线性 RNN）。
    ReLU 在 0 处的导数取 0（与 torch 相同）。
    """
    if name == "tanh":
        return np.tanh, lambda z: 1.0 - np.tanh(z) ** 2
    if name == "sigmoid":
        def sigmoid(z):
            return 0.5 * (1.0 + np.tanh(0.5 * z))   # = 1/(1+e^{-z})，不会溢出
        return sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))
    if name == "relu":
        return lambda z: np.maximum(z, 0.0), lambda z: (np.asarray(z) > 0).astype(float)
    return lambda z: np.asarray(z, dtype=float), lambda z: np.ones_like(z, dtype=float)


def _orthogonal(m: int, rng: np.random.Generator) -> np.ndarray:
    """均匀分布的随机正交矩阵：高斯矩阵的 QR 分解，再把 R 的对角元的符号乘回 Q。"""
    Q, R = np.linalg.qr(rng.standard_normal((m, m)))
    return Q * np.sign(np.diag(R))


@accepts(m=Int(1), rho=Real(0.0), rng=Rng(), kind=Choice(*MATRIX_KINDS))
@returns(NDArray(None, None))
def matrix_with_spectral_radius(m: int, rho: float, rng: np.random.Generator, kind: str = "normal") -> np.ndarray:
    """谱半径（特征值绝对值的最大者）为 ``rho`` 的随机 m×m 矩阵，实现式 (eq-jac-test-matrices)。

    - ``"normal"``：``rho * Q``，Q 是随机正交矩阵。它是正规矩阵，全部奇异值都等于 ``rho``，‖W^s‖₂ = rho^s。
    - ``"nonnormal"``：``Q (D + E) Qᵀ``，D 是对角阵（第一个对角元是 ``rho``，其余取自 ``rho * U(-1, 1)``），E 是
      严格上三角（幂零）部分，元素取自均值 0、方差 4/m 的正态分布。相似变换不改变特征值，所以谱半径仍是 ``rho``（上三角阵的特征值
      就是对角元），但最大奇异值大得多，‖W^s‖₂ 会先增长，再按 rho^s 衰减。
    """
    Q = _orthogonal(m, rng)
    if kind == "normal":
        return rho * Q
    diagonal = rho * rng.uniform(-1.0, 1.0, size=m)
    diagonal[0] = rho
    nilpotent = np.triu(rng.standard_normal((m, m)), k=1) * 2.0 / np.sqrt(m)
    return Q @ (np.diag(diagonal) + nilpotent) @ Q.T


@accepts(W=NDArray("m", "m"), Z=NDArray("T", "m"), act=Choice(*ACTIVATIONS))
@returns(NDArray("T", "m", "m"))
def jacobian_products(W: np.ndarray, Z: np.ndarray, act: str = "tanh") -> np.ndarray:
    """``P[s - 1] = ∂h_T/∂h_{T-s} = ∏_{i=T-s+1}^{T} diag(f'(z_i)) W``，s = 1, …, T，实现式 (eq-jac-product)。

    ``W``：(m, m)；``Z``：(T, m)，一条序列的预激活 z_1, …, z_T（第 t 行是 z_t）。返回 (T, m, m)。
    时间越晚的因子越靠左：P[s] = P[s - 1] · diag(f'(z_{T-s})) W。
    """
    _, f_prime = activation(act)
    T, m = Z.shape
    products = np.empty((T, m, m))
    current = np.eye(m)
    for s in range(1, T + 1):
        z = Z[T - s]                                   # z_{T-s+1}，Python 下标 t - 1
        current = current @ (f_prime(z)[:, None] * W)  # 右乘 diag(f'(z)) W
        products[s - 1] = current
    return products


# 定义于 chapters/03_vanishing_exploding/01_jacobian_products.ipynb 「雅可比矩阵的连乘」§「从 BPTT 的求和到连乘」
@accepts(W=NDArray("m", "m"), V=NDArray("m", "n"), b_h=NDArray("m"), X=NDArray("T", "n"), act=Choice(*ACTIVATIONS),
         h0=Optional(NDArray("m")))
@returns(NDArray("T", "m"), NDArray(None, "m"))
def rnn_preactivations(W: np.ndarray, V: np.ndarray, b_h: np.ndarray, X: np.ndarray, act: str = "tanh",
                       h0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """一条序列的前向传播 z_t = V x_t + W h_{t-1} + b_h，h_t = f(z_t)，实现式 (eq-jac-forward)。

    ``X``：(T, n)。返回 ``(Z, H)``：Z (T, m) 的第 t 行是 z_t；H (T + 1, m) 的第 t 行是 h_t，H[0] = h_0（默认全零）。
    """
    f, _ = activation(act)
    H = np.zeros((X.shape[0] + 1, W.shape[0]))
    if h0 is not None:
        H[0] = h0
    Z = X @ V.T + b_h            # 先算好各步的 V x_t + b_h
    for t in range(1, X.shape[0] + 1):
        Z[t - 1] += W @ H[t - 1]
        H[t] = f(Z[t - 1])
    return Z, H


# 定义于 chapters/03_vanishing_exploding/01_jacobian_products.ipynb 「雅可比矩阵的连乘」§「标量情形」
@accepts(w=Real(), act=Choice(*ACTIVATIONS), x=NDArray("T"), v=Real(), b=Real(), h0=Real())
@returns(NDArray("T"))
def scalar_product(w: float, act: str, x: np.ndarray, v: float = 1.0, b: float = 0.0, h0: float = 0.0) -> np.ndarray:
    """标量 RNN h_t = f(w h_{t-1} + v x_t + b) 的连乘 ∏_{i=1}^{s} w f'(z_i)，s = 1, …, T（带符号），实现式 (eq-jac-scalar)。

    ``x``：(T,)，输入 x_1, …, x_T。返回 (T,)，第 s - 1 个元素是跨度 s 的乘积 ∂h_s/∂h_0。
    """
    h = h0
    f, f_prime = activation(act)
    slopes = np.empty(len(x))
    for t in range(1, len(x) + 1):
        z = w * h + v * x[t - 1] + b
        slopes[t - 1] = w * f_prime(z)
        h = f(z)
    return np.cumprod(slopes)


# 定义于 chapters/03_vanishing_exploding/01_jacobian_products.ipynb 「雅可比矩阵的连乘」§「真实的 RNN：不同的初始化」
@accepts(W=NDArray("m", "m"), Z=NDArray("T", "m"), g_T=NDArray("m"), act=Choice(*ACTIVATIONS))
@returns(NDArray(None))
def state_gradient_norms(W: np.ndarray, Z: np.ndarray, g_T: np.ndarray, act: str = "tanh") -> np.ndarray:
    """‖∂L_T/∂h_k‖，k = 0, …, T：从 g_T = ∂L_T/∂h_T 出发，按 g_k = Wᵀ (f'(z_{k+1}) ⊙ g_{k+1}) 往回算，实现式 (eq-jac-state-grad)。

    ``Z``：(T, m)，预激活 z_1, …, z_T；``g_T``：(m,)。返回 (T + 1,)，第 k 个元素是 ‖∂L_T/∂h_k‖。
    """
    _, f_prime = activation(act)
    T = Z.shape[0]
    norms = np.empty(T + 1)
    g = np.array(g_T, dtype=float)
    norms[T] = np.linalg.norm(g)
    for k in range(T - 1, -1, -1):
        g = W.T @ (f_prime(Z[k]) * g)          # Z[k] 是 z_{k+1}
        norms[k] = np.linalg.norm(g)
    return norms
