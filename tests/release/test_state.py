"""The release state file: saved atomically, loaded back, refused when damaged."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.errors import UsageError
from ml_publish.release.state import RELEASE_STATE_FILE, ReleaseState


def a_state() -> ReleaseState:
    return ReleaseState("0.2.0", "v0.2.0", "0.1.0", "main", "o/r", "local", True, True, ["unet"])


def test_steps_are_saved_as_they_finish_and_read_back(tmp_path: Path) -> None:
    state = a_state()
    state.mark_done(tmp_path, "preflight")
    state.dists = {"r-0.2.0.tar.gz": "ab" * 32}
    state.mark_done(tmp_path, "build")
    loaded = ReleaseState.load(tmp_path)
    assert loaded == state
    assert loaded.is_done("build") and not loaded.is_done("pypi")
    # The directory ignores itself, so the work tree stays clean.
    assert (tmp_path / ".ml-publish" / ".gitignore").read_text() == "*\n"
    assert not list((tmp_path / ".ml-publish").glob("*.partial"))
    ReleaseState.clear(tmp_path)
    assert ReleaseState.load(tmp_path) is None


def test_a_damaged_state_file_is_named(tmp_path: Path) -> None:
    (tmp_path / RELEASE_STATE_FILE).parent.mkdir()
    (tmp_path / RELEASE_STATE_FILE).write_text('{"format": 1, "version": ')
    with pytest.raises(UsageError, match="release.json is damaged"):
        ReleaseState.load(tmp_path)
