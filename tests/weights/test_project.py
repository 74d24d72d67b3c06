"""Facts about a project: the README its weights table lives in, where its registry is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml_publish.errors import UsageError
from ml_publish.weights.project import open_project
from ml_publish.weights.refresh import refresh_tables
from ml_publish.weights.table import RST_END_MARKER, RST_START_MARKER
from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, weight_entry, write_repository


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


def test_the_registry_is_in_the_package_the_backend_ships(tmp_path: Path) -> None:
    registry = json.dumps({"format": 1, "weights": []})
    src = {"pyproject.toml": GOOD_PYPROJECT, "src/cell_counter/__init__.py": ""}
    root = write_repository(tmp_path / "src", {**src, "src/cell_counter/weights.json": registry})

    project = open_project(root)

    assert project.registry == root / "src" / "cell_counter" / "weights.json"
    assert project.import_name == "cell_counter"


def test_a_package_without_a_registry_is_pointed_at_weights_init(tmp_path: Path) -> None:
    src = {"pyproject.toml": GOOD_PYPROJECT, "src/cell_counter/__init__.py": ""}
    root = write_repository(tmp_path, src)

    with pytest.raises(UsageError) as raised:
        open_project(root)

    assert str(raised.value) == (
        "no weights.json in src/cell_counter; run ml-publish weights init to add the registry"
    )


def test_a_readme_written_on_windows_keeps_its_crlf_line_endings(tmp_path: Path) -> None:
    root = rst_project(tmp_path, "README.rst")
    readme = root / "README.rst"
    readme.write_bytes(readme.read_bytes().replace(b"\n", b"\r\n"))

    assert refresh_tables(root) == ["README.rst"]
    data = readme.read_bytes()
    assert data.startswith(b"P\r\n=\r\n\r\nWeights\r\n")
    assert b"   * - ``unet``\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert refresh_tables(root) == []  # the weights-table hook changes nothing the next time
