"""评分程序这一边：一个沙箱会话，以及交给测试函数的「学生的函数」——调用它们就是请沙箱算，拿回数据。

测试函数在评分程序里运行，收到的学生函数是 :class:`StudentFunction`。参数按值传进沙箱（数组、张量、数字……，
见 :mod:`wordvec_classroom.wire`），结果按值传回；学生写的类的对象传回一个 :class:`RemoteObject`，
读属性、调方法、求长度都再问沙箱。参数里的数组若被学生的函数就地改了，改动照样写回测试的数组。
学生代码抛出的异常在这边重新抛出（内置的异常类型保持不变，其余的是 :class:`StudentError`）；
超时抛出 :class:`StudentTimeout`，它继承 BaseException，测试里的 ``except Exception`` 拦不住。
"""

from __future__ import annotations

import builtins
import time

import numpy as np

from wordvec_classroom import wire
from wordvec_classroom.isolation import Limits, Process, SandboxClosed

GRACE = 2.0  # 沙箱自己的时限之外，评分程序再等几秒才杀掉它
RESULT_LIMIT = 64 * 2**20  # 沙箱传回的一条消息的上限（字节）


class StudentError(Exception):
    """学生代码里的错误（不是内置异常类型的那些），或传回的数据不合规。"""

    def __init__(self, name: str, message: str, where: str = ""):
        super().__init__(f"{name}: {message}".rstrip(": "))
        self.name, self.message, self.where = name, message, where


class StudentTimeout(BaseException):
    """学生的代码在时限内没有返回。"""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.seconds = seconds


class MissingName(Exception):
    """提交里没有这个名字（改了名字，或者定义它的单元出错了）。"""


class Session:
    """一个沙箱进程和它的请求-回复循环。``deadline``（time.monotonic 的时刻）限制当前测试里全部调用的总时长。"""

    def __init__(self, limits: Limits, sandboxed: bool, solutions: dict[str, str], preload: list[str] = (),
                 label: str = "", on_output=lambda text: None):
        self.process = Process(limits, sandboxed, label)
        self.on_output = on_output  # 学生代码的打印输出交给它（评分程序把它记进日志）
        self.deadline = time.monotonic() + 60
        self.callbacks: dict[int, object] = {}
        self.test_overrides: dict = {}  # 当前测试里换成参照实现的名字（对象的方法调用也用它们）
        self.request({"op": "init", "limits": limits.for_sandbox(sandboxed), "solutions": solutions,
                      "preload": list(preload)}, 60)

    def request(self, message: dict, seconds: float) -> dict:
        """发一个请求，回答其间沙箱的回调请求，返回最终的回复（dict）。"""
        hard = time.monotonic() + seconds + GRACE
        leaves: list = []
        self.process.write(wire.encode({**message, "seconds": seconds}, self._handle, leaves), hard)
        while True:
            body = self.process.read(hard, RESULT_LIMIT)
            try:
                reply, _ = wire.decode(body, self._remote)
            except wire.WireError as error:
                raise StudentError("WireError", f"传回的数据无法读取：{error}") from None
            if not isinstance(reply, dict):
                raise StudentError("WireError", "传回的不是回复")
            self.on_output(str(reply.get("out", ""))[:4000])
            if "cb" in reply:
                self._answer_callback(reply, hard)
                continue
            _write_back(leaves, reply.get("changed"))
            return reply

    def _answer_callback(self, request: dict, hard: float) -> None:
        function = self.callbacks.get(request["cb"])
        try:
            value = function(*request.get("args", ()), **request.get("kwargs", {}))
            data = wire.encode({"op": "reply", "value": value})
        except Exception as error:  # noqa: BLE001 —— 参照实现拒绝了学生传来的参数：告诉沙箱，不中断评分
            data = wire.encode({"op": "reply", "error": f"{type(error).__name__}: {str(error)[:200]}"})
        self.process.write(data, hard)

    def _handle(self, value) -> wire.Handle:
        if isinstance(value, RemoteObject) and value._session is self:
            return wire.Handle("obj", value._key)
        if callable(value):  # 同一个函数只登记一次：梯度检验里每次调用都带着同样的参照实现
            key = next((k for k, f in self.callbacks.items() if f is value), len(self.callbacks) + 1)
            self.callbacks[key] = value
            return wire.Handle("cb", key)
        raise wire.WireError(f"{type(value).__name__} 类型的对象不能传给学生的函数")

    def _remote(self, handle: wire.Handle):
        if handle.kind != "obj":
            raise wire.WireError("沙箱传回了回调编号")
        return RemoteObject(self, handle.id, handle.type, handle.callable)

    def use(self, message: dict, overrides: dict) -> object:
        """调用、读属性或求长度（``message`` 里的 op），返回值或重新抛出学生代码的异常。"""
        seconds = self.deadline - time.monotonic()
        if seconds <= 0:
            raise StudentTimeout(0)
        reply = self.request({**message, "globals": overrides}, seconds)
        return outcome(reply, message.get("name", ""), seconds)

    def close(self) -> str:
        return self.process.close()


def outcome(reply: dict, name: str, seconds: float):
    kind = reply.get("kind")
    if "value" in reply and kind is None:
        return reply["value"]
    if kind == "timeout":
        raise StudentTimeout(seconds)
    if kind == "missing":
        raise MissingName(name)
    error_name, message, where = (str(reply.get(key, ""))[:300] for key in ("error", "message", "where"))
    if kind == "notimpl":
        error = NotImplementedError(message)
    else:
        cls = getattr(builtins, error_name, None)
        usable = isinstance(cls, type) and issubclass(cls, Exception) and cls.__module__ == "builtins"
        usable = usable and error_name != "NotImplementedError"
        error = cls(message) if usable else StudentError(error_name, message, where)
    error.student_where = where
    raise error


def _write_back(leaves: list, changed) -> None:
    """学生的函数就地改了参数里的数组时，把改动写回评分程序这边的同一个数组。"""
    if not isinstance(changed, dict):
        return
    for index, new in changed.items():
        if not isinstance(index, int) or not 0 <= index < len(leaves):
            continue
        old = leaves[index]
        if isinstance(old, np.ndarray) and isinstance(new, np.ndarray) and old.shape == new.shape and old.flags.writeable:
            old[...] = new.astype(old.dtype, copy=False)
        elif hasattr(old, "detach") and hasattr(new, "detach") and tuple(old.shape) == tuple(new.shape):
            with __import__("torch").no_grad():
                old.copy_(new.to(old.dtype))


class StudentFunction:
    """提交里名为 ``name`` 的函数或类；``overrides`` 把它用到的名字换成评分程序这边的函数（前几题的参照实现）。"""

    def __init__(self, runner, name: str, overrides: dict | None = None):
        self._runner, self.__name__, self._overrides = runner, name, dict(overrides or {})

    def __call__(self, *args, **kwargs):
        return self._runner.session.use({"op": "call", "name": self.__name__, "args": list(args), "kwargs": kwargs},
                                        self._overrides)

    def with_overrides(self, names: dict) -> StudentFunction:
        return StudentFunction(self._runner, self.__name__, {**self._overrides, **names})

    def __repr__(self):
        return f"<提交里的 {self.__name__}>"


class RemoteObject:
    """沙箱里的一个对象（学生的类的实例、方法……）：读属性、调用、求长度都再问沙箱。"""

    def __init__(self, session: Session, key: int, type_name: str, is_callable: bool):
        self._session, self._key, self._type, self._callable = session, key, type_name, is_callable

    def _use(self, op: str, **message):
        return self._session.use({"op": op, "target": self, **message}, self._session.test_overrides)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._use("getattr", attr=name)

    def __call__(self, *args, **kwargs):
        return self._use("call", args=list(args), kwargs=kwargs)

    def __len__(self):
        value = self._use("len")
        if type(value) is not int or value < 0:
            raise TypeError(f"len() 应返回非负整数，得到 {type(value).__name__}")
        return value

    def __repr__(self):
        return f"<提交里的 {self._type} 对象>"


__all__ = ["GRACE", "MissingName", "RemoteObject", "SandboxClosed", "Session", "StudentError", "StudentFunction",
           "StudentTimeout"]
