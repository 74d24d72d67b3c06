"""The layout's one rule, imports point down, holds: import-linter's contracts in pyproject.toml.

Besides the layers, the contracts keep the command line thin: ``cli`` imports only
``commands``, and each command module only its own capability (and the plain facts below).
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import run

REPOSITORY = Path(__file__).resolve().parent.parent
PACKAGE = REPOSITORY / "ml_publish"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def contracts() -> list[dict[str, Any]]:
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = pyproject["tool"]["importlinter"]["contracts"]
    return found


def test_imports_point_down() -> None:
    declared = len(contracts())

    result = run([LINT_IMPORTS], cwd=REPOSITORY)

    assert declared >= 3
    assert f"Contracts: {declared} kept, 0 broken." in result.stdout


DOWN = "Imports point down"
INDEPENDENT = "Commands are independent"
CLI = "cli imports only commands"
NOT_ADOPT = "update reads repositories as adopt does, without importing adopt"


@pytest.mark.parametrize(
    ("module", "upward_import", "contract"),
    [
        ("weights/registry.py", "from ml_publish.commands import weights", DOWN),
        ("checks/report.py", "from ml_publish.release import pipeline", DOWN),
        ("git.py", "from ml_publish.weights import registry", DOWN),
        ("release/bump.py", "from ml_publish.adopt import plan", DOWN),
        ("commands/check.py", "from ml_publish.commands import release", INDEPENDENT),
        ("cli.py", "from ml_publish.errors import UsageError", CLI),
        ("cli.py", "from ml_publish.release import settings", CLI),
        ("commands/release.py", "from ml_publish.weights import registry", "Command release"),
        ("commands/demo.py", "from ml_publish import git", "Command release"),
        ("commands/update.py", "from ml_publish.template import prompts", "Command update"),
        ("commands/weights.py", "from ml_publish.github import GitHub", "Command weights"),
        ("commands/check.py", "from ml_publish.weights import registry", "Command check"),
        ("commands/new.py", "from ml_publish.adopt import plan", "Command new"),
        ("commands/adopt.py", "from ml_publish.update import updating", "Command adopt"),
        ("update/record.py", "from ml_publish.adopt import merge", NOT_ADOPT),
    ],
)
def test_an_upward_or_sideways_import_breaks_a_contract(
    tmp_path: Path, module: str, upward_import: str, contract: str
) -> None:
    shutil.copytree(PACKAGE, tmp_path / "ml_publish")
    shutil.copy(REPOSITORY / "pyproject.toml", tmp_path)
    source = tmp_path / "ml_publish" / module
    source.write_text(f"{upward_import}\n{source.read_text(encoding='utf-8')}", encoding="utf-8")

    result = run([LINT_IMPORTS], cwd=tmp_path, expect_success=False)

    assert result.returncode == 1
    assert any(
        line.startswith(contract) and line.endswith("BROKEN") for line in result.stdout.splitlines()
    ), result.stdout


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


def top_level_modules() -> set[str]:
    """Every module and package directly under ml_publish/, as import-linter names them."""
    names = {path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    names |= {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    return {f"ml_publish.{name}" for name in names}


def plain_facts() -> set[str]:
    """The layers contract's layers below the adapters' (network.py's): what any module may
    import, commands included."""
    (layers,) = [contract["layers"] for contract in contracts() if contract["name"] == DOWN]
    names = [[name.strip() for name in layer.split("|")] for layer in layers]
    adapters = next(i for i, layer in enumerate(names) if "ml_publish.transport" in layer)
    return {name for layer in names[adapters + 1 :] for name in layer}


def test_cli_is_forbidden_every_module_but_commands() -> None:
    (forbidden,) = [c["forbidden_modules"] for c in contracts() if c["name"] == CLI]

    assert top_level_modules() - set(forbidden) == {"ml_publish.cli", "ml_publish.commands"}


def test_each_command_module_is_left_only_the_capability_its_contract_names() -> None:
    capabilities = top_level_modules() - plain_facts()
    capabilities -= {"ml_publish.cli", "ml_publish.commands", "ml_publish.__main__"}
    commands = [c for c in contracts() if c["name"].startswith("Command ")]
    left = {c["name"]: capabilities - set(c["forbidden_modules"]) for c in commands}
    covered = {module for contract in commands for module in contract["source_modules"]}

    assert covered == {f"ml_publish.commands.{p.stem}" for p in PACKAGE.glob("commands/[!_]*.py")}
    assert all(modules for modules in left.values()), left
    assert {
        name: sorted(m for m in modules if m.removeprefix("ml_publish.") not in name)
        for name, modules in left.items()
    } == {name: [] for name in left}
