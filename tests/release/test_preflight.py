"""Preflight: bad input and unready projects stop with one clear error, exit 2, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.weights.registration import add_weights
from tests.support.releases import REPOSITORY as REPO
from tests.support.releases import ReleaseWorld, git

Arrange = Callable[[ReleaseWorld, pytest.MonkeyPatch], None]


def cli(world: ReleaseWorld, *words: str) -> int:
    return main(world.cli_words(*words))


def nothing(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    pass


def dirty_tree(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    (world.root / "notes.txt").write_text("try a larger learning rate\n")


def existing_tag(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    git(world.root, "tag", "v0.1.1")


def tag_on_origin(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    git(world.root, "tag", "v0.1.1")
    git(world.root, "push", "--quiet", "origin", "v0.1.1")
    git(world.root, "tag", "-d", "v0.1.1")


def no_github_token(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GH_TOKEN")


def no_index_password(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWINE_PASSWORD")
    monkeypatch.setenv("HOME", str(world.root.parent))


def other_branch(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    git(world.root, "checkout", "--quiet", "-b", "experiment")


def stale_staged_weights(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    staged = next((world.root / ".ml-publish" / "weights").iterdir())
    staged.write_bytes(b"\0" * staged.stat().st_size)


def too_many_assets(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """A weight in 997 parts: with the two others and the dists, 1,001 release assets."""
    (world.root / "huge.pth").write_bytes(bytes(997))
    add_weights(world.root, world.root / "huge.pth", name="huge", part_size=1, repository=REPO)
    (world.root / "huge.pth").unlink()
    git(world.root, "commit", "--quiet", "--all", "--message", "Add a weight in 997 parts")


def version_taken_on_index(world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    other = world.root.parent / "leaf_counter-0.1.1-py3-none-any.whl"
    other.write_bytes(b"someone else's wheel")
    world.index.add_file(other)


CASES: list[tuple[str, Arrange, list[str], str]] = [
    ("lower version", nothing, ["--version", "0.0.9"], "not greater than the current 0.1.0"),
    ("same version", nothing, ["--version", "0.1.0"], "not greater than the current 0.1.0"),
    ("invalid version", nothing, ["--version", "one.two"], "not a valid version (PEP 440)"),
    ("local version", nothing, ["--version", "0.2.0+cu121"], "local part (+cu121)"),
    ("bump and version", nothing, ["--bump", "minor", "--version", "0.2.0"], "not both"),
    ("no version", nothing, [], "choose the new version"),
    ("dirty tree", dirty_tree, ["--bump", "patch"], "uncommitted changes (notes.txt)"),
    ("existing tag", existing_tag, ["--bump", "patch"], "tag v0.1.1 already exists;"),
    ("tag on origin", tag_on_origin, ["--bump", "patch"], "already exists on origin"),
    ("no GitHub token", no_github_token, ["--bump", "patch"], "no GitHub token: set GH_TOKEN"),
    ("no index password", no_index_password, ["--bump", "patch"], "no credentials for http"),
    ("other branch", other_branch, ["--bump", "patch"], "not main; switch to main"),
    ("stale weights", stale_staged_weights, ["--bump", "patch"], "no longer matches"),
    ("version on index", version_taken_on_index, ["--bump", "patch"], "bump the version"),
    ("too many assets", too_many_assets, ["--bump", "patch"], "the release would hold 1001 assets"),
]


@pytest.mark.parametrize(
    ("arrange", "words", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_stops_with_one_line_and_writes_nothing(
    release_world: ReleaseWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arrange: Arrange,
    words: list[str],
    expected: str,
) -> None:
    world = release_world
    arrange(world, monkeypatch)
    before = world.snapshot(), git(world.root, "status", "--porcelain", "--ignored")

    assert cli(world, *words) == 2

    err = capsys.readouterr().err
    assert expected in err
    assert len(err.strip().splitlines()) == 1, err
    assert (world.snapshot(), git(world.root, "status", "--porcelain", "--ignored")) == before
    assert not (world.root / ".ml-publish" / "release.json").exists()
    assert {request.method for request in world.gh.requests} <= {"GET"}
    assert world.index.uploads == []


def test_every_problem_is_named_at_once(
    release_world: ReleaseWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    dirty_tree(release_world, pytest.MonkeyPatch())
    existing_tag(release_world, pytest.MonkeyPatch())
    assert cli(release_world, "--bump", "patch") == 2
    err = capsys.readouterr().err
    assert "uncommitted changes" in err and "tag v0.1.1 already exists" in err


def test_allow_branch_releases_from_another_branch(
    release_world: ReleaseWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    other_branch(release_world, pytest.MonkeyPatch())
    assert cli(release_world, "--bump", "patch", "--allow-branch", "--dry-run") == 0
    assert "Nothing was written." in capsys.readouterr().out


def test_a_release_under_way_refuses_another_version(
    release_world: ReleaseWorld, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    release_world.index.fail_uploads(times=5)
    assert cli(release_world, "--bump", "patch") == 1
    capsys.readouterr()
    assert cli(release_world, "--bump", "minor") == 2
    assert "the release of v0.1.1 is under way" in capsys.readouterr().err


def test_a_dry_run_shows_the_plan_and_then_what_would_stop_the_release(
    release_world: ReleaseWorld,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    no_github_token(release_world, monkeypatch)
    assert cli(release_world, "--bump", "patch", "--dry-run") == 2
    out, err = capsys.readouterr()
    assert "[2/8] Bump the version" in out and "Nothing was written." in out
    assert "no GitHub token" in err
    assert not (release_world.root / ".ml-publish" / "release.json").exists()
