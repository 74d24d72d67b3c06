"""Conflict markers a three-way merge leaves in a text, as git writes them.

A conflict is a ``<<<<<<<`` line, then a ``=======`` line, then a ``>>>>>>>`` line (with
``--diff3``, a ``|||||||`` line before the ``=======``). A ``=======`` line alone is a Markdown
or reStructuredText heading underline, not a conflict.
"""

from __future__ import annotations

import re

# The key of ``[tool.ml-publish.check]`` that lists files committed with conflict markers before
# ml-publish adopt, each with how many conflicts it had: the TPL103 baseline.
BASELINE_KEY = "conflict-markers"
MARKER_SIZE = 7
START = re.compile(r"^<{7}(?: |$)")
MIDDLE = re.compile(r"^={7}$")
END = re.compile(r"^>{7}(?: |$)")
# Larger files are data, not text a person merges.
LARGEST_TEXT_FILE = 2 << 20


def conflict_lines(text: str) -> list[int]:
    """The 1-based line numbers of the ``<<<<<<<`` line of each complete conflict in ``text``."""
    found = []
    start: int | None = None
    middle = False
    for number, line in enumerate(text.splitlines(), start=1):
        if START.match(line):
            start, middle = number, False
        elif start is not None and MIDDLE.match(line):
            middle = True
        elif start is not None and middle and END.match(line):
            found.append(start)
            start, middle = None, False
    return found


def text_of(data: bytes) -> str | None:
    """``data`` as text, or ``None`` when it is binary (a NUL byte) or too large to be merged."""
    if len(data) > LARGEST_TEXT_FILE or b"\0" in data:
        return None
    return data.decode("utf-8", errors="replace")


def baselined(check_table: object) -> dict[str, int]:
    """The TPL103 baseline in ``[tool.ml-publish.check]``: path -> conflicts allowed there."""
    table = check_table.get(BASELINE_KEY) if isinstance(check_table, dict) else None
    if not isinstance(table, dict):
        return {}
    return {str(path): count for path, count in table.items() if isinstance(count, int)}
