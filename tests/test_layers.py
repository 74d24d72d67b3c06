"""The layout's one rule, imports point down, holds: import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.processes import run

REPOSITORY = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_imports_point_down() -> None:
    contracts = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    declared = len(contracts["tool"]["importlinter"]["contracts"])

    result = run([LINT_IMPORTS], cwd=REPOSITORY)

    assert declared >= 3
    assert f"Contracts: {declared} kept, 0 broken." in result.stdout


DOWN = "Imports point down"
INDEPENDENT = "Commands are independent"
NOT_ADOPT = "update reads repositories as adopt does, without importing adopt"


@pytest.mark.parametrize(
    ("module", "upward_import", "contract"),
    [
        ("weights/registry.py", "from ml_publish.commands import weights", DOWN),
        ("checks/report.py", "from ml_publish.release import pipeline", DOWN),
        ("git.py", "from ml_publish.weights import registry", DOWN),
        ("release/bump.py", "from ml_publish.adopt import plan", DOWN),
        ("commands/check.py", "from ml_publish.commands import release", INDEPENDENT),
        ("update/record.py", "from ml_publish.adopt import merge", NOT_ADOPT),
    ],
)
def test_an_upward_or_sideways_import_breaks_a_contract(
    tmp_path: Path, module: str, upward_import: str, contract: str
) -> None:
    shutil.copytree(REPOSITORY / "ml_publish", tmp_path / "ml_publish")
    shutil.copy(REPOSITORY / "pyproject.toml", tmp_path)
    source = tmp_path / "ml_publish" / module
    source.write_text(f"{upward_import}\n{source.read_text(encoding='utf-8')}", encoding="utf-8")

    result = run([LINT_IMPORTS], cwd=tmp_path, expect_success=False)

    assert result.returncode == 1
    assert any(
        line.startswith(contract) and line.endswith("BROKEN") for line in result.stdout.splitlines()
    ), result.stdout
