"""公共函数在开头一次说清它接受什么输入，由 :func:`accepts` 统一检查，函数体里只剩公式。

例如负采样的损失::

    @accepts(center_vec=NDArray("d"), outside_idx=Int(0, below="V"),
             negative_idx=NDArray("k", dtype="int", below="V"), outside_vectors=NDArray("V", "d"))
    def neg_sampling_loss_and_gradient(center_vec, outside_idx, negative_idx, outside_vectors): ...

- 形状里的字母是符号维度，同名字母在所有参数间必须相等（上例中 ``d`` 把 v_c 与 U 的列数连起来）；
  ``"4m"`` 这样的写法表示「4 乘以 m」，``"T+1"`` 表示「T 加 1」；``None`` 表示该维不限；开头的 ``...`` 表示前面可以有任意多维
  （``NDArray(..., "q")`` 只约束最后一维）。
- :class:`NDArray` 只收 numpy 数组，:class:`Tensor` 只收 torch 张量，传错了会说清楚怎么转换。
- ``same_dtype="θ"`` 是 dtype 的字母：同一字母的数组 dtype 必须完全相同（如 float32 与 float64 不能混用），
  由第一个检查的数组定下。
- 浮点数组默认不许有 NaN 与 ±inf（``finite=False`` 可放开）；整数数组可用 ``below`` 要求元素在 ``[low, 上界)`` 内
  （``low`` 默认 0），上界可以是整数或维度写法（词表大小 ``V``，或 ``"T+1"``）；``simplex=True`` 要求沿最后一维是概率分布。
- :class:`Params` 是参数字典（如 RNN 的 ``{"V": …, "W": …}``），逐项按规格检查，消息点名 ``params["W"]``。
- 不合要求时抛出 :class:`ValueError`，消息由 :func:`wordvec_rnn.checks.fail` 写出：哪个参数、期望什么、实际得到什么。
  类型不对也抛 ``ValueError``（而不是 ``TypeError``），读者只需认一种错误。

先检查数组（确定各维度字母的值），再检查其余参数（它们的范围可以引用维度字母），同一类按声明的顺序。
"""

from .arrays import ArrayLike, ArraySpec, Counts, Elementwise, NDArray, Shape, Tensor
from .containers import DictOf, ListOf, Optional, Params, TupleOf
from .core import DERIVED_DIM, Dims, Spec, accepts, check_arguments, declared_inputs, derived, returns
from .values import Axes, Bool, Choice, Instance, Int, Real, Rng, Satisfies, Scalar, Str

__all__ = ["DERIVED_DIM", "ArrayLike", "ArraySpec", "Axes", "Bool", "Choice", "Counts", "DictOf", "Dims", "Elementwise",
           "Instance", "Int", "ListOf", "NDArray", "Optional", "Params", "Real", "Rng", "Satisfies", "Scalar", "Shape",
           "Spec", "Str", "Tensor", "TupleOf", "accepts", "check_arguments", "declared_inputs", "derived", "returns"]
