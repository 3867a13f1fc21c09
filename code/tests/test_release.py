"""一版书（make release）：各处的版本一致，发布的产物齐全、校验和对得上，发布的工作流合乎 GitHub 的格式、
步骤就是 README 写的命令。用发布的轮子单独运行发布的笔记本，见 test_standalone.py。"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import CHAPTER_NOTEBOOKS, HTML, REPO

from wordvec_book.edition import book_version, changelog, edition
from wordvec_book.release import CHECKSUMS, CLASSROOM, version_problems
from wordvec_book.setup_cell import pinned_version

VERSION = book_version(REPO)
RELEASE = REPO / "_build" / "release" / VERSION
WORKFLOW = REPO / ".github" / "workflows" / "release.yml"


def test_version_is_a_calendar_version_with_a_changelog_entry():
    assert re.fullmatch(r"20\d\d\.(1[0-2]|[1-9])\.\d+", VERSION), VERSION
    entries = changelog(REPO)
    assert next(iter(entries)) == VERSION, "CHANGELOG.md 的第一节应是当前版本"
    assert edition(REPO) == (VERSION, entries[VERSION])


def test_versions_agree_everywhere():
    import wordvec_rnn

    assert wordvec_rnn.__version__ == VERSION, "装好的包不是这一版：重新 make book（pyproject.toml 改过）"
    assert version_problems(REPO, VERSION) == []
    assert {pinned_version(path) for path in CHAPTER_NOTEBOOKS} == {VERSION}
    for page in ("book/preface.html", "chapters/02_rnn/01_rnn.html", "book/changelog.html"):
        assert f"版本 {VERSION}（{edition(REPO)[1]}）" in (HTML / page).read_text(encoding="utf-8"), page


def expected_artifacts() -> set[str]:
    names = {f"wordvec_rnn-{VERSION}-py3-none-any.whl", f"wordvec_rnn-{VERSION}.tar.gz",
             f"wordvec_rnn_tools-{VERSION}-py3-none-any.whl", f"wordvec_rnn_tools-{VERSION}.tar.gz",
             f"wordvec-rnn-html-{VERSION}.zip", CHECKSUMS}
    names |= {f"wordvec-rnn-assignments-{kind}-{VERSION}.zip" for kind in CLASSROOM}
    if shutil.which("xelatex"):
        names.add(f"wordvec-rnn-{VERSION}.pdf")
    return names


def test_release_folder_holds_every_artifact_with_its_checksum():
    assert RELEASE.is_dir(), f"没有 {RELEASE.relative_to(REPO)}：先 make release（make test 会先做）"
    assert {p.name for p in RELEASE.iterdir()} == expected_artifacts()
    for line in (RELEASE / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((RELEASE / name).read_bytes()).hexdigest() == digest, name
    with zipfile.ZipFile(RELEASE / f"wordvec-rnn-html-{VERSION}.zip") as archive:
        footer = archive.read("book/preface.html").decode("utf-8")
        assert f"版本 {VERSION}" in footer
    with zipfile.ZipFile(RELEASE / f"wordvec_rnn-{VERSION}-py3-none-any.whl") as wheel:
        names = wheel.namelist()
    assert "wordvec_rnn/fonts/OFL.txt" in names and any(n.endswith(".otf") for n in names), "轮子里要有字体与它的许可"
    with zipfile.ZipFile(RELEASE / f"wordvec-rnn-assignments-autograder-{VERSION}.zip") as bundle:
        assert any(n.endswith(".zip") for n in bundle.namelist())


def test_pdf_shows_the_edition():
    pdf = RELEASE / f"wordvec-rnn-{VERSION}.pdf"
    if not pdf.exists():
        pytest.skip("没有 xelatex：这一版的产物里没有 PDF 版")
    first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"版本 {VERSION}" in first and edition(REPO)[1].replace("-", "") in re.sub(r"\D", "", first)


def workflow_commands() -> list[str]:
    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    return [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]


def test_release_workflow_is_valid_and_runs_the_readme_commands():
    checker = Path(sys.executable).with_name("check-jsonschema")
    subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)], check=True)
    commands = workflow_commands()
    assert "CI=true bash .ci/run" in commands and "make release" in commands
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make release" in readme and ".ci/run" in readme
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "secrets." not in text, "发布用可信发布（id-token），仓库里不放密钥"
    assert "pypa/gh-action-pypi-publish" in text and "id-token: write" in text
