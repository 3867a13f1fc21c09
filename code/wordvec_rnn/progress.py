"""训练循环的进度条。

在 Jupyter、Colab 与构建 HTML 书时的内核里，进度条是一行文字，通过 IPython 的显示句柄（display_id）
原地更新：屏幕上始终只有一行，执行后的笔记本与静态 HTML 书里也只留下最后一行，不含要联网加载脚本的
小部件状态。在终端里它就是 tqdm 的普通进度条。
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from tqdm.std import tqdm

from .inputs import Int, Optional, Satisfies, Str, accepts


class DisplayBar(tqdm):
    """一行文字的 tqdm 进度条，写到 IPython 的一个显示输出里并原地更新。"""

    def __init__(self, *args, **kwargs):
        self._handle = None
        # tqdm 收尾时还会往 file 写一个换行：给它一个私有的缓冲，免得笔记本里多出一个空的 stderr 输出
        super().__init__(*args, ncols=80, ascii=False, file=io.StringIO(), **kwargs)

    @accepts(msg=Optional(Str(blank=True)), pos=Optional(Int()))
    def display(self, msg=None, pos=None):
        from IPython.display import display

        bundle = {"text/plain": str(self) if msg is None else msg}
        if self._handle is None:
            self._handle = display(bundle, raw=True, display_id=True)
        else:
            self._handle.update(bundle, raw=True)
        return True


def in_kernel() -> bool:
    """是否在 Jupyter 内核里运行（Jupyter、Colab、nbclient 执行的笔记本）。"""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


@accepts(iterable=Optional(Satisfies(lambda it: hasattr(it, "__iter__"), "可迭代对象")), total=Optional(Int(0)),
         desc=Str())
def progress(iterable: Iterable | None = None, *, total: int | None = None, desc: str = "训练") -> tqdm:
    """包一层 ``iterable``（或只给 ``total``，再手动 ``update``），返回一个 tqdm 进度条。

    ``desc`` 是进度条前的说明；可迭代对象没有长度时，用 ``total`` 告诉进度条一共多少步。两者都不给时
    总步数事先未知（例如按时间训练），进度条只计数，显示已走的步数、用时与速度。
    """
    bar = DisplayBar if in_kernel() else tqdm
    return bar(iterable, total=total, desc=desc, mininterval=0.5)
