"""完整运行（``FULL_RUN = True``）的结果：随包发布的一个小文件，正文里完整设置下的数都从它 glue 出来。

书构建时每个笔记本只跑小设置（两核 CPU 上不超过 60 秒）；完整设置要跑几分钟到半小时。``make full-runs``
（即 ``python -m wordvec_book.full_runs``，书的构建工具）把每个有 ``FULL_RUN = False`` 开关的笔记本改成 ``True`` 从头执行，
笔记本在结尾调用 :func:`record_full_run` 交出结果，它把结果连同日期、机器与用时写进
``wordvec_rnn/full_runs.json``。构建时笔记本用 :func:`full_run_results` 读回，再 glue 进正文，
所以正文里完整运行的数与结果文件一致，也写明是哪一天、在什么机器上跑出来的。
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
from pathlib import Path

from wordvec_rnn.checks import check_str, fail
from wordvec_rnn.inputs import DictOf, Satisfies, Spec, Str, accepts

RESULTS_FILE = Path(__file__).with_name("full_runs.json")
ARTIFACTS_DIR = Path(__file__).with_name("full_run_artifacts")   # 完整运行存下的数组（较大，不随包发布、不提交）
OUTPUT_ENV = "WORDVEC_RNN_FULL_RUN_OUTPUT"  # make full-runs 设置：本次完整运行的结果写到这个文件
SWITCH_OFF, SWITCH_ON = "FULL_RUN = False", "FULL_RUN = True"


class JsonResults(Spec):
    """以字符串为键的 dict，值只能是 JSON 的基本类型：字符串、整数、有限实数、列表与字典（不许 NaN）。"""

    def check(self, value, name, dims):
        if not isinstance(value, dict):
            fail(name, "以字符串为键的 dict", value)
        return self._check_item(value, name)

    def _check_item(self, value, name):
        if isinstance(value, dict):
            for key, item in value.items():
                check_str(key, f"{name} 的键")
                self._check_item(item, f"{name}[{key!r}]")
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                self._check_item(item, f"{name}[{i}]")
        elif isinstance(value, float) and not math.isfinite(value):
            fail(name, "有限实数", value)
        elif value is not None and not isinstance(value, (str, int, float)):
            fail(name, "str、int、float、list 或 dict（先用 float() 或 .tolist() 转换 numpy 与 torch 的值）", value)
        return value


class RecordedNotebook(Str):
    """结果文件里已有、或正在完整运行（``make full-runs``）的笔记本，如 ``"02_rnn/05_char_lm"``。"""

    def check(self, value, name, dims):
        value = super().check(value, name, dims)
        if _live_results(value) is None and value not in recorded_runs():
            fail(name, f"结果文件 {RESULTS_FILE.name} 中已有的笔记本（先运行 make full-runs）", value)
        return value


@accepts(notebook=Str(), results=JsonResults())
def record_full_run(notebook: str, results: dict) -> None:
    """完整运行结束时交出结果（``notebook`` 如 ``"02_rnn/05_char_lm"``）；只在 ``make full-runs`` 里写文件。"""
    path = os.environ.get(OUTPUT_ENV)
    if path:
        Path(path).write_text(json.dumps({notebook: results}, ensure_ascii=False), encoding="utf-8")
    else:
        print(f"完整运行的结果（{notebook}）：用 make full-runs 运行时写进 wordvec_rnn/full_runs.json")


def _artifact_path(notebook: str, name: str) -> Path:
    return ARTIFACTS_DIR / f"{notebook.replace('/', '-')}-{name}.npz"


ARRAYS = DictOf(Satisfies(lambda value: type(value).__module__ == "numpy" or isinstance(value, str),
                          "numpy 数组或字符串（torch 张量先用 .numpy() 转换）"), what="非空的字典：名字 → numpy 数组或字符串")


@accepts(notebook=Str(), name=Str(), arrays=ARRAYS)
def save_full_run_arrays(notebook: str, name: str, arrays: dict) -> None:
    """完整运行存下较大的结果（如词向量）：``arrays`` 是名字 → numpy 数组或字符串，连同运行信息写成一个 .npz。
    只在 ``make full-runs`` 里写文件；之后构建本书时笔记本用 :func:`load_full_run_arrays` 读回。"""
    if "meta" in arrays:
        fail("arrays", "不含 \"meta\" 的键（运行信息由本函数写入）", "含 \"meta\" 的字典")
    if not os.environ.get(OUTPUT_ENV):
        print(f"完整运行的数组（{notebook}：{name}）：用 make full-runs 运行时存进 {ARTIFACTS_DIR.name}/")
        return
    import numpy

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    meta = json.dumps(machine_description(), ensure_ascii=False)
    numpy.savez_compressed(_artifact_path(notebook, name), meta=numpy.array(meta),
                           **{key: numpy.asarray(value) for key, value in arrays.items()})


@accepts(notebook=Str(), name=Str())
def load_full_run_arrays(notebook: str, name: str) -> dict | None:
    """``make full-runs`` 在本机存下的数组（:func:`save_full_run_arrays`），另有 ``"meta"``：运行信息的 dict；
    没有存过（如新克隆的仓库、Colab）时返回 ``None``。"""
    path = _artifact_path(notebook, name)
    if not path.exists():
        return None
    import numpy

    with numpy.load(path, allow_pickle=False) as stored:
        arrays = {key: stored[key] for key in stored.files}
    return {**arrays, "meta": json.loads(str(arrays["meta"]))}


def _live_results(notebook: str) -> dict | None:
    """``make full-runs`` 运行中：本次刚交出的结果（第一次完整运行时结果文件里还没有它）。"""
    path = os.environ.get(OUTPUT_ENV)
    if not path or not Path(path).exists():
        return None
    return json.loads(Path(path).read_text(encoding="utf-8")).get(notebook)


@accepts(notebook=RecordedNotebook())
def full_run_results(notebook: str) -> dict:
    """``notebook`` 上一次完整运行的结果（不含运行信息，运行信息见 :func:`full_run_meta`）。"""
    live = _live_results(notebook)
    return live if live is not None else recorded_runs()[notebook]["results"]


@accepts(notebook=RecordedNotebook())
def full_run_meta(notebook: str) -> dict:
    """上一次完整运行的日期、机器、软件版本与用时（``make full-runs`` 运行中则是本机此刻的信息）。"""
    if _live_results(notebook) is not None:
        return {**machine_description(), "seconds": 0.0}
    return recorded_runs()[notebook]["meta"]


@accepts(notebook=RecordedNotebook())
def glue_full_run_meta(notebook: str) -> None:
    """登记完整运行的日期、机器与用时：正文用 ``{glue:text}`full_run_date```、``full_run_machine``、
    ``full_run_minutes`` 引用。"""
    from wordvec_rnn.glue import glue

    meta = full_run_meta(notebook)
    glue("full_run_date", meta["date"])
    glue("full_run_machine", f"{meta['cores']} 核 {meta['cpu']}（{meta['system']}；Python {meta['python']}、"
         f"numpy {meta['numpy']}、torch {meta['torch']}）")
    glue("full_run_minutes", meta["seconds"] / 60)


@accepts()
def machine_description() -> dict:
    """日期、CPU 型号与核数、操作系统、Python、numpy 与 torch 的版本。"""
    import numpy
    import torch

    cpu = platform.processor() or platform.machine()
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "torch": torch.__version__,
    }


@accepts()
def recorded_runs() -> dict:
    """结果文件的内容：笔记本 → ``{"meta": 运行信息, "results": 结果}``（还没有结果文件时为空）。"""
    if not RESULTS_FILE.exists():
        return {}
    return json.loads(RESULTS_FILE.read_text(encoding="utf-8"))
