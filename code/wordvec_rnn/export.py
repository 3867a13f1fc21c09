"""把章节笔记本里标记 ``#@save`` 的代码单元导出到本包（单一来源，沿用《动手学深度学习》的做法）。

一个代码单元的第一行写 ``#@save 模块名``，它就是 ``wordvec_rnn/模块名.py`` 的一部分：章节里推导并实现的
代码只写在笔记本中，后面的章节 ``from wordvec_rnn.模块名 import ...`` 复用它。同一模块的单元按阅读顺序
（``_toc.yml`` 中章节的顺序）拼接。在仓库根目录运行::

    python -m wordvec_rnn.export          # 重新生成导出的模块
    python -m wordvec_rnn.export --check  # 只比较，不一致时列出并以状态 1 退出（测试用它）
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

MARKER = re.compile(r"^#@save\s+([a-z_][a-z0-9_]*)\s*$")
HEADER = "# 本模块由 `python -m wordvec_rnn.export` 从章节笔记本中标记 `#@save {module}` 的代码单元生成，\n# 请勿直接修改：改笔记本，再重新导出。来源：\n"
PACKAGE_DIR = Path("code") / "wordvec_rnn"


def toc_files(root: Path) -> list[str]:
    """``_toc.yml`` 里列出的全部文件（不带扩展名），按目录顺序（目录文件是简单的 YAML，逐行读出 ``file:`` 即可）。"""
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    return re.findall(r"^\s*-?\s*(?:file|root):\s*(\S+)\s*$", toc, flags=re.M)


def notebooks_in_reading_order(root: Path) -> list[Path]:
    """``_toc.yml`` 里列出的笔记本，按目录顺序。"""
    return [root / f"{name}.ipynb" for name in toc_files(root) if (root / f"{name}.ipynb").exists()]


HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*$", re.M)


def saved_cells(notebook: Path) -> list[tuple[str, str, str]]:
    """一个笔记本中的 ``(模块名, 去掉标记行的源码, 所在的节)``，按单元顺序；节写成「标题」§「小节」。"""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    found, title, section = [], "", ""
    for cell in cells:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            for level, text in HEADING.findall(source):
                title, section = (text, "") if level == "#" else (title, text)
        first, _, body = source.partition("\n")
        match = MARKER.match(first)
        if cell["cell_type"] == "code" and match:
            found.append((match.group(1), body.strip("\n"), f"「{title}」" + (f"§「{section}」" if section else "")))
    return found


def render_modules(root: Path) -> dict[str, str]:
    """模块名 → 生成的源码；每个单元之前注明它定义在哪个笔记本的哪一节（如 d2l 的 "Defined in"）。"""
    parts: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    for notebook in notebooks_in_reading_order(root):
        origin = notebook.relative_to(root).as_posix()
        for module, body, where in saved_cells(notebook):
            parts.setdefault(module, []).append(_with_origin(body, f"# 定义于 {origin} {where}"))
            if origin not in sources.setdefault(module, []):
                sources[module].append(origin)
    return {
        module: HEADER.format(module=module)
        + "".join(f"#   {origin}\n" for origin in sources[module])
        + "\n"
        + "\n\n\n".join(bodies)
        + "\n"
        for module, bodies in parts.items()
    }


def _with_origin(body: str, comment: str) -> str:
    """把出处注释放在单元的第一个定义之前（模块开头的 import 留在最前面）。"""
    lines = body.splitlines()
    first_def = next((i for i, line in enumerate(lines) if re.match(r"(def|class|async def|@)\b|[A-Z_]+\s*=", line)), 0)
    return "\n".join([*lines[:first_def], comment, *lines[first_def:]])


def generated_files(root: Path) -> dict[str, Path]:
    """包里已有的、由本工具生成的模块（凭文件头识别）。"""
    prefix = HEADER.split("{module}")[0]
    return {
        path.stem: path
        for path in sorted((root / PACKAGE_DIR).glob("*.py"))
        if path.read_text(encoding="utf-8").startswith(prefix)
    }


def plan(root: Path) -> tuple[dict[Path, str], list[Path]]:
    """要写的模块（路径 → 新内容，只含与现有文件不同的）和要删的旧模块（已没有来源的 ``#@save`` 单元）。"""
    wanted = render_modules(root)
    to_write = {}
    for module, text in wanted.items():
        path = root / PACKAGE_DIR / f"{module}.py"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            to_write[path] = text
    to_delete = [path for module, path in generated_files(root).items() if module not in wanted]
    return to_write, to_delete


def differences(root: Path) -> list[str]:
    """笔记本与包不一致之处，每条一句话；一致时为空。"""
    to_write, to_delete = plan(root)
    return [f"{path.relative_to(root)} 与笔记本中的 `#@save {path.stem}` 单元不一致" for path in to_write] + [
        f"{path.relative_to(root)} 已没有对应的 `#@save {path.stem}` 单元" for path in to_delete
    ]


def export(root: Path) -> list[Path]:
    """写出所有导出模块，删掉已没有来源的旧模块；返回写过或删过的文件。"""
    to_write, to_delete = plan(root)
    for path in to_delete:
        path.unlink()
    for path, text in to_write.items():
        path.write_text(text, encoding="utf-8")
    return to_delete + list(to_write)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（含 _toc.yml），默认当前目录")
    parser.add_argument("--check", action="store_true", help="只比较，不写文件")
    args = parser.parse_args(argv)
    if not (args.root / "_toc.yml").exists():
        parser.error(f"参数 --root：期望含 _toc.yml 的仓库根目录，实际得到 {args.root}")
    if args.check:
        problems = differences(args.root)
        for line in problems:
            print(line)
        return 1 if problems else 0
    for path in export(args.root):
        print(f"已更新 {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
