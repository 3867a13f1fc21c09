"""本书的包对 numpy 与 matplotlib 声明的下限是真的：在钉在下限的新环境里跑单元测试。

最新的组合就是 make test 的主环境：requirements.txt 对 numpy、matplotlib 只设下限，新建的 .venv 装的是软件源上的
最新版（CI 每次都新建），单元测试已在那里运行；再建一个同样的环境重跑一遍要多花两分多钟，查不出主环境查不出的问题。
结尾的版本一览表把主环境的版本也列出来。
本书的包以轮子（而不是主环境的可编辑安装）装上的情形，由这里的最低组合与 test_standalone 覆盖。

最低组合：全新的虚拟环境，装 torch 2.13.0（CPU 轮子）、构建好的本书轮子（连同语料包）与工具包的轮子（单元测试里也有工具的测试）、pytest，再把
numpy、matplotlib 钉在 ``code/pyproject.toml`` 声明的下限。
然后在这个环境里运行包的单元测试（code/tests 中除了检查仓库本身、构建好的书与笔记本的那些），不含与这两个库的版本
无关的两个文件：正文的检查（test_prose，只读笔记本的文字）与基准脚本的测试（test_benchmarks，脚本只在仓库里用，
不随包发布）。它们在 make test 的主环境里照常运行。
"""

from __future__ import annotations

import importlib.metadata
import re

import pytest

from conftest import REPO, is_unit_test_file
from venvs import build_wheel, clean_env, installed_version, make_venv, run

VERSION_INDEPENDENT = {"test_prose.py", "test_benchmarks.py"}
UNIT_TESTS = sorted(str(p) for p in (REPO / "code" / "tests").glob("test_*.py")
                    if is_unit_test_file(p) and p.name not in VERSION_INDEPENDENT)
PINNED = ("numpy", "matplotlib")


def declared_lower_bounds() -> dict[str, str]:
    """``code/pyproject.toml`` 中 numpy、matplotlib 的下限（``"numpy>=1.24"`` → ``{"numpy": "1.24"}``）。"""
    text = (REPO / "code" / "pyproject.toml").read_text(encoding="utf-8")
    bounds = dict(re.findall(r'"(numpy|matplotlib)>=([\d.]+)"', text))
    assert set(bounds) == set(PINNED), f"pyproject.toml 里没有找到 {PINNED} 的下限：{bounds}"
    return bounds


def test_no_upper_pins():
    """不设上限：Colab 里已有的新版 numpy、matplotlib、torch 不会被替换成旧版。"""
    text = (REPO / "code" / "pyproject.toml").read_text(encoding="utf-8")
    assert not re.search(r'"[\w-]+(\[[\w,]+\])?[^"]*(<|==|~=)[^"]*"', text), "依赖里有上限或固定版本"


def test_unit_tests_pass_at_the_lower_bounds(tmp_path, record_property):
    wheel, tools_wheel = build_wheel(tmp_path / "wheel"), build_wheel(tmp_path / "wheel", "tools")
    pins = [f"{name}=={version}.*" for name, version in declared_lower_bounds().items()]
    python, seconds = make_venv(tmp_path / "venv", ["torch==2.13.0", f"{wheel}[corpora]", str(tools_wheel), "pytest", "hypothesis", *pins])
    versions = {name: installed_version(python, name) for name in ("torch", *PINNED)}
    described = "最低：" + ", ".join(f"{name} {version}" for name, version in versions.items())
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini")]
    command += ["--rootdir", str(REPO), *UNIT_TESTS]
    try:
        output = run(command, env=clean_env(tmp_path / "venv"), cwd=tmp_path, timeout=900)
    except RuntimeError as error:
        pytest.fail(f"{described} 下单元测试失败：\n{error}", pytrace=False)
    newest = ", ".join(f"{name} {importlib.metadata.version(name)}" for name in ("torch", *PINNED))
    record_property("dependency_versions", f"最新（主环境）：{newest}\n"
                    f"{described}（{output.strip().splitlines()[-1]}；建环境 {seconds:.0f} s）")
