"""《词向量与循环神经网络》的配套代码包。

各章共用的代码只在这里写一次；由章节导出的模块（``#@save`` 单元）见 :mod:`wordvec_book.export`。
"""

from importlib.metadata import version as _installed_version

__version__ = _installed_version("wordvec-rnn")   # 书的版本，写在 pyproject.toml 里
