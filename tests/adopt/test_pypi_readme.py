"""A README PyPI cannot render as reStructuredText: declared plain text, the README kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ml_publish.adopt.adoption import adopt
from ml_publish.adopt.pypi_readme import DeclarePlainReadme, readme_problem, with_plain_readme
from tests.support.abandoned_metadata import RAW_HTML_README
from tests.support.abandoned_repos import write_abandoned_repository

PYPROJECT = '[project]\nname = "petals"\nreadme = "README.rst"\n\n[tool.black]\nline-length = 100\n'
RENDERS = "Petals\n======\n\nSegments petals.\n"


def test_a_readme_pypi_renders_needs_nothing() -> None:
    assert readme_problem("README.rst", RENDERS, PYPROJECT, None) is None
    assert readme_problem("README.md", "<p align='center'>logo</p>\n", PYPROJECT, None) is None


def test_a_raw_directive_is_named_with_its_line() -> None:
    operation = readme_problem("README.rst", RAW_HTML_README, PYPROJECT, None)

    assert operation == DeclarePlainReadme("README.rst", 'line 4: "raw" directive disabled.')


def test_a_readme_declared_plain_already_is_left_alone() -> None:
    plain = PYPROJECT.replace(
        'readme = "README.rst"', 'readme = { file = "README.rst", content-type = "text/plain" }'
    )

    assert readme_problem("README.rst", RAW_HTML_README, plain, None) is None
    assert with_plain_readme(plain, "README.rst") == plain


def test_the_pyproject_names_the_same_file_as_plain_text() -> None:
    changed = with_plain_readme(PYPROJECT, "README.rst")

    assert changed == (
        '[project]\nname = "petals"\nreadme = {file = "README.rst", content-type = "text/plain"}\n'
        "\n[tool.black]\nline-length = 100\n"
    )
    assert with_plain_readme(changed, "README.rst") == changed


def test_adopt_keeps_the_readme_and_declares_it_plain(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "flower-seg", ["readme-rst-raw-html"])

    adoption = adopt(root, answers={"license": "MIT"})

    assert (root / "README.rst").read_text().startswith(RAW_HTML_README.rstrip())
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert project["readme"] == {"file": "README.rst", "content-type": "text/plain"}
    assert adoption.plan.needs_a_person[-1] == (
        'README.rst will not render on PyPI (line 4: "raw" directive disabled.): [project] '
        "readme declares it text/plain, so the release passes twine check; fix that and remove "
        "the content-type to have PyPI render it"
    )
