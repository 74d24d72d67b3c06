"""Merging template files into the ones a repository already has: nothing lost, idempotent."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from ml_publish.adopt.merge import (
    GITIGNORE_MARKER,
    README_END,
    README_START,
    gitignore_line,
    merge_gitignore,
    merge_pyproject,
    merge_readme,
    move_flake8_section,
    tidy_toml,
    with_ignored_files,
)

TEMPLATE_PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "whale-id"
dependencies = ["torch>=2.1"]

[tool.black]
line-length = 100
target-version = ["py310"]

[tool.mypy]
strict = true
"""
TEMPLATE_README = """\
# Whale ID

## Installation

pip install whale-id

## Data

Where the data lives.

## Inference

How to predict.
"""


def test_pyproject_keeps_what_the_project_says_and_fills_in_the_rest() -> None:
    existing = "# tools only\n[tool.black]\nline-length = 120  # our screens are wide\n"

    merged = merge_pyproject(
        existing,
        TEMPLATE_PYPROJECT,
        dependencies=("numpy>=1.24", "torch>=1.13.1"),
        scripts={"train": "whale_id.train:main"},
    )

    assert merged.startswith("# tools only\n\n[build-system]\n")
    assert "line-length = 120  # our screens are wide\n" in merged
    parsed = tomllib.loads(merged)
    assert parsed["project"]["dependencies"] == ["numpy>=1.24", "torch>=1.13.1"]
    assert parsed["project"]["scripts"] == {"train": "whale_id.train:main"}
    assert parsed["tool"]["black"] == {"line-length": 120, "target-version": ["py310"]}
    assert parsed["tool"]["mypy"] == {"strict": True}
    assert "\n\n\n" not in merged


def test_pyproject_merge_is_idempotent_and_keeps_listed_dependencies() -> None:
    existing = '[project]\nname = "ours"\ndependencies = ["torch==1.13.1"]\n'
    once = merge_pyproject(existing, TEMPLATE_PYPROJECT, dependencies=("torch>=1.0", "tqdm"))

    assert merge_pyproject(once, TEMPLATE_PYPROJECT, dependencies=("torch>=1.0", "tqdm")) == once
    parsed = tomllib.loads(once)
    assert parsed["project"]["name"] == "ours"
    assert parsed["project"]["dependencies"] == ["torch==1.13.1", "tqdm"]


def test_gitignore_appends_only_the_missing_patterns_once() -> None:
    existing = "*.csv\n/input/\n*.pth\n"
    template = "# Python\n__pycache__/\n*.pth\n*.ckpt\n"

    merged = merge_gitignore(existing, template)

    assert merged == f"*.csv\n/input/\n*.pth\n\n{GITIGNORE_MARKER}\n__pycache__/\n*.ckpt\n"
    assert merge_gitignore(merged, template) == merged


def test_readme_is_kept_and_missing_sections_appended_in_a_marked_block() -> None:
    existing = "# Whale ID\n\nOur 12th place solution.\n\n## Data\n\nFrom Kaggle.\n"

    merged = merge_readme(existing, TEMPLATE_README)

    assert merged.startswith(existing.rstrip())
    block = merged[merged.index(README_START) : merged.index(README_END)]
    assert "## Installation" in block and "## Inference" in block
    assert "Where the data lives." not in merged
    assert merge_readme(merged, TEMPLATE_README) == merged


def test_a_readme_with_every_section_is_left_alone() -> None:
    assert merge_readme(TEMPLATE_README, TEMPLATE_README) == TEMPLATE_README


def test_a_flake8_section_moves_into_dot_flake8_and_nothing_is_dropped() -> None:
    setup_cfg = "[metadata]\nname = x\n\n[flake8]\nmax-line-length = 120\nselect = E,F\n"
    flake8 = "[flake8]\nmax-line-length = 100\nextend-ignore = E203\n"

    rest, merged = move_flake8_section(setup_cfg, flake8, "setup.cfg")

    assert rest == "[metadata]\nname = x\n"
    assert merged == (
        "[flake8]\nmax-line-length = 100\nextend-ignore = E203\n"
        "# Carried over from setup.cfg by ml-publish adopt.\n"
        "# from setup.cfg, where .flake8 says otherwise: max-line-length = 120\n"
        "select = E,F\n"
    )


def test_a_file_holding_only_flake8_settings_is_emptied() -> None:
    rest, merged = move_flake8_section(
        "[flake8]\nmax-line-length = 100\n", "[flake8]\nmax-line-length = 100\n", "tox.ini"
    )

    assert (rest, merged) == ("", "[flake8]\nmax-line-length = 100\n")


ODD_NAMES = [
    "my model.pth",
    "feat_[svd_and_bow]_[v2].pkl",
    "#fold!1.pkl",
    "!first.pkl",
    "data/x*y?.pkl",
    "back\\slash.pkl",
    "trailing space ",
    "d ir/#x",
    "line\nbreak.pkl",
]


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("best.pth", "/best.pth"),
        ("my model.pth", "/my model.pth"),
        ("feat_[svd]_[v2].pkl", "/feat_\\[svd]_\\[v2].pkl"),
        ("#fold!1.pkl", "/\\#fold\\!1.pkl"),
        ("data/x*y?.pkl", "/data/x\\*y\\?.pkl"),
        ("back\\slash", "/back\\\\slash"),
        ("trailing  ", "/trailing\\ \\ "),
        ("line\nbreak", "/line?break"),
    ],
)
def test_a_gitignore_line_names_one_path_exactly(path: str, line: str) -> None:
    assert gitignore_line(path) == line


def test_ignored_files_join_adopts_block_once() -> None:
    existing = f"*.log\n\n{GITIGNORE_MARKER}\n*.pth\n\n# Weight files staged\n.ml-publish/\n"

    once = with_ignored_files(existing, ["a b.pkl", "c.pkl"])

    assert once == (
        f"*.log\n\n{GITIGNORE_MARKER}\n*.pth\n/a b.pkl\n/c.pkl\n\n# Weight files staged\n"
        ".ml-publish/\n"
    )
    assert with_ignored_files(once, ["c.pkl", "a b.pkl"]) == once


def test_without_adopts_block_one_is_started() -> None:
    assert with_ignored_files("*.log", ["x.pkl"]) == f"*.log\n\n{GITIGNORE_MARKER}\n/x.pkl\n"
    assert with_ignored_files("", ["x.pkl"]) == f"{GITIGNORE_MARKER}\n/x.pkl\n"


def git_in(root: Path, *args: str, paths: tuple[str, ...] = ()) -> str:
    """git's output; ``paths`` go to its standard input, NUL-separated."""
    stdin = "".join(f"{path}\0" for path in paths)
    result = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, text=True)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_git_ignores_exactly_the_listed_files_whatever_their_names(tmp_path: Path) -> None:
    git_in(tmp_path, "init", "--quiet")
    for name in [*ODD_NAMES, "qa.pkl", "my model.pt", "data/xay.pkl", "fold!1.pkl"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / ".gitignore").write_text(with_ignored_files("", ODD_NAMES), encoding="utf-8")

    candidates = (*ODD_NAMES, "qa.pkl", "my model.pt", "data/xay.pkl", "fold!1.pkl")
    ignored = git_in(tmp_path, "check-ignore", "--no-index", "--stdin", "-z", paths=candidates)
    git_in(tmp_path, "add", "--all")
    added = git_in(tmp_path, "diff", "--cached", "--name-only", "-z").split("\0")

    assert sorted(filter(None, ignored.split("\0"))) == sorted(ODD_NAMES)
    assert sorted(filter(None, added)) == [
        ".gitignore",
        "data/xay.pkl",
        "fold!1.pkl",
        "my model.pt",
        "qa.pkl",
    ]


def test_a_merged_pyproject_ends_with_one_newline() -> None:
    assert tidy_toml('[tool.a]\nx = 1\n\n[tool.b]\ny = "^7"\n\n\n') == (
        '[tool.a]\nx = 1\n\n[tool.b]\ny = "^7"\n'
    )


def test_a_pyproject_without_project_gets_the_templates_backend() -> None:
    poetry = (
        '[tool.poetry]\nname = "segkit"\n\n[build-system]\nrequires = ["poetry-core"]\n'
        'build-backend = "poetry.core.masonry.api"\n'
    )
    template = (
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "segkit"\ndynamic = ["version"]\n'
    )

    merged = tomllib.loads(merge_pyproject(poetry, template))

    assert merged["build-system"]["build-backend"] == "hatchling.build"
    assert merged["tool"]["poetry"] == {"name": "segkit"}
