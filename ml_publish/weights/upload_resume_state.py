"""What an interrupted ``weights upload`` had finished, kept in ``.ml-publish/state.json``.

A re-run reads it to go straight back to the release it was filling (a draft cannot be found
by its tag) and to trust the assets it uploaded and verified itself.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

STATE_FILE = Path(".ml-publish") / "state.json"
STATE_FORMAT = 1


def write_json_atomically(path: Path, document: object) -> None:
    """Write ``document`` as JSON to ``path`` (creating its directory) in one step.

    A crash mid-write leaves the previous file, not half a file: the state files of
    ``.ml-publish/`` are read back by the run that resumes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


@dataclass(frozen=True)
class CompletedUpload:
    """An asset uploaded and verified: its id and the SHA-256 it was checked against."""

    asset_id: int
    sha256: str


@dataclass
class UploadState:
    """The release being filled for one repository and tag, and the assets done so far."""

    path: Path
    repository: str
    tag: str
    release_id: int | None = None
    completed: dict[str, CompletedUpload] = field(default_factory=dict)

    @classmethod
    def load(cls, project_root: Path, repository: str, tag: str) -> UploadState:
        """The saved state for this repository and tag, or a fresh one.

        A damaged or foreign file is ignored: without it a re-run only checks more.
        """
        state = cls(project_root / STATE_FILE, repository, tag)
        try:
            document = json.loads(state.path.read_text(encoding="utf-8"))
            if (
                document["format"] != STATE_FORMAT
                or (document["repository"], document["tag"]) != (repository, tag)
                or not isinstance(document["release_id"], int)
            ):
                return state
            state.release_id = document["release_id"]
            state.completed = {
                str(name): CompletedUpload(int(done["asset_id"]), str(done["sha256"]))
                for name, done in document["assets"].items()
            }
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return cls(state.path, repository, tag)
        return state

    def remember_release(self, release_id: int) -> None:
        """Record the release being filled; assets recorded for another release are forgotten."""
        if release_id != self.release_id:
            self.release_id = release_id
            self.completed.clear()
            self.save()

    def record(self, file_name: str, asset_id: int, sha256: str) -> None:
        """Record an asset as uploaded and verified, at once, so a crash right after keeps it."""
        done = CompletedUpload(asset_id, sha256)
        if self.completed.get(file_name) != done:
            self.completed[file_name] = done
            self.save()

    def verified_sha256(self, asset_id: int) -> str | None:
        """The SHA-256 this asset was verified against by an earlier run, if any."""
        return next((d.sha256 for d in self.completed.values() if d.asset_id == asset_id), None)

    def save(self) -> None:
        document = {
            "format": STATE_FORMAT,
            "repository": self.repository,
            "tag": self.tag,
            "release_id": self.release_id,
            "assets": {
                name: {"asset_id": done.asset_id, "sha256": done.sha256}
                for name, done in self.completed.items()
            },
        }
        write_json_atomically(self.path, document)

    def clear(self) -> None:
        """Forget everything: the release is published and the registry says so."""
        self.path.unlink(missing_ok=True)
