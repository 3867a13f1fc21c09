import numpy as np
import pytest

from wordvec_rnn.gradcheck import format_errors, gradient_errors, numerical_gradient, relative_error


def test_central_difference_matches_analytic_gradient():
    rng = np.random.default_rng(0)
    A, x = rng.normal(size=(4, 3)), rng.normal(size=3)
    f = lambda: float(np.sum(np.tanh(A @ x) ** 2))  # noqa: E731
    analytic = A.T @ (2 * np.tanh(A @ x) * (1 - np.tanh(A @ x) ** 2))
    assert relative_error(numerical_gradient(f, x), analytic) < 1e-9
    assert gradient_errors(f, {"x": x, "A": A}, {"x": analytic, "A": numerical_gradient(f, A)})["x"] < 1e-9


def test_a_wrong_gradient_is_caught():
    x = np.array([1.0, -2.0])
    f = lambda: float(np.sum(x**3))  # noqa: E731
    assert relative_error(numerical_gradient(f, x), 3 * x**2) < 1e-9
    assert relative_error(numerical_gradient(f, x), 2 * x**2) > 1e-2  # 漏了系数


def test_inputs_are_checked():
    with pytest.raises(ValueError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(2, dtype=np.float32))
    with pytest.raises(ValueError, match="参数 `x`"):
        numerical_gradient(lambda: 0.0, [0.0])
    with pytest.raises(ValueError, match="相同的形状"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="参数 `grads`"):
        gradient_errors(lambda: 0.0, {"a": np.zeros(1)}, {"b": np.zeros(1)})
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_errors_print_with_two_significant_digits():
    assert format_errors({"v_c": 1.0718131112512761e-10, "U": 1.9185996024240877e-10}) == "v_c 1.1e-10，U 1.9e-10"
