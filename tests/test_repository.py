"""ml-publish holds itself to the standard it sets: black, flake8 and strict mypy pass.

black and flake8 lint the Python files git tracks, as pre-commit gives them to its hooks, so a
virtual environment of any name in the checkout (``.tvenv``, ``env``) is never walked; each
tool's own exclusions (the template's Jinja files) still hold.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from tests.support.processes import run

REPOSITORY = Path(__file__).resolve().parent.parent


def tracked_python_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py", "*.pyi"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.split("\0") if name]


def excluded_by_flake8(path: str) -> bool:
    """Whether the configuration's ``extend-exclude`` leaves ``path`` out, as flake8 does for
    the files it finds itself (it checks every file given to it)."""
    config = configparser.ConfigParser()
    config.read(REPOSITORY / ".flake8")
    patterns = [p.strip() for p in config["flake8"].get("extend-exclude", "").split(",")]
    pure = PurePosixPath(path)
    return any(
        fnmatch(str(part), pattern)
        for part in (pure, *pure.parents)
        for pattern in patterns
        if pattern
    )


def test_black_finds_nothing_to_reformat() -> None:
    with (REPOSITORY / "pyproject.toml").open("rb") as pyproject:
        excluded = tomllib.load(pyproject)["tool"]["black"]["extend-exclude"]
    # Files given by name are checked unless --force-exclude names them.
    files = tracked_python_files()
    run(
        [sys.executable, "-m", "black", "--check", "--force-exclude", excluded, *files],
        cwd=REPOSITORY,
    )


def test_flake8_reports_nothing() -> None:
    files = [path for path in tracked_python_files() if not excluded_by_flake8(path)]
    run([sys.executable, "-m", "flake8", *files], cwd=REPOSITORY)


def test_mypy_strict_passes() -> None:
    run([sys.executable, "-m", "mypy"], cwd=REPOSITORY)


def test_pre_commit_configs_are_valid() -> None:
    run([sys.executable, "-m", "pre_commit", "validate-config"], cwd=REPOSITORY)


def test_ml_publish_check_passes_on_itself() -> None:
    result = run([sys.executable, "-m", "ml_publish", "check", "--format", "json"], cwd=REPOSITORY)

    assert '"fail": 0' in result.stdout
