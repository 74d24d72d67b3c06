"""Which file is a project's README, in any case and markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.readmes import declared_readme, first_readme_variant, readme_name, readme_suffix
from tests.support.tiny_repos import write_repository


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
