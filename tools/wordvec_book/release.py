"""``make release``：把这一版的全部产物放进 ``_build/release/<版本>/``，附上 SHA256 校验和。不联网。

先核对各处的版本一致（``code/`` 与 ``tools/`` 的包、``CHANGELOG.md``、每个笔记本的首单元、网页书的页脚），再放进：

- 读者的包与工具包的轮子和源码包（``python -m build --no-isolation``，用 ``.venv`` 里的 setuptools），
  并用 ``twine check`` 检查它们能上传到软件源；
- 网页书（``_build/html`` 打成 zip）；
- 课堂作业的学生版、教师版与评分包（``_build/assignments`` 的三个目录，各打成 zip）；
- PDF 版（``_build/pdf/wordvec-rnn.pdf``，本机装有 TeX、``make pdf`` 生成过时）。

Makefile 的 ``release`` 目标先完成 ``make book``、``make assignments`` 与（装有 xelatex 时）``make pdf``。
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from .edition import edition
from .export import notebooks_in_reading_order
from .setup_cell import pinned_version

CHECKSUMS = "SHA256SUMS"
CLASSROOM = ("student", "instructor", "autograder")


def version_problems(root: Path, version: str) -> list[str]:
    """各处写着的版本与 ``version`` 不一致的地方（一句话一条）。"""
    tools = tomllib.loads((root / "tools" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    problems = [] if tools["version"] == version else [f"tools/pyproject.toml 的版本是 {tools['version']}"]
    if f"wordvec-rnn=={version}" not in tools["dependencies"]:
        problems.append(f"tools/pyproject.toml 没有依赖 wordvec-rnn=={version}")
    problems += [f"{path.relative_to(root)} 的首单元不装 {version}（运行 make setup-cells）"
                 for path in notebooks_in_reading_order(root) if pinned_version(path) != version]
    footer = root / "_build" / "html" / "book" / "preface.html"
    if not footer.exists() or f"版本 {version}" not in footer.read_text(encoding="utf-8"):
        problems.append(f"网页书（{footer.relative_to(root)}）的页脚不是 {version}：先 make book")
    return problems


def build_packages(root: Path, out: Path) -> list[Path]:
    """两个包的轮子与源码包（在副本里构建，不在源码目录留下 build/），以及 twine check。"""
    built = []
    for project in ("code", "tools"):
        source = out / f".source-{project}"
        shutil.copytree(root / project, source, ignore=shutil.ignore_patterns(
            "build", "*.egg-info", "__pycache__", "tests", "bench", "full_run_artifacts", "*.lock"))
        before = set(out.iterdir())
        subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out),
                        str(source)], check=True, capture_output=True)
        shutil.rmtree(source)
        built += sorted(set(out.iterdir()) - before - {source})
    subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, built)], check=True)
    return built


def zip_folder(folder: Path, archive: Path) -> Path:
    if not folder.is_dir():
        raise SystemExit(f"没有 {folder}：先运行生成它的 make 目标")
    return Path(shutil.make_archive(str(archive), "zip", root_dir=folder))


def write_checksums(out: Path) -> Path:
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}"
             for p in sorted(out.iterdir()) if p.is_file() and p.name != CHECKSUMS]
    (out / CHECKSUMS).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out / CHECKSUMS


def release(root: Path) -> Path:
    version, date = edition(root)
    problems = version_problems(root, version)
    if problems:
        raise SystemExit("各处的版本不一致：\n" + "\n".join(problems))
    out = root / "_build" / "release" / version
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    build_packages(root, out)
    zip_folder(root / "_build" / "html", out / f"wordvec-rnn-html-{version}")
    for kind in CLASSROOM:
        zip_folder(root / "_build" / "assignments" / kind, out / f"wordvec-rnn-assignments-{kind}-{version}")
    pdf = root / "_build" / "pdf" / "wordvec-rnn.pdf"
    if pdf.exists():
        shutil.copyfile(pdf, out / f"wordvec-rnn-{version}.pdf")
    write_checksums(out)
    print(f"版本 {version}（{date}）的产物在 {out.relative_to(root)}：")
    for path in sorted(out.iterdir()):
        print(f"  {path.name}  {path.stat().st_size / 1e6:.2f} MB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="仓库根目录（含 _toc.yml），默认当前目录")
    release(parser.parse_args(argv).root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
