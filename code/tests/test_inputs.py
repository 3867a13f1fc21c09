"""输入声明（wordvec_rnn.inputs.accepts）本身：消息点名参数，维度字母跨参数绑定，numpy 与 torch 分得清。"""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from wordvec_rnn.inputs import (Bool, Choice, Elementwise, Int, ListOf, NDArray, Optional, Params, Real, Rng, Tensor,
                                TupleOf, accepts, declared_inputs)


@accepts(x=NDArray("B", "d"), ids=NDArray("B", dtype="int", below="V"), U=NDArray("V", "d"), k=Int(0, below="V"))
def score(x, ids, U, k):
    return (x * U[ids]).sum(axis=1) + U[k].sum()


@accepts(z=Tensor("4m"), h=Tensor("m"))
def lstm_like(z, h):
    return z[: h.shape[0]] + h


def good():
    return np.ones((2, 3)), np.array([0, 4]), np.zeros((5, 3)), 1


def test_declared_inputs_are_recorded():
    assert set(declared_inputs(score)) == {"x", "ids", "U", "k"}
    assert declared_inputs(len) is None
    assert score(*good()).shape == (2,)


def test_every_parameter_must_be_declared():
    with pytest.raises(TypeError, match="不一致"):
        accepts(a=Int())(lambda a, b: a)


@pytest.mark.parametrize("position, bad, message", [
    (2, np.ones((5, 4)), r"参数 `U`：期望形状 \(V, d\)，其中 .*d=3（由参数 `x` 定下）.*实际得到 形状为 \(5, 4\)"),
    (0, torch.ones(2, 3), r"参数 `x`：期望 numpy 数组（这是 numpy 实现；torch 张量请先 .detach\(\).numpy\(\)）"),
    (0, np.ones((2, 3), dtype=np.int64), r"参数 `x`：期望浮点（float32 或 float64）类型的数组"),
    (0, np.array([[1.0, np.nan, 0], [0, 0, 0]]), r"参数 `x`：期望不含 NaN 或无穷大的数组"),
    (1, np.array([0, 5]), r"参数 `ids`：期望词表编号，在 \[0, 5\) 内，实际得到 越界的编号 5"),
    (1, np.array([0, -1]), r"越界的编号 -1"),
    (1, np.array([0.0, 1.0]), r"参数 `ids`：期望整数类型的数组"),
    (2, np.full((5, 3), np.inf), r"参数 `U`：期望不含 NaN"),
    (3, 5, r"参数 `k`：期望范围 \[0, 4\] 内的整数"),
    (3, True, r"参数 `k`：期望整数"),
])
def test_bad_argument_is_named(position, bad, message):
    args = list(good())
    args[position] = bad
    with pytest.raises(ValueError, match=message):
        score(*args)


def test_keyword_arguments_and_defaults_are_checked():
    @accepts(lr=Real(positive=True), mode=Choice("sg", "cbow"), rng=Optional(Rng()), flag=Bool())
    def train(lr, mode="sg", rng=None, flag=False):
        return lr, mode, rng, flag

    assert train(np.float32(0.5), flag=np.bool_(True)) == (0.5, "sg", None, True)
    with pytest.raises(ValueError, match="参数 `lr`：期望正实数"):
        train(0.0)
    with pytest.raises(ValueError, match="参数 `mode`：期望'sg'、'cbow' 之一"):
        train(1.0, mode="CBOW")
    with pytest.raises(ValueError, match=r"参数 `rng`：期望 numpy.random.Generator"):
        train(1.0, rng=np.random.RandomState(0))


def test_derived_dims_and_torch_side():
    assert lstm_like(torch.zeros(8), torch.ones(2)).shape == (2,)
    with pytest.raises(ValueError, match=r"参数 `z`：期望形状 \(4m,\)"):
        lstm_like(torch.zeros(7), torch.ones(2))
    with pytest.raises(ValueError, match=r"参数 `h`：期望形状 \(m,\)，其中 m=2"):
        lstm_like(torch.zeros(8), torch.ones(3))
    with pytest.raises(ValueError, match=r"参数 `z`：期望 torch 张量（这是 torch 实现；numpy 数组请先 torch.from_numpy"):
        lstm_like(np.zeros(8), torch.ones(2))


def test_list_items_are_named_by_index():
    @accepts(sentences=ListOf(NDArray(None, dtype="int", nonempty=False)))
    def count(sentences):
        return sum(len(s) for s in sentences)

    assert count([np.arange(3), np.zeros(0, dtype=int)]) == 3
    with pytest.raises(ValueError, match=r"参数 `sentences\[1\]`：期望整数类型的数组"):
        count([np.arange(3), np.zeros(2)])
    with pytest.raises(ValueError, match="参数 `sentences`：期望非空的列表"):
        count([])


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=4),
                  elements=st.floats(allow_nan=True, allow_infinity=True, width=64)))
def test_finite_check_agrees_with_elementwise(x):
    """总和溢出时退回逐元素判断：接受与否恰好等于 np.isfinite(x).all()（含 ±1e308 相加溢出的情形）。"""
    @accepts(x=NDArray("a", "b"))
    def identity(x):
        return x

    if np.isfinite(x).all():
        assert identity(x) is x
    else:
        with pytest.raises(ValueError, match="参数 `x`：期望不含 NaN"):
            identity(x)


def test_leading_ellipsis_constrains_only_the_last_dims():
    @accepts(x=NDArray(..., "q"), w=NDArray("q"))
    def last(x, w):
        return x @ w

    assert last(np.ones((2, 3, 4)), np.ones(4)).shape == (2, 3)
    assert last(np.ones(4), np.ones(4)) == 4.0
    with pytest.raises(ValueError, match=r"参数 `w`：期望形状 \(q,\)，其中 q=4"):
        last(np.ones((2, 4)), np.ones(3))
    with pytest.raises(ValueError, match=r"参数 `x`：期望至少 1 维的数组，形状 \(\.\.\., q\)"):
        last(np.zeros(()), np.ones(4))


@accepts(params=Params({"W": Tensor("4m", "m", same_dtype="θ"), "V": Tensor("4m", "n", same_dtype="θ"),
                        "b_hg": Tensor("m", same_dtype="θ")}, optional={"b_hg": ("variant", "torch")}),
         x=Tensor("B", "n", same_dtype="θ"), state=Optional(TupleOf(Tensor("B", "m"), Tensor("B", "m"))),
         variant=Choice("cho", "torch"))
def gated(x, params, state=None, variant="cho"):
    return x @ params["V"].T


def gated_args(dtype=torch.float64):
    return torch.ones(2, 3, dtype=dtype), {"W": torch.zeros(8, 2), "V": torch.zeros(8, 3)}


def test_params_entries_are_named_and_share_dims():
    x, params = gated_args(torch.float32)
    assert gated(x, params).shape == (2, 8)
    with pytest.raises(ValueError, match=r'参数 `params\["V"\]`：期望形状 \(4m, n\)'):
        gated(x, {**params, "V": torch.zeros(6, 3)})
    with pytest.raises(ValueError, match=r'参数 `params\["W"\]`：期望形状 \(4m, m\)'):
        gated(x, {**params, "W": torch.zeros(6, 2)})
    with pytest.raises(ValueError, match=r"参数 `params`：期望键为 W, V, b_hg 的字典"):
        gated(x, params, variant="torch")
    with pytest.raises(ValueError, match=r"参数 `params`：期望键为 W, V 的字典"):
        gated(x, {**params, "b_hg": torch.zeros(2)})
    assert gated(x, {**params, "b_hg": torch.zeros(2)}, variant="torch").shape == (2, 8)


def test_same_dtype_letter_names_the_argument_that_fixed_it():
    x, params = gated_args(torch.float64)
    with pytest.raises(ValueError, match=r'参数 `x`：期望 dtype 为 torch.float32 的数组（与参数 `params\["W"\]` 相同'):
        gated(x, params)
    with pytest.raises(ValueError, match=r'参数 `params\["V"\]`：期望 dtype 为 torch.float32'):
        gated(x.float(), {**params, "V": params["V"].double()})


def test_tuple_items_are_named_by_index():
    x, params = gated_args(torch.float32)
    assert gated(x, params, state=(torch.zeros(2, 2), torch.zeros(2, 2))).shape == (2, 8)
    with pytest.raises(ValueError, match=r"参数 `state`：期望 2 个元素的元组"):
        gated(x, params, state=(torch.zeros(2, 2),))
    with pytest.raises(ValueError, match=r"参数 `state\[1\]`：期望形状 \(B, m\)"):
        gated(x, params, state=(torch.zeros(2, 2), torch.zeros(3, 2)))


def test_same_shape_letter_for_elementwise_arguments():
    @accepts(w=Elementwise(same_shape="S"), b=Elementwise(same_shape="S"))
    def affine(w, b):
        return w + b

    assert affine(np.ones(3), np.zeros(3)).shape == (3,) and affine(1.0, 2.0) == 3.0
    with pytest.raises(ValueError, match=r"参数 `b`：期望与参数 `w` 同形状 \(3,\) 的数组"):
        affine(np.ones(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"参数 `b`：期望与参数 `w` 同形状 \(\) 的实数"):
        affine(1.0, np.zeros(2))


def test_optional_only_if_another_argument_has_a_value():
    @accepts(cell=Choice("rnn", "lstm"), forget_bias=Optional(Real(), only_if=("cell", "lstm")))
    def model(cell, forget_bias=None):
        return forget_bias

    assert model("lstm", 1.0) == 1.0 and model("rnn") is None
    with pytest.raises(ValueError, match=r"参数 `forget_bias`：期望 None（只在 cell='lstm' 时可以给出）"):
        model("rnn", 1.0)


@accepts(params=Params({"W": NDArray("m", "n"), "b": NDArray("m")}), x=NDArray("B", "n"))
def affine(params, x):
    return x @ params["W"].T + params["b"]


def test_params_entries_are_checked_and_named():
    params = {"W": np.ones((3, 2)), "b": np.zeros(3)}
    assert affine(params, np.ones((4, 2))).shape == (4, 3)
    with pytest.raises(ValueError, match="参数 `params`：期望键为 W, b 的字典"):
        affine({"W": params["W"]}, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r'参数 `params\["b"\]`：期望形状 \(m,\)，其中 m=3（由参数 `params\["W"\]` 定下）'):
        affine({**params, "b": np.zeros(2)}, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"参数 `x`：期望形状 \(B, n\)"):
        affine(params, np.ones((4, 3)))


@accepts(probs=NDArray(..., "q", simplex=True))
def entropy(probs):
    return -(probs * np.log(probs)).sum(axis=-1)


def test_simplex_arrays_are_probability_distributions():
    assert entropy(np.array([[0.5, 0.5], [0.25, 0.75]])).shape == (2,)
    with pytest.raises(ValueError, match=r"参数 `probs`：期望概率（元素非负）"):
        entropy(np.array([1.5, -0.5]))
    with pytest.raises(ValueError, match="参数 `probs`：期望沿最后一维和为 1 的概率分布"):
        entropy(np.array([0.2, 0.2]))
    for bad in (np.nan, np.inf):  # 最小值与和的比较对 NaN 都不成立：点名的是 NaN 或无穷大
        with pytest.raises(ValueError, match="参数 `probs`：期望不含 NaN 或无穷大的数组"):
            entropy(np.array([[0.5, 0.5], [bad, 0.0]]))


@accepts(size=Int(1, dim="q"), ids=NDArray(..., dtype="int", below="q"))
def eye_rows(ids, size):
    return np.eye(size)[ids]


def test_an_integer_can_define_a_dimension():
    assert eye_rows(np.array([[0, 2]]), 3).shape == (1, 2, 3)
    with pytest.raises(ValueError, match=r"参数 `ids`：期望词表编号，在 \[0, 3\) 内"):
        eye_rows(np.array([3]), 3)
    with pytest.raises(ValueError, match=r"参数 `size`：期望范围 \[1, \+∞\] 内的整数"):
        eye_rows(np.array([0]), 0)


@accepts(H=NDArray("B", "T+1", "m"), X=NDArray("B", "T", "n"))
def states_and_inputs(H, X):
    return H[:, 1:].sum() + X.sum()


def test_offset_dims_tie_one_more_step():
    assert states_and_inputs(np.ones((2, 4, 3)), np.ones((2, 3, 5))) == 2 * 3 * 3 + 2 * 3 * 5
    with pytest.raises(ValueError, match=r"参数 `X`：期望形状 \(B, T, n\)，.*T=3（由参数 `H` 定下）"):
        states_and_inputs(np.ones((2, 4, 3)), np.ones((2, 4, 5)))


@accepts(H=NDArray("B", "T", "m"), lengths=NDArray("B", dtype="int", low=1, below="T+1"))
def last_rows(H, lengths):
    return H[np.arange(len(H)), lengths - 1]


def test_integer_arrays_can_have_a_lower_bound_and_an_offset_upper_bound():
    H = np.arange(12.0).reshape(2, 3, 2)
    assert last_rows(H, np.array([3, 1])).tolist() == [[4.0, 5.0], [6.0, 7.0]]
    for bad in ([0, 1], [4, 1]):
        with pytest.raises(ValueError, match=r"参数 `lengths`：期望\[1, 4\) 内的整数"):
            last_rows(H, np.array(bad))


def test_tables_checked_only_where_used_name_the_table_when_the_result_is_not_finite():
    @accepts(U=NDArray("V", "d", finite="used"), rows=NDArray("k", dtype="int", below="V"))
    def pick(U, rows):
        return U[rows].sum()

    U = np.ones((5, 2))
    U[4] = np.nan
    assert pick(U, np.array([0, 1])) == 4.0           # 用不到的那一行不影响结果
    with pytest.raises(ValueError, match="参数 `U`：期望不含 NaN 或无穷大的数组（这次用到的元素里有）"):
        pick(U, np.array([0, 4]))


def test_only_calls_from_outside_the_package_are_checked():
    """读者的代码调用时检查；本包的函数互相调用时不再检查（调用者已经查过它自己的输入）。"""
    bad = list(good())
    bad[3] = 5                                           # k 越界：U[5] 取不到
    with pytest.raises(ValueError, match="参数 `k`"):
        score(*bad)
    inside = {"__name__": "wordvec_rnn.probe", "score": score}
    exec("def call(*args):\n    return score(*args)", inside)
    with pytest.raises(IndexError):                      # 没有经过检查，直接在公式里出错
        inside["call"](*bad)
    assert inside["call"](*good()).shape == (2,)
