"""The bump where the project keeps its version: a static version, a ``__version__`` line, or
git tags, where the tag itself is the bump; and one line for what it cannot bump."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.release import bump
from ml_publish.release.context import ReleaseContext
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.release.state import ReleaseState
from ml_publish.weights.init_registry import apply_init, plan_init
from ml_publish.weights.project import open_project
from ml_publish.weights.registration import add_weights
from tests.support.layout_repos import SHAPES, SRC_RUFF, commit_all, shape_files, write_shape
from tests.support.releases import GIT_IDENTITY, git

REPOSITORY = "someone/leaf-seg"


@pytest.fixture(autouse=True)
def identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)


def project(
    tmp_path: Path, name: str, changes: dict[str, str | bytes | None] | None = None
) -> Path:
    """A shape with the weights registry added and committed."""
    root = write_shape(tmp_path / name, SHAPES[name], changes)
    apply_init(plan_init(root))
    commit_all(root, "Add the weights registry")
    return root


def context(root: Path, weights: list[str], said: list[str]) -> ReleaseContext:
    state = ReleaseState("0.4.0", "v0.4.0", "0.3.0", "main", REPOSITORY, "local", True, True)
    state.weights = weights
    return ReleaseContext(root, open_project(root), ReleaseSettings(), state, say=said.append)


def test_with_git_tags_and_nothing_pending_the_tag_alone_is_the_bump(tmp_path: Path) -> None:
    root = project(tmp_path, SRC_RUFF)
    head = git(root, "rev-parse", "HEAD")
    said: list[str] = []
    ctx = context(root, [], said)

    assert bump.current_version(ctx.project) == "0.3.0"
    assert bump.plan(ctx) == [
        "take the version from git tags (hatch-vcs): the tag v0.4.0 is the bump (0.3.0 -> 0.4.0)",
        "tag HEAD v0.4.0 (annotated); nothing to commit",
    ]
    bump.bump(ctx)
    bump.bump(ctx)  # resumed: nothing more to do

    assert git(root, "rev-parse", "HEAD") == head == git(root, "rev-parse", "v0.4.0^{commit}")
    assert git(root, "status", "--porcelain") == ""
    assert said[0] == "    git tags make the version: the tag v0.4.0 is the bump, nothing to commit"


def test_with_git_tags_the_release_commit_holds_only_the_weights(tmp_path: Path) -> None:
    root = project(tmp_path, SRC_RUFF)
    (tmp_path / "best.pth").write_bytes(os.urandom(5_000))
    add_weights(root, tmp_path / "best.pth", name="leaf_unet", repository=REPOSITORY)
    commit_all(root, "Register the weights")

    bump.bump(context(root, ["leaf_unet"], []))

    changed = git(root, "show", "--name-only", "--format=%s", "v0.4.0^{commit}")
    assert changed.splitlines() == ["Release v0.4.0", "", "README.md", "src/leaf_seg/weights.json"]


@pytest.mark.parametrize(
    ("name", "where", "line"),
    [
        ("flat-uv_build-static-black-flake8", "pyproject.toml", 'version = "0.4.0"'),
        ("flat-hatchling-dunder-black-flake8", "leaf_seg/__init__.py", '__version__ = "0.4.0"'),
        ("src-setup.cfg-dunder-black-flake8", "src/leaf_seg/__init__.py", '__version__ = "0.4.0"'),
    ],
)
def test_a_written_version_is_bumped_where_it_is_written(
    tmp_path: Path, name: str, where: str, line: str
) -> None:
    root = project(tmp_path, name)
    ctx = context(root, [], [])

    assert bump.plan(ctx)[0] == f"set the version 0.3.0 -> 0.4.0 in {where}"
    bump.bump(ctx)

    assert line in (root / where).read_text()
    changed = git(root, "show", "--name-only", "--format=%s", "v0.4.0^{commit}")
    assert changed.splitlines() == ["Release v0.4.0", "", where]


def test_what_it_cannot_bump_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "flat-setuptools-static-black-flake8"
    pyproject = str(shape_files(SHAPES[name])["pyproject.toml"]).replace(
        'version = "0.3.0"',
        'dynamic = ["version"]\n\n[tool.setuptools.dynamic]\nversion = { file = "VERSION" }',
        1,
    )
    root = project(tmp_path, name, {"pyproject.toml": pyproject, "VERSION": "0.3.0\n"})

    code = main(["release", "-C", str(root), "--bump", "minor", "--dry-run", "--no-github"])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (2, 1)
    assert err == (
        "ml-publish: error: ml-publish release cannot bump the version: the version is read "
        "from VERSION (a version file); write it as a static [project] version or a "
        "__version__ line, or take it from git tags (setuptools-scm, hatch-vcs)\n"
    )


def test_git_tags_before_the_first_release_start_at_zero(tmp_path: Path) -> None:
    root = project(tmp_path, SRC_RUFF)
    git(root, "tag", "--delete", "v0.3.0")

    assert bump.current_version(open_project(root)) == "0.0.0"


CITED = 'cff-version: 1.2.0\nmessage: "Cite it."\ntitle: "Leaf segmentation"\n' + (
    'authors:\n  - family-names: "Doe"\nversion: "0.3.0"\ndate-released: "2020-01-31"\n'
)
# 2026-02-03 12:00 UTC, as the release's clock says it.
RELEASE_TIME = 1770120000.0


def test_the_release_commit_cites_the_new_version_and_its_doi(tmp_path: Path) -> None:
    name = "flat-hatchling-dunder-black-flake8"
    root = project(tmp_path, name, {"CITATION.cff": CITED})
    said: list[str] = []
    ctx = context(root, [], said)
    ctx = ReleaseContext(
        root, ctx.project, ReleaseSettings(doi="https://doi.org/10.5281/zenodo.42"), ctx.state
    )
    ctx.clock = lambda: RELEASE_TIME

    assert bump.plan(ctx)[1] == (
        "set version 0.4.0, date-released and doi 10.5281/zenodo.42 (and the README's DOI "
        "badge) in CITATION.cff"
    )
    bump.bump(ctx)

    changed = git(root, "show", "--name-only", "--format=%s", "v0.4.0^{commit}")
    assert changed.splitlines() == [
        "Release v0.4.0",
        "",
        "CITATION.cff",
        "README.md",
        "leaf_seg/__init__.py",
    ]
    assert (
        git(root, "show", "v0.4.0:CITATION.cff")
        == CITED.replace("0.3.0", "0.4.0").replace("2020-01-31", "2026-02-03")
        + 'doi: "10.5281/zenodo.42"'
    )
    readme = git(root, "show", "v0.4.0:README.md").splitlines()
    badge = "[![DOI](https://zenodo.org/badge/DOI/10.5281/zenodo.42.svg)]"
    assert readme[:3] == ["# Leaf segmentation", "", badge + "(https://doi.org/10.5281/zenodo.42)"]


def test_a_citation_without_a_version_stays_unversioned(tmp_path: Path) -> None:
    root = project(tmp_path, "flat-hatchling-dunder-black-flake8")
    before = (root / "CITATION.cff").read_text()

    bump.bump(context(root, [], []))

    assert git(root, "show", "v0.4.0:CITATION.cff") + "\n" == before


def test_a_bad_doi_is_refused_in_one_line_before_anything_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "flat-hatchling-dunder-black-flake8", {"CITATION.cff": CITED})
    head = git(root, "rev-parse", "HEAD")

    code = main(["release", "-C", str(root), "--bump", "minor", "--no-github", "--doi", "zenodo"])

    assert (code, capsys.readouterr().err) == (
        2,
        "ml-publish: error: --doi takes a DOI like 10.5281/zenodo.1234567, not 'zenodo'\n",
    )
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "status", "--porcelain") == ""
