"""An author's isort 5 hook with black's profile keeps the template's split imports."""

from __future__ import annotations

import configparser
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from ml_publish.adopt.isort_settings import (
    COMMENT,
    SETTING,
    settings_file,
    splitting_file,
    with_split_setting,
)
from tests.support.processes import run
from tests.support.projects import render
from tests.support.venvs import VirtualEnv, create_venv

# The last isort before 6, as an author's 2023 configuration pins it.
ISORT_5 = "5.13.2"
ISORT_BESIDE = Path(sys.executable).parent / "isort"


def config(rev: str, args: str = "") -> str:
    arguments = f"\n        args: {args}" if args else ""
    return (
        "repos:\n"
        "  - repo: https://github.com/pycqa/isort\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        f"      - id: isort{arguments}\n"
    )


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


BLACK_PYPROJECT = (
    '[project]\nname = "toxic"\n\n[tool.isort]\nprofile = "black"\nline_length = 100\n'
)


@pytest.mark.parametrize(
    ("files", "hooks", "expected"),
    [
        ({"pyproject.toml": BLACK_PYPROJECT}, config(ISORT_5), "pyproject.toml"),
        ({"pyproject.toml": BLACK_PYPROJECT}, config("v5.12.0"), "pyproject.toml"),
        # isort 6's black profile splits already.
        ({"pyproject.toml": BLACK_PYPROJECT}, config("6.0.1"), None),
        # The author's own choice, either way, stays.
        (
            {
                "pyproject.toml": BLACK_PYPROJECT.replace(
                    "profile", "split_on_trailing_comma = false\nprofile"
                )
            },
            config(ISORT_5),
            None,
        ),
        ({"pyproject.toml": BLACK_PYPROJECT}, config(ISORT_5, "[--split-on-trailing-comma]"), None),
        # Another profile does not split like black.
        ({"setup.cfg": "[isort]\nprofile = google\n"}, config(ISORT_5), None),
        # The profile from the hook's arguments; isort's settings in setup.cfg.
        (
            {"setup.cfg": "[isort]\nline_length = 100\n"},
            config(ISORT_5, "[--profile=black]"),
            "setup.cfg",
        ),
        (
            {"tox.ini": "[tool:isort]\nline_length = 100\n"},
            config(ISORT_5, '["--profile", "black"]'),
            "tox.ini",
        ),
        # No settings file at all: pyproject.toml gets them.
        ({}, config(ISORT_5, "[--profile, black]"), "pyproject.toml"),
        # .isort.cfg comes first in isort's search, before pyproject.toml's table.
        (
            {
                ".isort.cfg": "[settings]\nprofile=black\n",
                "pyproject.toml": '[tool.isort]\nprofile = "google"\n',
            },
            config(ISORT_5),
            ".isort.cfg",
        ),
        ({"pyproject.toml": BLACK_PYPROJECT}, "repos: []\n", None),
    ],
)
def test_the_file_to_split_in(
    tmp_path: Path, files: dict[str, str], hooks: str, expected: str | None
) -> None:
    assert splitting_file(write(tmp_path, files), hooks) == expected


def test_the_setting_goes_first_in_isorts_section_and_nothing_else_changes() -> None:
    text = BLACK_PYPROJECT + "\n[tool.black]\nline-length = 100\n"

    split = with_split_setting(text, "pyproject.toml")

    settings = tomllib.loads(split)["tool"]
    assert settings["isort"] == {
        "split_on_trailing_comma": True,
        "profile": "black",
        "line_length": 100,
    }
    assert settings["black"] == {"line-length": 100}
    assert split == text.replace("[tool.isort]\n", f"[tool.isort]\n{COMMENT}\n{SETTING} = true\n")


def test_an_ini_section_keeps_its_crlf_line_endings() -> None:
    text = "[metadata]\r\nname = toxic\r\n\r\n[tool:isort]\r\nline_length = 100\r\n"

    split = with_split_setting(text, "setup.cfg")

    assert "\n" not in split.replace("\r\n", "")
    parser = configparser.RawConfigParser()
    parser.read_string(split)
    assert dict(parser.items("tool:isort")) == {
        "split_on_trailing_comma": "true",
        "line_length": "100",
    }


def test_pyproject_without_isorts_table_gets_one() -> None:
    split = with_split_setting('[project]\nname = "toxic"', "pyproject.toml")

    assert tomllib.loads(split) == {
        "project": {"name": "toxic"},
        "tool": {"isort": {"split_on_trailing_comma": True}},
    }


@pytest.fixture(scope="module")
def isort_5(tmp_path_factory: pytest.TempPathFactory) -> VirtualEnv:
    venv = create_venv(tmp_path_factory.mktemp("isort-5") / "venv")
    venv.pip_install(f"isort=={ISORT_5}")
    return venv


def test_isort_5_agrees_with_the_isort_beside_ml_publish_once_the_setting_is_added(
    tmp_path: Path, isort_5: VirtualEnv
) -> None:
    """adopt's hook baseline runs the isort installed beside ml-publish (6): each template file
    it finds clean, the author's isort 5 hook must leave alone too."""
    project = render(tmp_path, {"project_name": "Toxic Clf", "line_length": "100"})
    (project / "pyproject.toml").write_text(BLACK_PYPROJECT, encoding="utf-8")
    files = sorted(str(path.relative_to(project)) for path in project.rglob("*.py"))
    beside = [file for file in files if isort_check(ISORT_BESIDE, project, file).returncode == 0]
    found = settings_file(project)
    assert found is not None and "toxic_clf/pretrained.py" in beside

    joined = isort_check(isort_5.bin("isort"), project, *beside)
    (project / found[0]).write_text(with_split_setting(BLACK_PYPROJECT, found[0]), "utf-8")
    kept = isort_check(isort_5.bin("isort"), project, *beside)

    assert joined.returncode == 1 and "pretrained.py" in joined.stdout + joined.stderr
    assert kept.returncode == 0, kept.stdout + kept.stderr


def isort_check(isort: Path, project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    return run([isort, "--check-only", "--diff", *files], cwd=project, expect_success=False)
