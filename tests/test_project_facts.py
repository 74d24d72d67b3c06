"""Facts about a project as a whole: its README, version, GitHub repository and release tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.errors import UsageError
from ml_publish.layout.version_source import find_version_source
from ml_publish.project_facts import (
    check_tag,
    current_version,
    readme_path,
    resolve_repository,
)
from tests.support.tiny_repos import GOOD_PACKAGE, GOOD_PYPROJECT, write_repository


def test_the_readme_is_the_one_pyproject_names(tmp_path: Path) -> None:
    pyproject = GOOD_PYPROJECT.replace('readme = "README.md"', 'readme = "README.rst"')
    root = write_repository(tmp_path, {"pyproject.toml": pyproject, "README.rst": "P\n=\n"})

    assert readme_path(root) == root / "README.rst"
    assert readme_path(tmp_path / "empty") == tmp_path / "empty" / "README.md"


def test_the_repository_comes_from_the_option_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_REPOSITORY", "lab/from-ci")

    assert resolve_repository("lab/given", tmp_path) == "lab/given"
    assert resolve_repository(None, tmp_path) == "lab/from-ci"
    with pytest.raises(UsageError, match="is not a GitHub repository"):
        resolve_repository("no-slash", tmp_path)


def test_the_repository_comes_from_pyproject_urls_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    pyproject = GOOD_PYPROJECT.replace("someone/cell-counter", "lab/seg.git")
    root = write_repository(tmp_path, {"pyproject.toml": pyproject})

    assert resolve_repository(None, root) == "lab/seg"


@pytest.mark.parametrize("tag", ["", "v1 .0", "v1..0", "-v1", "v1.lock", "v1:0"])
def test_tags_git_or_a_release_url_refuse(tag: str) -> None:
    with pytest.raises(UsageError, match="is not a usable tag"):
        check_tag(tag)


def test_the_version_written_in_pyproject(tmp_path: Path) -> None:
    root = write_repository(tmp_path, {"pyproject.toml": GOOD_PYPROJECT, **GOOD_PACKAGE})

    assert current_version(root, find_version_source(root)) == "0.1.0"
