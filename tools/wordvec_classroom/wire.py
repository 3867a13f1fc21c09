"""评分程序与沙箱之间传的数据：只有数据，没有代码。

一条消息是 8 字节的长度、JSON 头和紧随其后的数组字节。能传的值：``None``、布尔、整数、浮点、复数、字符串，
它们的列表、元组与字典，numpy 数组与标量（数值类型）、torch 张量（数值类型，不带计算图）、``np.random.Generator``
（传它的状态）、本书包里的数据类（如 ``HuffmanTree``，按字段传）。别的对象由发送方换成编号（:class:`Handle`），
接收方只拿到这个编号。

解码从不执行对方给的代码：不用 pickle，数组只接受白名单里的类型，数据类只接受本书包里已导入的类，
形状与字节数必须对得上，整条消息有大小上限。任何不合规的输入都变成 :class:`WireError`。
"""

from __future__ import annotations

import dataclasses
import json
import math
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LIMIT = 256 * 2**20  # 一条消息的默认上限（字节）
DEPTH = 64  # 嵌套层数的上限
DTYPES = {np.dtype(t).str: np.dtype(t) for t in
          ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128")}
TORCH_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "float16", "float32", "float64",
                "complex64", "complex128")
BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class WireError(ValueError):
    """收到的消息不合规（太大、格式不对、类型不在白名单里）或要发的值不能传。"""


@dataclass(frozen=True)
class Handle:
    """对方进程里一个对象的编号（``kind`` 为 ``"obj"``：对方的对象；``"cb"``：评分程序的回调）。"""

    kind: str
    id: int
    type: str = ""
    callable: bool = False


def _is_book_dataclass(cls: type) -> bool:
    return dataclasses.is_dataclass(cls) and isinstance(cls, type) and cls.__module__.startswith("wordvec_rnn.")


def _no_handles(value):
    raise WireError(f"{type(value).__name__} 类型的对象不能传")


class _Encoder:
    def __init__(self, handle: Callable[[object], Handle]):
        self.handle, self.blobs, self.leaves = handle, [], []

    def array(self, array: np.ndarray) -> dict:
        array = np.asarray(array)
        array = array if array.flags.c_contiguous else array.copy(order="C")  # 不用 ascontiguousarray：它把 0 维变 1 维
        if array.dtype.str not in DTYPES:
            raise WireError(f"数组的类型 {array.dtype} 不能传（只传数值与布尔数组）")
        self.blobs.append(array.tobytes())
        return {"d": array.dtype.str, "s": list(array.shape)}

    def value(self, value, depth: int = 0):
        if depth > DEPTH:
            raise WireError(f"嵌套超过 {DEPTH} 层")
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, np.ndarray):
            self.leaves.append(value)
            return {"$": "nd", **self.array(value)}
        if isinstance(value, np.generic):  # 在 float 之前：np.float64 也是 float 的子类
            return {"$": "ns", **self.array(np.asarray(value))}
        if isinstance(value, int):
            return int(value) if abs(value) < 2**63 else {"$": "big", "v": str(int(value))}
        if isinstance(value, float):
            return float(value) if math.isfinite(value) else {"$": "f", "v": repr(float(value))}
        if isinstance(value, complex):
            return {"$": "c", "v": [self.value(value.real), self.value(value.imag)]}
        if "torch" in sys.modules and isinstance(value, sys.modules["torch"].Tensor):
            return self.tensor(value)
        return self.container(value, depth + 1)

    def tensor(self, value) -> dict:
        if str(value.dtype).removeprefix("torch.") not in TORCH_DTYPES:
            raise WireError(f"张量的类型 {value.dtype} 不能传")
        self.leaves.append(value)
        return {"$": "pt", **self.array(value.detach().cpu().resolve_conj().numpy())}

    def container(self, value, depth: int):
        if isinstance(value, (list, tuple)):
            return {"$": "list" if isinstance(value, list) else "tuple", "v": [self.value(v, depth) for v in value]}
        if isinstance(value, dict):
            keys = [self.value(k, depth) for k in value]
            return {"$": "dict", "k": keys, "v": [self.value(v, depth) for v in value.values()]}
        if isinstance(value, np.random.Generator) and type(value.bit_generator).__name__ in BIT_GENERATORS:
            return {"$": "gen", "bg": type(value.bit_generator).__name__, "state": self.value(value.bit_generator.state, depth)}
        if _is_book_dataclass(type(value)):
            fields = {f.name: self.value(getattr(value, f.name), depth) for f in dataclasses.fields(value)}
            return {"$": "dc", "cls": f"{type(value).__module__}:{type(value).__qualname__}", "f": fields}
        found = value if isinstance(value, Handle) else self.handle(value)
        return {"$": "h", "kind": found.kind, "id": found.id, "type": found.type, "callable": found.callable}


def encode(value, handle: Callable[[object], Handle] = _no_handles, leaves: list | None = None) -> bytes:
    """``value`` 编成一条消息（含长度前缀）。``handle`` 把不能按值传的对象换成编号（默认拒绝它们）；
    给出 ``leaves`` 时，其中按先后放进编码了的数组与张量本身（与解码方的 leaves 一一对应）。"""
    encoder = _Encoder(handle)
    try:
        tree = encoder.value(value)
        header = json.dumps(tree, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except WireError:
        raise
    except (TypeError, ValueError, RecursionError) as error:
        raise WireError(f"无法编码：{error}") from None
    if leaves is not None:
        leaves.extend(encoder.leaves)
    body = struct.pack(">Q", len(header)) + header + b"".join(encoder.blobs)
    return struct.pack(">Q", len(body)) + body


class _Decoder:
    def __init__(self, body: bytes, handles: Callable[[Handle], object]):
        (size,) = struct.unpack(">Q", body[:8])
        if size > len(body) - 8:
            raise WireError("头的长度超出消息")
        self.header = body[8 : 8 + size]
        self.blobs, self.offset = memoryview(body)[8 + size :], 0
        self.handles = handles
        self.leaves: list = []  # 解出的数组与张量，按出现的先后（沙箱用它们找出被就地改写的参数）

    def array(self, node: dict) -> np.ndarray:
        dtype = DTYPES.get(node.get("d"))
        shape = node.get("s")
        if dtype is None or not isinstance(shape, list) or not all(type(n) is int and 0 <= n < 2**40 for n in shape):
            raise WireError(f"不合规的数组描述 {str(node)[:80]}")
        size = dtype.itemsize * math.prod(shape)
        if self.offset + size > len(self.blobs):
            raise WireError("数组的字节数超出消息")
        data = self.blobs[self.offset : self.offset + size]
        self.offset += size
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def value(self, node, depth: int = 0):
        if depth > DEPTH:
            raise WireError(f"嵌套超过 {DEPTH} 层")
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if not isinstance(node, dict) or not isinstance(node.get("$"), str):
            raise WireError(f"不合规的值 {str(node)[:80]}")
        decode = getattr(self, "_" + node["$"], None)
        if decode is None:
            raise WireError(f"不认识的类型标记 {node['$'][:20]!r}")
        return decode(node, depth + 1)

    def _list(self, node, depth):
        return [self.value(v, depth) for v in node["v"]]

    def _tuple(self, node, depth):
        return tuple(self._list(node, depth))

    def _dict(self, node, depth):
        keys = [self.value(k, depth) for k in node["k"]]
        if len(keys) != len(node["v"]) or not all(isinstance(k, (str, int, float, bool, tuple, type(None))) for k in keys):
            raise WireError("不合规的字典")
        return dict(zip(keys, (self.value(v, depth) for v in node["v"])))

    def _big(self, node, depth):
        return int(str(node["v"])[:400])

    def _f(self, node, depth):
        if node["v"] not in ("nan", "inf", "-inf"):
            raise WireError("不合规的浮点数")
        return float(node["v"])

    def _c(self, node, depth):
        real, imag = (self.value(v, depth) for v in node["v"])
        return complex(float(real), float(imag))

    def _nd(self, node, depth):
        array = self.array(node)
        self.leaves.append(array)
        return array

    def _ns(self, node, depth):
        return self.array(node)[()]

    def _pt(self, node, depth):
        import torch

        tensor = torch.from_numpy(self.array(node))
        self.leaves.append(tensor)
        return tensor

    def _gen(self, node, depth):
        if node.get("bg") not in BIT_GENERATORS:
            raise WireError("不认识的随机数生成器")
        bit_generator = getattr(np.random, node["bg"])()
        bit_generator.state = self.value(node["state"], depth)
        return np.random.Generator(bit_generator)

    def _dc(self, node, depth):
        module, _, name = str(node.get("cls")).partition(":")
        cls = getattr(sys.modules.get(module), name, None) if module.startswith("wordvec_rnn.") else None
        if not isinstance(cls, type) or not _is_book_dataclass(cls):
            raise WireError(f"不能接收的类 {str(node.get('cls'))[:80]}")
        names = {f.name for f in dataclasses.fields(cls)}
        if set(node["f"]) != names:
            raise WireError(f"{cls.__name__} 的字段应是 {sorted(names)}")
        obj = cls.__new__(cls)
        for key, value in node["f"].items():
            object.__setattr__(obj, key, self.value(value, depth))
        return obj

    def _h(self, node, depth):
        if node.get("kind") not in ("obj", "cb") or type(node.get("id")) is not int:
            raise WireError("不合规的对象编号")
        return self.handles(Handle(node["kind"], node["id"], str(node.get("type", ""))[:80], bool(node.get("callable"))))


def decode(body: bytes, handles: Callable[[Handle], object] = lambda h: h) -> tuple[object, list]:
    """解开一条消息的正文（不含长度前缀），返回 ``(值, 其中的数组与张量)``；不合规时抛出 :class:`WireError`。"""
    try:
        decoder = _Decoder(body, handles)
        tree = json.loads(decoder.header)
        return decoder.value(tree), decoder.leaves
    except WireError:
        raise
    except Exception as error:  # noqa: BLE001 —— 坏 JSON、缺键、类型不对、递归太深……一律是对方的错
        raise WireError(f"消息无法解读（{type(error).__name__}: {str(error)[:120]}）") from None
