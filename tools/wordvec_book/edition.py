"""本书的版本（edition）：版本号只写在 ``code/pyproject.toml`` 里，日期与改动写在仓库根目录的 ``CHANGELOG.md`` 里。

首单元（``make setup-cells``）装这一版的包，网页书的页脚与 PDF 的扉页印出版本与日期（``book/_ext/book_edition.py``），
``make release`` 把全部产物放进 ``_build/release/<版本>/``。``CHANGELOG.md`` 由人手写，每一版一节，标题写成
``## 2026.12.0（2026-12-07）``。
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ENTRY = re.compile(r"^## (\d{4}\.\d{1,2}\.\d+)（(\d{4}-\d{2}-\d{2})）\s*$", re.M)


def book_version(root: Path) -> str:
    """``code/pyproject.toml`` 里书的版本，如 ``"2026.12.0"``。"""
    project = tomllib.loads((root / "code" / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["version"]


def changelog(root: Path) -> dict[str, str]:
    """``CHANGELOG.md`` 里的各版：版本 → 日期，按文件里的顺序（最新的在前）。"""
    return {version: date for version, date in ENTRY.findall((root / "CHANGELOG.md").read_text(encoding="utf-8"))}


def edition(root: Path) -> tuple[str, str]:
    """(版本, 日期)：当前版本与它在 ``CHANGELOG.md`` 里的日期；更新记录里还没有这一版时报错。"""
    version, entries = book_version(root), changelog(root)
    if version not in entries:
        raise ValueError(f"CHANGELOG.md 里没有 {version} 这一版：先写一节「## {version}（日期）」，列出改了什么")
    return version, entries[version]
