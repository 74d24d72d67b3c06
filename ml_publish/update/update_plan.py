"""An update's plan: every file's change, the answers added, and how it reads when printed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ml_publish.update.files import CONFLICT, KEEP, FileChange

PYPROJECT = "pyproject.toml"


@dataclass(frozen=True)
class UpdatePlan:
    """What ``update`` does to the project at ``root`` to go from ``base`` to ``target``.

    ``finishing``: the conflicts of an earlier run are to be resolved by now, and the plan only
    records the version (``remaining`` lists the conflict markers still there, if any).
    """

    root: Path
    base: str
    target: str
    changes: tuple[FileChange, ...] = ()
    new_answers: dict[str, str] = field(default_factory=dict)
    kept: tuple[str, ...] = ()
    finishing: bool = False
    remaining: tuple[str, ...] = ()

    @property
    def conflicts(self) -> list[str]:
        return [change.path for change in self.changes if change.action == CONFLICT]

    @property
    def writes(self) -> list[FileChange]:
        return [change for change in self.changes if change.writes]

    @property
    def failed(self) -> bool:
        """Whether the run leaves conflict markers, so the version is not recorded."""
        return bool(self.conflicts or self.remaining)

    def describe(self) -> str:
        """The plan as printed before anything is written: one line per file."""
        if self.finishing:
            return self.describe_finishing()
        if not self.changes:
            return (
                f"The project is up to date with the template of ml-publish {self.target}: "
                "nothing to change."
            )
        heading = f"Update from the template of ml-publish {self.base} to {self.target}"
        if self.base == self.target:
            heading = f"Update with the template of ml-publish {self.target}"
        lines = [f"{heading}:"]
        lines += [change.describe() for change in self.changes]
        if self.new_answers:
            lines.append("Answers to the template's new questions:")
            lines += [f"  {name} = {value!r}" for name, value in self.new_answers.items()]
        if self.kept:
            lines.append(f"{PYPROJECT}, where you and the template both changed a key:")
            lines += [f"  {note}" for note in self.kept]
        return "\n".join(lines)

    def describe_finishing(self) -> str:
        if self.remaining:
            return (
                f"The update to the template of ml-publish {self.target} still has conflict "
                f"markers in:\n" + "\n".join(f"  {where}" for where in self.remaining)
            )
        return (
            f"The conflicts of the update to ml-publish {self.target} are resolved:\n"
            + "\n".join(change.describe() for change in self.changes)
        )

    def diff(self) -> str:
        """The unified diffs of every file the update writes (what ``--dry-run`` shows)."""
        return "".join(change.diff() for change in self.changes)

    def report(self) -> str:
        """What the update did, once applied, and what is left to do."""
        if self.remaining:
            return "Resolve them, then run ml-publish update again."
        if self.failed:
            return (
                f"{len(self.conflicts)} file(s) have conflicts, marked inline between "
                f"<<<<<<< and >>>>>>>: {', '.join(self.conflicts)}. Resolve them, then run "
                f"ml-publish update again to record the template of ml-publish {self.target}."
            )
        kept = sum(change.action == KEEP for change in self.changes)
        return (
            f"Recorded the template of ml-publish {self.target} in {PYPROJECT}; "
            f"{len(self.writes)} file(s) written, {kept} kept. Review with git diff, then commit."
        )
