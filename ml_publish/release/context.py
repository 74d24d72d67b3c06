"""What every release step works with: the project, the options, the state, and the outside."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ml_publish import index
from ml_publish.digests import FileIdentity
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.release.state import ReleaseState
from ml_publish.terminal import Display
from ml_publish.weights.project import Project

DIST_DIR = Path(".ml-publish") / "dist"
REMOTE = "origin"


@dataclass
class ReleaseContext:
    root: Path
    project: Project
    options: ReleaseSettings
    state: ReleaseState
    say: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    # Where progress is drawn: bars and step times on a terminal, nothing elsewhere.
    display: Display = field(default_factory=Display)
    # Staged weights this run hashed and found to hold their registered bytes, with each file's
    # identity then: a later step sending one unchanged need not read it twice.
    verified_files: dict[Path, FileIdentity] = field(default_factory=dict)

    @property
    def dist_dir(self) -> Path:
        if self.options.dist_dir:
            return Path(self.options.dist_dir)
        return self.root / DIST_DIR

    @property
    def upload_url(self) -> str | None:
        return self.options.repository_url

    @property
    def simple_url(self) -> str:
        if self.options.index_url:
            return self.options.index_url
        return index.simple_index_url(self.options.repository_url or index.PYPI_UPLOAD_URL)

    def note(self, line: str) -> None:
        """Say ``line``, indented under its step's heading."""
        self.say(f"    {line}")


class Paused(Exception):
    """A step stopped on purpose, leaving the rest to the next run; the message says when."""


@dataclass(frozen=True)
class Step:
    """One step of a release: its name in the state file, what it does, and how."""

    name: str
    title: str
    run: Callable[[ReleaseContext], None]
    plan: Callable[[ReleaseContext], list[str]]
