"""Facts about a project: which file is its README, the one the weights table lives in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml_publish.weights.project import (
    declared_readme,
    first_readme_variant,
    open_project,
    readme_name,
    readme_suffix,
)
from ml_publish.weights.refresh import refresh_tables
from ml_publish.weights.table import RST_END_MARKER, RST_START_MARKER
from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, weight_entry, write_repository


@pytest.mark.parametrize(
    ("name", "suffix"),
    [
        ("README.md", ".md"),
        ("readme.md", ".md"),
        ("README.MD", ".md"),
        ("Readme.rst", ".rst"),
        ("README.txt", ".txt"),
        ("README", ""),
        ("README.html", None),
        ("READ_ME.md", None),
        ("notes.md", None),
    ],
)
def test_readme_variants_in_any_case(name: str, suffix: str | None) -> None:
    assert readme_suffix(name) == suffix


def test_markdown_is_preferred_then_rst_then_plain_text() -> None:
    assert first_readme_variant(["README", "README.txt", "Readme.rst", "setup.py"]) == "Readme.rst"
    assert first_readme_variant(["README.rst", "readme.md"]) == "readme.md"
    assert first_readme_variant(["README", "README.txt"]) == "README.txt"
    assert first_readme_variant(["setup.py"]) is None


def test_pyproject_names_the_readme_as_a_path_or_a_table() -> None:
    assert declared_readme("README.rst") == "README.rst"
    assert declared_readme({"file": "README", "content-type": "text/plain"}) == "README"
    assert declared_readme({"text": "inline", "content-type": "text/plain"}) is None
    assert declared_readme(None) is None


def test_the_declared_readme_wins_when_it_exists(tmp_path: Path) -> None:
    write_repository(tmp_path, {"README.md": "# P\n", "docs/README.rst": "P\n=\n"})

    assert readme_name(tmp_path, "docs/README.rst") == "docs/README.rst"
    assert readme_name(tmp_path, {"file": "missing.md"}) == "README.md"
    assert readme_name(tmp_path / "missing") is None


def rst_project(root: Path, readme: str) -> Path:
    pyproject = GOOD_PYPROJECT.replace('readme = "README.md"', f'readme = "{readme}"')
    registry = json.dumps({"format": 1, "weights": [weight_entry("unet", b"unet weights")]})
    table = f"Weights\n-------\n\n{RST_START_MARKER}\n\n{RST_END_MARKER}\n"
    files = {**GOOD_PACKAGE, "cell_counter/weights.json": registry, "pyproject.toml": pyproject}
    return write_repository(root, {**files, readme: f"P\n=\n\n{table}", "README.md": "# Old\n"})


def test_the_weights_table_lands_in_the_readme_pyproject_names(tmp_path: Path) -> None:
    root = rst_project(tmp_path, "README.rst")

    assert open_project(root).readme == root / "README.rst"
    assert refresh_tables(root) == ["README.rst"]
    assert "   * - ``unet``" in (root / "README.rst").read_text()
    assert (root / "README.md").read_text() == "# Old\n"
