"""The layout's one rule, imports point down, holds: import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.support.processes import run

REPOSITORY = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_imports_point_down() -> None:
    result = run([LINT_IMPORTS], cwd=REPOSITORY)

    assert "Contracts: 2 kept, 0 broken." in result.stdout


DOWN = "Imports point down"
INDEPENDENT = "Commands are independent"


@pytest.mark.parametrize(
    ("module", "upward_import", "contract"),
    [
        ("weights/registry.py", "from ml_publish.commands import weights", DOWN),
        ("checks/report.py", "from ml_publish.release import pipeline", DOWN),
        ("git.py", "from ml_publish.weights import registry", DOWN),
        ("release/bump.py", "from ml_publish.adopt import plan", DOWN),
        ("commands/check.py", "from ml_publish.commands import release", INDEPENDENT),
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


PACKAGE = REPOSITORY / "ml_publish"
MAX_MODULE_LINES = 400


def shared_file_names(package: Path) -> dict[str, list[str]]:
    """Each module file name (``__init__.py`` aside) found more than once under ``package``."""
    where: dict[str, list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        if path.name != "__init__.py":
            where.setdefault(path.name, []).append(path.relative_to(package).as_posix())
    return {name: paths for name, paths in where.items() if len(paths) > 1}


def long_modules(package: Path) -> dict[str, int]:
    """The modules under ``package`` longer than the style's limit, with their line counts."""
    lengths = {
        path.relative_to(package).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(package.rglob("*.py"))
    }
    return {name: lines for name, lines in lengths.items() if lines > MAX_MODULE_LINES}


def test_no_two_modules_share_a_file_name() -> None:
    assert shared_file_names(PACKAGE) == {}


def test_no_module_is_over_the_line_limit() -> None:
    assert long_modules(PACKAGE) == {}


def test_a_shared_file_name_and_a_long_module_are_caught(tmp_path: Path) -> None:
    for name in ("__init__.py", "plan.py", "adopt/__init__.py", "adopt/plan.py", "adopt/long.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "adopt" / "long.py").write_text("x = 1\n" * 401, encoding="utf-8")

    assert shared_file_names(tmp_path) == {"plan.py": ["adopt/plan.py", "plan.py"]}
    assert long_modules(tmp_path) == {"adopt/long.py": 401}
