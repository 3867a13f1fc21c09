"""《词向量与循环神经网络》的构建工具：读者不需要它，书的作者用它维护仓库。

- :mod:`wordvec_book.export`：把笔记本里 ``#@save`` 的单元导出成 ``code/wordvec_rnn/`` 下的模块（``make export``）；
- :mod:`wordvec_book.setup_cell`：重写每个笔记本的第一个单元（``make setup-cells``）；
- :mod:`wordvec_book.diagrams`：画 ``images/`` 下的示意图（``make images``）；
- :mod:`wordvec_book.full_runs`：完整运行有 ``FULL_RUN`` 开关的笔记本，结果写进随包发布的结果文件（``make full-runs``）。
"""
