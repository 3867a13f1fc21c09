"""可复现：一次设定所有随机数发生器的种子。"""

from __future__ import annotations

import random

import numpy as np

from .inputs import Int, accepts


@accepts(seed=Int(0, 2**32 - 1))
def set_seed(seed: int = 0) -> np.random.Generator:
    """设定 ``random``、``numpy`` 与 ``torch``（已安装时）的种子，返回一个以 ``seed`` 初始化的 numpy ``Generator``。

    同一个种子、同一段代码，每次运行打印相同的数字；笔记本的第一个代码单元就调用它。
    """
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # 只用 numpy 的读者不必装 torch
        pass
    else:
        torch.manual_seed(seed)
    return np.random.default_rng(seed)
