"""The progress of one release, kept in ``.ml-publish/release.json`` so a re-run resumes.

Each step is recorded the moment it finishes; the file is replaced in one step, so a crash
leaves either the old progress or the new, never half a file. It is deleted when the release
is complete.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ml_publish.errors import UsageError
from ml_publish.weights.upload_resume_state import write_json_atomically

RELEASE_STATE_FILE = Path(".ml-publish") / "release.json"
STATE_FORMAT = 1


@dataclass
class ReleaseState:
    """What this release is and which of its steps are done."""

    version: str
    tag: str
    previous_version: str
    branch: str | None
    repository: str | None
    publish: str
    github: bool
    pypi: bool
    # The weights this release publishes, by registry name, chosen when the version is bumped.
    weights: list[str] = field(default_factory=list)
    # The built distributions by file name, with their SHA-256.
    dists: dict[str, str] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    # The Hugging Face Hub repository the weights go to as well ("owner/name"), if any.
    huggingface: str | None = None

    @classmethod
    def load(cls, project_root: Path) -> ReleaseState | None:
        """The release in progress in this project, if any."""
        path = project_root / RELEASE_STATE_FILE
        if not path.is_file():
            return None
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if document.pop("format") != STATE_FORMAT:
                raise ValueError("unknown format")
            return cls(**document)
        except (ValueError, TypeError, KeyError, AttributeError):
            raise UsageError(
                f"{path} is damaged; if no release is under way, delete it and run again"
            ) from None

    @property
    def finishing(self) -> bool:
        """Whether this run finishes a pushed tag's release inside the Release workflow."""
        return self.branch is None

    def is_done(self, step: str) -> bool:
        return step in self.done

    def mark_done(self, project_root: Path, step: str) -> None:
        if step not in self.done:
            self.done.append(step)
        self.save(project_root)

    def save(self, project_root: Path) -> None:
        path = project_root / RELEASE_STATE_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        # The directory ignores itself, so progress and dists never make the tree dirty.
        ignore_all = path.parent / ".gitignore"
        if not ignore_all.exists():
            ignore_all.write_text("*\n", encoding="utf-8")
        write_json_atomically(path, {"format": STATE_FORMAT, **asdict(self)})

    @staticmethod
    def clear(project_root: Path) -> None:
        (project_root / RELEASE_STATE_FILE).unlink(missing_ok=True)
