"""课堂作业：从章节笔记本生成学生版、教师版与自动评分包，并给一个班的提交评分。

解答留在章节笔记本里（``#@save`` 单元中 ``# 解答开始`` 与 ``# 解答结束`` 两行注释之间），测试写在
仓库的 ``assignments/<编号_名字>/tests.py``。两个命令（在仓库根目录）::

    python -m wordvec_classroom.generate              # 写出 _build/assignments/
    python -m wordvec_classroom.grade 评分包 提交...   # 评分，写出成绩表与每个学生的反馈
"""

from wordvec_classroom.spec import (
    Assignment,
    Question,
    check,
    hidden_rng,
    hidden_torch_generator,
    mismatch,
    with_globals,
)

__all__ = ["Assignment", "Question", "check", "hidden_rng", "hidden_torch_generator", "mismatch", "with_globals"]
