"""ml-publish holds itself to the standard it sets: black, flake8 and strict mypy pass."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.processes import run

REPOSITORY = Path(__file__).resolve().parent.parent


def test_black_finds_nothing_to_reformat() -> None:
    run([sys.executable, "-m", "black", "--check", "."], cwd=REPOSITORY)


def test_flake8_reports_nothing() -> None:
    run([sys.executable, "-m", "flake8"], cwd=REPOSITORY)


def test_mypy_strict_passes() -> None:
    run([sys.executable, "-m", "mypy"], cwd=REPOSITORY)


def test_pre_commit_configs_are_valid() -> None:
    run([sys.executable, "-m", "pre_commit", "validate-config"], cwd=REPOSITORY)


def test_ml_publish_check_passes_on_itself() -> None:
    result = run([sys.executable, "-m", "ml_publish", "check", "--format", "json"], cwd=REPOSITORY)

    assert '"fail": 0' in result.stdout
