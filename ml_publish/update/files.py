"""One file's update: what the template did to it (base → theirs), what the project did (base →
ours), and what update writes.

Unchanged by the project → replaced by theirs; changed on both sides → merged by
``git merge-file --diff3``, conflicts left inline; added by the template → created, unless the
project deleted it after rendering (it stays deleted); removed by the template → deleted when
unchanged, else kept. Every decision is plain data, so a dry run is the plan and its diffs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ml_publish import git
from ml_publish.conflict_markers import text_of

REPLACE = "replace"
MERGE = "merge"
CONFLICT = "conflict"
CREATE = "create"
DELETE = "delete"
KEEP = "keep"
REGENERATE = "regenerate"
RECORD = "record"


@dataclass(frozen=True)
class FileChange:
    """What update does to one file: ``after`` is its new content, ``None`` to delete it.

    ``keep`` changes nothing and says why in ``reason``.
    """

    path: str
    action: str
    before: bytes | None
    after: bytes | None
    reason: str = ""
    conflicts: int = 0

    @property
    def writes(self) -> bool:
        return self.action != KEEP and self.before != self.after

    def describe(self) -> str:
        detail = (
            f" ({self.conflicts} conflict{'s' * (self.conflicts > 1)})" if self.conflicts else ""
        )
        reason = f": {self.reason}" if self.reason else ""
        return f"  {self.action:<10} {self.path}{detail}{reason}"

    def diff(self) -> str:
        """The unified diff of what update writes, ``a/`` the project now, ``b/`` after."""
        if not self.writes:
            return ""
        before = text_of(self.before or b"")
        after = text_of(self.after or b"")
        if before is None or after is None:
            return f"Binary file {self.path} {'deleted' if self.after is None else 'changed'}\n"
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile="/dev/null" if self.before is None else f"a/{self.path}",
            tofile="/dev/null" if self.after is None else f"b/{self.path}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def file_change(
    path: str,
    base: bytes | None,
    theirs: bytes | None,
    ours: bytes | None,
    labels: tuple[str, str, str],
) -> FileChange | None:
    """The change update makes to ``path``, or ``None`` when there is nothing to do or say."""
    if base == theirs or ours == theirs:
        return None
    if base is None:
        if ours is None:
            return FileChange(path, CREATE, None, theirs)
        return FileChange(path, KEEP, ours, ours, "new in the template, but yours is kept")
    if theirs is None:
        if ours is None:
            return None
        if ours == base:
            return FileChange(path, DELETE, ours, None)
        return FileChange(path, KEEP, ours, ours, "the template removed it; you changed it")
    if ours is None:
        return FileChange(path, KEEP, None, None, "you deleted it, and it stays deleted")
    if ours == base:
        return FileChange(path, REPLACE, ours, theirs)
    if None in (text_of(base), text_of(theirs), text_of(ours)):
        return FileChange(path, KEEP, ours, ours, "binary, changed on both sides: yours is kept")
    merged, conflicts = git.merge_file(ours, base, theirs, labels)
    if conflicts:
        return FileChange(path, CONFLICT, ours, merged, conflicts=conflicts)
    return FileChange(path, MERGE, ours, merged)
