"""What the checks read: YAML only ever through a safe loader, so a file cannot run code."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import ml_publish
from ml_publish.checks.facts import RepositoryFacts, UnreadableFile
from tests.support.processes import run
from tests.support.readme_repos import write_committed
from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, write_repository

PACKAGE = Path(ml_publish.__file__).parent
# The yaml names ml-publish may use: the safe loaders, their error, and yaml.load only where
# it is given one of them (checks/facts.py: load_yaml).
ALLOWED = {"safe_load", "safe_load_all", "safe_dump", "SafeLoader", "CSafeLoader", "YAMLError"}
LOAD_WITH_SAFE_LOADER = {PACKAGE / "checks" / "facts.py"}


def python_tag(marker: Path) -> str:
    """YAML that runs ``touch marker`` when read by an unsafe loader."""
    return f'!!python/object/apply:os.system ["touch {marker}"]'


def test_python_tags_in_pre_commit_and_workflow_files_do_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    repository = write_repository(
        tmp_path / "repository",
        {
            "pyproject.toml": GOOD_PYPROJECT,
            **GOOD_PACKAGE,
            ".pre-commit-config.yaml": f"repos: {python_tag(marker)}\n",
            ".github/workflows/ci.yml": f"on: push\njobs: {python_tag(marker)}\n",
        },
    )

    result = run([sys.executable, "-m", "ml_publish", "check", repository], expect_success=False)

    assert not marker.exists()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    facts = RepositoryFacts(repository)
    for name in (".pre-commit-config.yaml", ".github/workflows/ci.yml"):
        with pytest.raises(UnreadableFile, match="is not valid YAML"):
            facts.yaml(name)


def test_a_python_tag_in_environment_yml_does_not_run_when_adopted(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    repository = write_committed(
        tmp_path / "repository",
        {
            "train.py": "print('training')\n",
            "environment.yml": f"dependencies: {python_tag(marker)}\n",
        },
    )

    result = run(
        [sys.executable, "-m", "ml_publish", "adopt", "--dry-run", repository], expect_success=False
    )

    assert not marker.exists()
    assert result.returncode == 0, result.stderr


def yaml_names_used(path: Path) -> set[str]:
    """The attributes of ``yaml`` a module uses (``yaml.safe_load`` gives "safe_load")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "yaml"
    }


def test_ml_publish_reads_yaml_only_with_safe_loaders() -> None:
    used = {path: yaml_names_used(path) for path in PACKAGE.rglob("*.py")}

    unsafe = {
        str(path.relative_to(PACKAGE)): sorted(names - ALLOWED - {"load"})
        for path, names in used.items()
        if names - ALLOWED - ({"load"} if path in LOAD_WITH_SAFE_LOADER else set())
    }
    assert unsafe == {}
    assert any(used.values())  # the scan sees yaml where it is used
