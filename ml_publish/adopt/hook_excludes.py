"""The legacy lists in a pre-commit configuration's hook excludes, written and read back as text.

A hook's ``exclude:`` becomes a verbose pattern: the hook's own exclude (if it had one), then
one escaped legacy path a line, under a marker comment::

    - id: codespell
      # Legacy files adopted by ml-publish fail this hook today: fix them, then remove.
      exclude: |
        (?x)^LICENSE$|^(
            README\\.md|
            train\\.py
        )$

The configuration is edited as text, never dumped, so the template's comments and layout stay;
a later run replaces the list, and an empty list gives the hook its own exclude back.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

import yaml

LEGACY_COMMENT = "# Legacy files adopted by ml-publish fail this hook today: fix them, then remove."
VERBOSE = "(?x)"
LIST_START = "^(\n"


def legacy_exclude(original: str, paths: Iterable[str]) -> str:
    """A verbose pattern: the hook's own exclude, or one of the legacy paths, one per line."""
    listed = "".join(f"    {re.escape(path)}|\n" for path in paths).rstrip("|\n")
    before = f"{original}|" if original else ""
    return f"{VERBOSE}{before}{LIST_START}{listed}\n)$"


def split_legacy_exclude(exclude: str) -> tuple[str, tuple[str, ...]]:
    """The hook's own exclude and the escaped legacy paths, from ``legacy_exclude``'s text."""
    if not exclude.startswith(VERBOSE) or LIST_START not in exclude:
        return exclude, ()
    before, _, listed = exclude[len(VERBOSE) :].partition(LIST_START)
    rows = (row.strip() for row in listed.splitlines())
    paths = tuple(row.rstrip("|") for row in rows if row not in ("", ")$"))
    return before.removesuffix("|"), paths


def with_legacy_exclude(text: str, hook_id: str, paths: tuple[str, ...]) -> str:
    """The configuration text with ``hook_id``'s legacy list set to ``paths`` (none: removed).

    The text is edited, not dumped, so comments and layout stay as the template wrote them.
    """
    lines = text.splitlines(keepends=True)
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if re.fullmatch(rf"\s*-\s+id:\s*(['\"]?){re.escape(hook_id)}\1\s*(#.*)?\s*", line)
        ),
        None,
    )
    if start is None:
        return text
    dash = len(lines[start]) - len(lines[start].lstrip())
    end = start + 1
    while end < len(lines) and indent_of(lines[end]) > dash:
        end += 1
    body = lines[start + 1 : end]
    # The hook's keys line up with its id: ``- id:`` or ``-   id:``.
    key = " " * lines[start].index("id:")
    kept, original, skipping = [], "", False
    for line in body:
        if skipping and line.strip() and indent_of(line) > len(key):
            continue
        skipping = False
        if line.strip() == LEGACY_COMMENT:
            continue
        if line.startswith(f"{key}exclude:"):
            value = line.split(":", 1)[1].strip()
            if value == "|":
                skipping = True
                block = scalar_block(body, body.index(line), len(key))
                original = split_legacy_exclude(block)[0]
            else:
                original = str(yaml.safe_load(value))
            continue
        kept.append(line)
    if paths:
        pattern = legacy_exclude(original, paths)
        scalar = "".join(f"{key}  {row}\n" for row in pattern.splitlines())
        kept = [f"{key}{LEGACY_COMMENT}\n", f"{key}exclude: |\n{scalar}", *kept]
    elif original:
        kept = [f"{key}exclude: {original}\n", *kept]
    return "".join([*lines[: start + 1], *kept, *lines[end:]])


def scalar_block(body: list[str], at: int, key_indent: int) -> str:
    """The text of the ``|`` block scalar whose key is ``body[at]``."""
    rows = []
    for line in body[at + 1 :]:
        if not line.strip() or indent_of(line) <= key_indent:
            break
        rows.append(line.strip())
    return "\n".join(rows) + "\n"


def indent_of(line: str) -> int:
    """A line's indentation; blank lines count as inside any block."""
    return len(line) - len(line.lstrip()) if line.strip() else sys.maxsize
