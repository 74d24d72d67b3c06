"""pyproject.toml merged per key, never as text: the template's changes laid over the project's.

For each key the template changed (base → theirs): a key the project left as the base had is
set to the template's new value (or removed with it); tables both changed are merged key by
key; lists of plain values both changed take the template's additions and removals and keep
the project's own items. Anything else both changed keeps the project's value and is reported.
tomlkit edits the project's own document, so its comments, order and layout stay.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import tomlkit
from tomlkit.items import Array

from ml_publish.repository_analysis.dependencies import requirement_name

# The template record is written by update itself, by its own rules (see record.py).
NOT_MERGED = (("tool", "ml-publish", "template"),)
MISSING: Any = object()


@dataclass(frozen=True)
class PyprojectMerge:
    """The merged text, and each key where the project's value was kept over the template's."""

    text: str
    kept: tuple[str, ...]


def merge_pyproject(base: str, theirs: str, ours: str) -> PyprojectMerge:
    """``ours`` with the template's changes from ``base`` to ``theirs``, key by key."""
    document = tomlkit.parse(ours)
    kept: list[str] = []
    merge_tables(document, tomlkit.parse(base), tomlkit.parse(theirs), (), kept)
    return PyprojectMerge(tomlkit.dumps(document), tuple(kept))


def plain(value: Any) -> Any:
    """A tomlkit value as plain Python, for comparing; ``MISSING`` stays itself."""
    return value.unwrap() if hasattr(value, "unwrap") else value


def is_table(value: Any) -> bool:
    return isinstance(value, MutableMapping)


def is_plain_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (list, dict)) for v in plain(value))


def merge_tables(
    ours: MutableMapping[str, Any],
    base: MutableMapping[str, Any],
    theirs: MutableMapping[str, Any],
    path: tuple[str, ...],
    kept: list[str],
) -> None:
    for key in dict.fromkeys([*theirs, *base]):
        where = (*path, key)
        if where in NOT_MERGED:
            continue
        b, t, o = base.get(key, MISSING), theirs.get(key, MISSING), ours.get(key, MISSING)
        if plain(b) == plain(t) or plain(o) == plain(t):
            continue  # the template did not change it, or the project already has the change
        if plain(o) == plain(b):
            if t is MISSING:
                del ours[key]
            else:
                ours[key] = t
        elif is_table(o) and is_table(t) and (b is MISSING or is_table(b)):
            merge_tables(o, tomlkit.table() if b is MISSING else b, t, where, kept)
        elif not (
            isinstance(o, Array)
            and is_plain_list(t)
            and (b is MISSING or is_plain_list(b))
            and merge_lists(o, plain(b) if b is not MISSING else [], plain(t), where)
        ):
            kept.append(kept_note(where, o, t))


def lists_requirements(where: tuple[str, ...]) -> bool:
    return (
        where[:2] in {("project", "dependencies"), ("project", "optional-dependencies")}
        or where[:1] == ("dependency-groups",)
        or where == ("build-system", "requires")
    )


def merge_lists(ours: Array, base: list[Any], theirs: list[Any], where: tuple[str, ...]) -> bool:
    """Apply the template's additions and removals to the project's list; ``False`` (and the
    list untouched) when an added requirement names a package the project pinned its own way."""
    removed = [item for item in base if item not in theirs]
    added = [item for item in theirs if item not in base and item not in plain(ours)]
    own = [item for item in plain(ours) if item not in base and item not in theirs]
    if lists_requirements(where):
        names = {requirement_name(item) for item in own}
        if any(requirement_name(item) in names for item in added):
            return False
    for position in reversed(range(len(ours))):
        if plain(ours[position]) in removed:
            del ours[position]
    for item in added:
        ours.append(item)
    return True


def kept_note(where: tuple[str, ...], ours: Any, theirs: Any) -> str:
    name = ".".join(where)
    if ours is MISSING:
        return f"{name}: you removed it, and it stays removed (the template changed it)"
    if theirs is MISSING:
        return f"{name}: kept yours (the template removed it)"
    shown = tomlkit.item(plain(theirs)).as_string()
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"{name}: kept yours (the template now says {shown})"
