"""The conflict-marker baseline: files committed with markers before adopt, recorded.

An author's ``train.py.orig`` leftovers or a half-resolved file would fail TPL103 (and the
template's check-merge-conflict hook) on day one. Like the lint baselines, each such file is
recorded in ``[tool.ml-publish.check.conflict-markers]`` with the number of conflicts it has
today, so TPL103 passes for them and still fails on new markers; the hook baseline keeps
check-merge-conflict off the same files.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.items import Table

from ml_publish.adopt.merge import tidy_toml
from ml_publish.conflict_markers import BASELINE_KEY, conflict_lines, text_of

COMMENT = "Files committed with conflict markers before ml-publish adopt: resolve, then remove."


def conflicted_files(root: Path, paths: list[str]) -> dict[str, int]:
    """The files among ``paths`` with conflict markers, and how many conflicts each has."""
    found = {}
    for path in paths:
        file = root / path
        if not file.is_file() or file.is_symlink():
            continue
        data = file.read_bytes()
        text = text_of(data) if b"<<<<<<<" in data else None
        count = len(conflict_lines(text or ""))
        if count:
            found[path] = count
    return found


def write_conflict_baseline(root: Path, legacy_files: list[str]) -> dict[str, int]:
    """Record the legacy files with conflict markers in pyproject.toml (none: no table)."""
    found = conflicted_files(root, legacy_files)
    pyproject = root / "pyproject.toml"
    document = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    tool = document.get("tool")
    ours = tool.get("ml-publish") if isinstance(tool, Table) else None
    check = ours.get("check") if isinstance(ours, Table) else None
    if not found and not (isinstance(check, Table) and BASELINE_KEY in check):
        return found
    if not isinstance(check, Table):
        check = tomlkit.table()
        document.setdefault("tool", tomlkit.table()).setdefault(
            "ml-publish", tomlkit.table()
        ).append("check", check)
    check.pop(BASELINE_KEY, None)
    if found:
        table = tomlkit.table()
        table.add(tomlkit.comment(COMMENT))
        for path, count in sorted(found.items()):
            table.add(path, count)
        check.append(BASELINE_KEY, table)
    pyproject.write_text(tidy_toml(tomlkit.dumps(document)), encoding="utf-8")
    return found
