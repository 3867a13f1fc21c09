"""沙箱里运行的进程：执行一份提交的代码单元，按评分程序的要求调用学生的函数，只把数据传回去。

由 :mod:`wordvec_classroom.isolation` 在 bwrap 沙箱里启动（``python -I -m wordvec_classroom.sandbox``），
标准输入与标准输出是和评分程序之间的通道（:mod:`wordvec_classroom.wire` 的消息），标准错误进评分日志。
这里没有测试，也不判分：测试与分数都在评分程序那一边。这个进程里的任何东西（包括本模块）都可能被学生的代码改掉，
改掉的后果只落在它自己传回去的数据上。

请求（评分程序 → 沙箱）：``init``（限额、不许用的本书解答）、``exec``（运行一个单元）、``call``（调用一个名字或
编号对象，可给出换成回调的全局名）、``getattr``、``len``；调用期间学生代码用到回调时，沙箱发出 ``cb`` 请求，
等评分程序的 ``reply``。
"""

from __future__ import annotations

import builtins
import importlib
import io
import os
import random
import resource
import signal
import struct
import sys
import traceback

import numpy as np

from wordvec_classroom import wire

OUTPUT_LIMIT = 4000  # 每条回复带回的打印输出（字符）


class TimeLimit(BaseException):
    """超时。继承 BaseException：学生代码里的 ``except Exception`` 拦不住它。"""


class BookSolutionUnavailable(Exception):
    """评分时，本书包里作为本次作业答案的函数换成了这个错误。"""


class Channel:
    """和评分程序之间的通道（启动时从标准输入输出复制出来，学生的 print 碰不到它）。"""

    def __init__(self):
        self.reader, self.writer = os.fdopen(os.dup(0), "rb", buffering=0), os.fdopen(os.dup(1), "wb", buffering=0)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # 绕过 sys.stdout 的输出（C 扩展）进评分日志，不进通道
        self.handles: dict[int, object] = {}

    def receive(self):
        head = _read_exactly(self.reader, 8)
        (size,) = struct.unpack(">Q", head)
        if size > wire.LIMIT:
            raise wire.WireError("请求太大")
        return wire.decode(_read_exactly(self.reader, size), self._resolve)

    def send(self, message: dict) -> None:
        message["out"] = OUTPUT.take()
        try:
            data = wire.encode(message, self._register)
        except wire.WireError as error:
            data = wire.encode({"error": "WireError", "message": str(error)[:300], "kind": "wire", "out": ""})
        self.writer.write(data)

    def _register(self, value) -> wire.Handle:
        key = len(self.handles) + 1
        self.handles[key] = value
        return wire.Handle("obj", key, type(value).__name__, callable(value))

    def _resolve(self, handle: wire.Handle):
        if handle.kind == "cb":
            return Callback(self, handle.id)
        if handle.id not in self.handles:
            raise wire.WireError(f"没有编号为 {handle.id} 的对象")
        return self.handles[handle.id]


def _read_exactly(stream, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(min(left, 2**20))
        if not chunk:
            raise EOFError("评分程序关闭了通道")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class Callback:
    """评分程序那边的一个函数（前几题的参照实现）：调用它就是请评分程序算，拿回数据。"""

    def __init__(self, channel: Channel, key: int):
        self.channel, self.key = channel, key

    def __call__(self, *args, **kwargs):
        self.channel.send({"cb": self.key, "args": list(args), "kwargs": kwargs})
        while True:
            (reply, _) = self.channel.receive()
            if isinstance(reply, dict) and reply.get("op") == "reply":
                break
        if "error" in reply:
            raise RuntimeError(f"参照实现拒绝了这次调用：{reply['error']}")
        return reply["value"]


class Capture(io.StringIO):
    """学生代码的打印输出：攒到下一条回复带走，超过上限的丢掉。"""

    def write(self, text):
        text = str(text)
        if self.tell() < OUTPUT_LIMIT:
            super().write(text[: OUTPUT_LIMIT - self.tell()])
        return len(text)

    def take(self) -> str:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


OUTPUT = Capture()


def set_limits(limits: dict) -> None:
    """内存、CPU 秒数、单个文件大小、进程数与打开文件数的上限（只能调低，学生的代码调不回去）。"""
    names = {"memory": resource.RLIMIT_AS, "cpu": resource.RLIMIT_CPU, "file_size": resource.RLIMIT_FSIZE,
             "processes": resource.RLIMIT_NPROC, "open_files": resource.RLIMIT_NOFILE}
    for key, which in names.items():
        if limits.get(key):
            value = int(limits[key])
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value if key != "cpu" else value + 1))


def hide_book_solutions(solutions: dict[str, str]) -> None:
    """本书包里作为答案的函数与类（``{名字: 模块}``）换成一调用就报错的替身：从包里导入或包一层都拿不到分。"""
    for name, module_name in solutions.items():
        module = importlib.import_module(module_name)
        original = getattr(module, name, None)
        stub = _stub(name, isinstance(original, type))
        for loaded in [m for key, m in list(sys.modules.items()) if key.startswith("wordvec_rnn")]:
            if getattr(loaded, name, None) is original and original is not None:
                setattr(loaded, name, stub)


def _stub(name: str, is_class: bool):
    message = f"评分时不能调用本书包里的 {name}：这道题要用你自己写的代码"

    def unavailable(*args, **kwargs):
        raise BookSolutionUnavailable(message)

    if is_class:
        return type(name, (), {"__init__": unavailable, "__module__": "wordvec_rnn.graded"})
    unavailable.__name__ = unavailable.__qualname__ = name
    unavailable.__module__ = "wordvec_rnn.graded"
    return unavailable


def seed_like_the_setup_cell(namespace: dict) -> None:
    """与笔记本第一个单元 ``rng = set_seed(0)`` 的效果相同，只是 torch 到第一次导入时才设种子（省下导入的时间）。"""
    random.seed(0)
    np.random.seed(0)
    namespace["rng"] = np.random.default_rng(0)
    sys.meta_path.insert(0, _SeedTorchOnImport())


class _SeedTorchOnImport:
    """导入 torch 之后立刻 ``torch.manual_seed(0)``，和 set_seed(0) 一样。"""

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec("torch")
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            module.manual_seed(0)

        spec.loader.exec_module = exec_module
        return spec


class time_limit:
    """``with time_limit(秒):`` 到时在当前代码里抛出 :class:`TimeLimit`（评分程序另有自己的硬时限）。"""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __enter__(self):
        def on_alarm(signum, frame):
            raise TimeLimit

        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, max(self.seconds, 0.001))

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)


def where(error: BaseException) -> str:
    """出错的位置：回溯里属于提交的最后一帧（「第 k 个代码单元第 n 行」），没有时为空。"""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith("<单元 ")]
    if not frames:
        return ""
    return f"第 {frames[-1].filename.strip('<>').split()[1]} 个代码单元第 {frames[-1].lineno} 行"


def describe(error: BaseException, kind: str = "error") -> dict:
    lines = str(error).strip().splitlines()
    return {"error": type(error).__name__, "message": (lines[0] if lines else "")[:300], "where": where(error),
            "kind": kind}


class Server:
    """一份提交的名字空间与请求的处理。学生的全部单元在同一个名字空间里运行，就像在一个笔记本内核里。"""

    def __init__(self, channel: Channel):
        self.channel = channel
        self.namespace: dict = {"__name__": "__main__", "__builtins__": builtins,
                                "get_ipython": lambda: _IPYTHON, "display": _display}

    def handle(self, request: dict, leaves: list) -> dict:
        op = request.get("op")
        if op == "init":
            for name in request.get("preload", []):
                importlib.import_module(str(name))
            set_limits(request.get("limits", {}))
            hide_book_solutions(request.get("solutions", {}))
            seed_like_the_setup_cell(self.namespace)
            return {"ok": True}
        if op == "exec":
            return self.run_cell(int(request["cell"]), str(request["source"]), float(request["seconds"]))
        if op in ("call", "getattr", "len"):
            return self.use(request, leaves)
        return {"error": "ProtocolError", "message": f"不认识的请求 {str(op)[:40]}", "kind": "internal"}

    def run_cell(self, k: int, source: str, seconds: float) -> dict:
        try:
            code = compile(source, f"<单元 {k}>", "exec")
        except SyntaxError as error:
            return {"error": "SyntaxError", "message": str(error.msg)[:300], "kind": "syntax",
                    "where": f"第 {k} 个代码单元第 {error.lineno} 行"}
        try:
            with time_limit(seconds):
                exec(code, self.namespace)
        except TimeLimit:
            return {"kind": "timeout"}
        except BaseException as error:  # noqa: BLE001 —— 学生代码的任何错误（含 sys.exit）都只记下
            return describe(error, "notimpl" if isinstance(error, NotImplementedError) else "error")
        return {"ok": True}

    def use(self, request: dict, leaves: list) -> dict:
        """调用、读属性或求长度；``globals`` 里的名字在这期间换成评分程序的回调（前几题的参照实现）。"""
        target = self.namespace.get(request["name"]) if "name" in request else request.get("target")
        if target is None:
            return {"kind": "missing"}
        overrides = request.get("globals") or {}
        saved = {name: self.namespace.get(name, _ABSENT) for name in overrides}
        before = [_bytes(leaf) for leaf in leaves]
        try:
            self.namespace.update(overrides)
            with time_limit(float(request["seconds"])):
                if request["op"] == "getattr":
                    value = getattr(target, str(request["attr"]))
                elif request["op"] == "len":
                    value = len(target)
                else:
                    value = target(*request.get("args", ()), **request.get("kwargs", {}))
        except TimeLimit:
            return {"kind": "timeout"}
        except BaseException as error:  # noqa: BLE001
            return describe(error, "notimpl" if isinstance(error, NotImplementedError) else "error")
        finally:
            for name, value_before in saved.items():
                if value_before is _ABSENT:
                    self.namespace.pop(name, None)
                else:
                    self.namespace[name] = value_before
        changed = {i: leaf for i, (leaf, old) in enumerate(zip(leaves, before)) if _bytes(leaf) != old}
        return {"value": value, "changed": changed}


_ABSENT = object()


def _bytes(leaf) -> bytes:
    return (leaf.detach().numpy() if hasattr(leaf, "detach") else np.asarray(leaf)).tobytes()


class _IPythonStub:
    """``get_ipython()`` 的替身：评分程序已把 ``%魔法`` 与 ``!命令`` 记下并跳过，这里什么也不做。"""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


_IPYTHON = _IPythonStub()


def _display(*objects, **kwargs):
    print(*objects)


def main() -> None:
    channel = Channel()
    sys.stdout = sys.stderr = OUTPUT
    server = Server(channel)
    while True:
        try:
            request, leaves = channel.receive()
        except EOFError:
            return
        except wire.WireError as error:
            channel.send({"error": "WireError", "message": str(error)[:300], "kind": "internal"})
            continue
        if not isinstance(request, dict) or request.get("op") == "reply":
            continue  # 超时之后才到的回调结果：那次调用已经结束
        try:
            response = server.handle(request, leaves)
        except Exception as error:  # noqa: BLE001 —— 请求本身有问题：报告，不退出
            response = {"error": type(error).__name__, "message": str(error)[:300], "kind": "internal"}
        channel.send(response)


if __name__ == "__main__":
    main()
