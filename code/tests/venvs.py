"""在临时目录里建全新的虚拟环境：test_standalone.py 与 test_dependency_versions.py 共用。

只用本机的 Python 与 pip（同样的软件源设置）；仓库的 .venv、PYTHONPATH 与用户目录下的包都不会漏进去。
环境只在一次测试运行里有效（pytest 的临时目录），不在别处留下状态。
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import REPO

# Colab 运行时本来就有的包：torch 用 2.13.0（Linux 上取缓存的 CPU 轮子，不拉 CUDA 版）
COLAB_LIKE = ["torch==2.13.0", "numpy", "matplotlib", "ipywidgets", "tqdm", "ipykernel", "nbclient"]


def base_python() -> str:
    """建虚拟环境用的解释器：仓库 .venv 的基础解释器（不是 .venv 本身）。"""
    return getattr(sys, "_base_executable", None) or sys.executable


def clean_env(venv: Path | None = None, **extra: str) -> dict[str, str]:
    """子进程的环境：去掉仓库 .venv 与 PYTHONPATH，PATH 以 ``venv/bin`` 开头，数学库单线程。"""
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
    repo_bin = str(REPO / ".venv" / "bin")
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != repo_bin]
    if venv is not None:
        path.insert(0, str(venv / "bin"))
    env.update(PATH=os.pathsep.join(path), PYTHONNOUSERSITE="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", **extra)
    return env


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 600) -> str:
    """运行命令；失败时把输出的结尾放进异常信息。"""
    result = subprocess.run(
        command, env=env or clean_env(), cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-3000:]
        raise RuntimeError(f"命令失败（状态 {result.returncode}）：{' '.join(command)}\n{tail}")
    return result.stdout


def build_wheel(out_dir: Path, project: str = "code") -> Path:
    """把 ``project``（读者的包 ``code/``，或作者与教师的工具 ``tools/``）构建成轮子（不带依赖），返回轮子的路径。

    在副本里构建：setuptools 在源码目录里留下 build/，两个测试进程同时构建也互不干扰。
    """
    source = out_dir / f"source-{project}"
    shutil.copytree(REPO / project, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests", "bench"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out_dir), str(source)])
    name = {"code": "wordvec_rnn", "tools": "wordvec_rnn_tools"}[project]
    (wheel,) = out_dir.glob(f"{name}-*.whl")
    return wheel


def make_venv(path: Path, requirements: list[str]) -> tuple[Path, float]:
    """在 ``path`` 建全新的虚拟环境并装上 ``requirements``；返回 (其中的 python, 用时秒数)。"""
    start = time.perf_counter()
    run([base_python(), "-m", "venv", str(path)])
    python = path / "bin" / "python"
    # --no-compile：不把 torch 的几千个 .py 预先编译成 .pyc，建环境快得多；导入时按需编译
    run([str(python), "-m", "pip", "install", "-q", "--no-compile", *requirements], env=clean_env(path))
    return python, time.perf_counter() - start


def installed_version(python: Path, package: str) -> str:
    return run([str(python), "-c", f"import importlib.metadata as m; print(m.version({package!r}))"]).strip()
