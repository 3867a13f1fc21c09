"""wordvec_rnn.glue：与 myst_nb.glue 登记的输出逐字节相同；不收 NaN；TeX 排版。"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from wordvec_rnn import glue as glue_module
from wordvec_rnn.glue import glue, glue_power, glue_table, glue_tex, tex_number


def recorded(call, module=glue_module, name="display"):
    """``call()`` 交给 IPython ``display`` 的 (数据, 元数据)：换掉模块里的 display，不建全局的 IPython shell。"""
    calls = []
    original = getattr(module, name)
    setattr(module, name, lambda data, raw, metadata: calls.append((data, metadata)))
    try:
        call()
    finally:
        setattr(module, name, original)
    return calls


@pytest.fixture
def no_leftover_shell():
    """myst_nb.glue 经 format_display_data 建了全局的 IPython shell：测完清掉，别的测试（进度条）照旧没有 shell。"""
    from IPython.core.interactiveshell import InteractiveShell

    had_shell = InteractiveShell.initialized()
    yield
    if not had_shell:
        InteractiveShell.clear_instance()


@pytest.mark.parametrize("value", [3, 0.1234, -2.5e-17])
def test_same_output_as_myst_nb(value, no_leftover_shell):
    myst_glue = pytest.importorskip("myst_nb.ext.glue", reason="myst-nb 只在构建书的环境里")
    ours = recorded(lambda: glue("x", value))
    theirs = recorded(lambda: myst_glue.glue("x", value, display=False), module=myst_glue, name="ipy_display")
    assert ours == theirs


def test_text_is_quoted_without_repr_quotes():
    """myst_nb 登记字符串的 repr（正文里会多出引号）；这里登记字符串本身。"""
    [(data, metadata)] = recorded(lambda: glue("x", "2 核"))
    assert data == {"application/papermill.record/text/plain": "2 核"} and metadata["scrapbook"]["name"] == "x"


def test_scalars_from_numpy_and_torch():
    assert recorded(lambda: glue("x", np.float64(0.5))) == recorded(lambda: glue("x", 0.5))
    assert recorded(lambda: glue("x", torch.tensor(2))) == recorded(lambda: glue("x", 2))


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.array([1.0, 2.0]), None, True])
def test_rejects_what_prose_cannot_quote(bad):
    with pytest.raises(ValueError, match="参数 `value`"):
        glue("x", bad)


def test_tex_forms():
    assert tex_number(3.2e-17) == r"3.2\times10^{-17}"
    assert tex_number(0.1742, digits=3) == "0.174" and tex_number(0) == "0"
    assert tex_number(25990.0) == r"2.6\times10^{4}"
    [(data, _)] = recorded(lambda: glue_tex("e", 4.1e-21))
    assert data["application/papermill.record/text/markdown"] == r"$4.1\times10^{-21}$"
    [(data, _)] = recorded(lambda: glue_power("p", 4.1e-21))
    assert data["application/papermill.record/text/markdown"] == "$10^{-20}$"
    with pytest.raises(ValueError, match="参数 `value`"):
        glue_power("p", 0.0)


def test_table():
    [(data, _)] = recorded(lambda: glue_table("t", ["T", "损失"], [["10", "0.17"]]))
    assert data["application/papermill.record/text/markdown"] == "| T | 损失 |\n|---|---|\n| 10 | 0.17 |"
    with pytest.raises(ValueError, match=r"参数 `rows\[0\]`"):
        glue_table("t", ["T", "损失"], [["10"]])
