import numpy as np
import pytest
import torch

from wordvec_rnn.checks import check_array, check_choice, check_float, check_ids, check_int, check_positive, check_str


def test_empty_string_names_argument():
    with pytest.raises(ValueError, match=r"参数 `word`：期望非空字符串，实际得到 str ''"):
        check_str("", "word")
    with pytest.raises(ValueError, match="参数 `word`"):
        check_str("   ", "word")
    with pytest.raises(ValueError, match="实际得到 int 3"):
        check_str(3, "word")
    assert check_str("词", "word") == "词"


@pytest.mark.parametrize("make", [np.zeros, torch.zeros])
def test_wrong_ndim_array(make):
    """形状与维度字母由 wordvec_rnn.inputs 检查（见 test_inputs.py），这里只剩维数。"""
    with pytest.raises(ValueError, match="期望 2 维数组"):
        check_array(make(3), "x", ndim=2)


@pytest.mark.parametrize(
    "value, kind",
    [(np.zeros(3, dtype=np.int64), "float"), (torch.zeros(3), "int"), (np.zeros(3), "bool"), (torch.zeros(3, dtype=torch.int32), "float")],
)
def test_wrong_dtype(value, kind):
    with pytest.raises(ValueError, match=r"参数 `a`：期望.*类型的数组，实际得到 .*dtype 为"):
        check_array(value, "a", dtype=kind)


def test_right_dtypes_pass_through():
    x = torch.zeros(2, 3, dtype=torch.float64)
    assert check_array(x, "x", ndim=2, dtype="float") is x
    assert check_array(np.arange(3), "i", dtype="int") is not None
    assert check_array(torch.tensor([True]), "b", dtype="bool") is not None


def test_not_an_array_empty_and_nonfinite():
    with pytest.raises(ValueError, match="期望 numpy 数组或 torch 张量，实际得到 list"):
        check_array([1, 2], "x")
    with pytest.raises(ValueError, match="期望非空数组"):
        check_array(np.zeros((0, 3)), "x")
    with pytest.raises(ValueError, match="不含 NaN"):
        check_array(torch.tensor([1.0, float("nan")]), "x", finite=True)
    with pytest.raises(ValueError, match="参数 `dtype`"):
        check_array(np.zeros(2), "x", dtype="double")


def test_numbers_and_choices():
    assert check_int(np.int64(3), "k", low=1) == 3
    for bad in (True, 2.0, "2"):
        with pytest.raises(ValueError, match="参数 `k`：期望整数"):
            check_int(bad, "k")
    with pytest.raises(ValueError, match=r"范围 \[1, \+∞\] 内的整数，实际得到 int 0"):
        check_int(0, "k", low=1)
    assert check_float(1, "lr", low=0) == 1.0
    with pytest.raises(ValueError, match="有限实数"):
        check_float(float("inf"), "lr")
    with pytest.raises(ValueError, match=r"范围 \[0, 1\] 内的实数"):
        check_float(1.5, "p", low=0, high=1)
    with pytest.raises(ValueError, match="'tanh'、'relu' 之一，实际得到 str 'elu'"):
        check_choice("elu", "activation", ["tanh", "relu"])


def test_ids_out_of_vocabulary():
    assert check_ids(np.array([0, 4]), "ids", 5) is not None
    with pytest.raises(ValueError, match=r"参数 `ids`：期望词表编号，在 \[0, 5\) 内，实际得到 越界的编号 5"):
        check_ids(torch.tensor([0, 5]), "ids", 5)
    with pytest.raises(ValueError, match="越界的编号 -1"):
        check_ids(np.array([-1, 2]), "ids", 5)
    with pytest.raises(ValueError, match="整数类型的数组"):
        check_ids(np.array([0.0]), "ids", 5)


@pytest.mark.parametrize("value", [0, 0.0, -1e-3, float("nan"), float("inf"), "1", True])
def test_positive_rejects_zero_negative_and_non_numbers(value):
    with pytest.raises(ValueError, match="参数 `lr`"):
        check_positive(value, "lr")


def test_positive_passes_through():
    assert check_positive(3, "lr") == 3.0
