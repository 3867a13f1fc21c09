"""生成书中的「作业一览」页（``book/assignments.md``）：每次作业的题目、分值、对应章节与评分程序认得的常见错误。

这一页由 ``assignments/*/tests.py`` 与 ``mistakes/`` 生成并提交进仓库；改了作业就重新生成，测试检查它没有过时::

    python -m wordvec_classroom.overview            # 重写 book/assignments.md
    python -m wordvec_classroom.overview --check    # 只检查
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from wordvec_classroom.generate import AssignmentSource, assignment_dirs
from wordvec_classroom.submissions import mistakes

PAGE = Path("book") / "assignments.md"

HEAD = """# 作业一览

本书附带 {count} 次课堂作业，每次对应一章（或一节）正文。解答就是正文中实现的函数：学生版把它们的函数体换成
`raise NotImplementedError(提示)`，保留签名、说明与输入检查。怎样生成、发放、收取和评分，见{guide}。

<!-- 本页由 python -m wordvec_classroom.overview 从 assignments/ 生成，请勿直接修改。 -->
"""


def chapter_title(root: Path, chapter: str) -> str:
    """笔记本第一个一级标题。"""
    cells = json.loads((root / chapter).read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("# "):
            return source.splitlines()[0][2:].strip()
    return chapter


def section(root: Path, source: AssignmentSource) -> str:
    a = source.assignment
    chapters = "、".join(f"[{chapter_title(root, c)}](../{c})" for c in a.chapters)
    public = sum(1 for t in source.tests if t.public)
    rows = []
    for q in a.questions:
        functions = "、".join(f"`{name}`" for name in q.functions)
        shared = sum(t.points for t in source.tests if t.question == q.number and t.public)
        rows.append(f"| {q.number} | {q.title} | {functions} | {source.points[q.number]} | {shared} |")
    lines = [
        f"(assignment-{a.number})=",
        f"## 作业 {a.number}：{a.title}",
        "",
        f"对应正文：{chapters}。共 {source.total} 分，{len(source.tests)} 个测试，其中 {public} 个是学生版里的公开自测。"
        f"文件名：`{source.slug}`。",
        "",
        "| 题 | 内容 | 要写的函数 | 分值 | 其中公开自测 |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"评分程序认得的常见错误（`assignments/{source.slug}/mistakes/`，每一个都由测试检验会丢分并得到说明原因的评语）：",
        "",
    ]
    for mistake in mistakes(source):
        caught = "、".join(f"`{name}`" for name in mistake.expect)
        lines.append(f"- {mistake.description.rstrip('。')}。认出它的测试：{caught}。")
    return "\n".join(lines)


def render(root: Path) -> str:
    root = Path(root)
    sources = [AssignmentSource(root, d) for d in assignment_dirs(root)]
    head = HEAD.format(count=len(sources), guide="[教师指南](teachers_guide.md)")
    return head + "\n" + "\n\n".join(section(root, s) for s in sources) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录，默认当前目录")
    parser.add_argument("--check", action="store_true", help="只检查，不写文件")
    args = parser.parse_args(argv)
    page, text = args.root / PAGE, render(args.root)
    if args.check:
        current = page.read_text(encoding="utf-8") if page.exists() else ""
        if current != text:
            print(f"{PAGE} 已过时：运行 python -m wordvec_classroom.overview")
            return 1
        return 0
    page.write_text(text, encoding="utf-8")
    print(f"已更新 {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
