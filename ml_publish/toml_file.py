"""Reading TOML files on every supported Python (tomllib arrived in 3.11)."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def parse_toml(text: str) -> dict[str, Any]:
    """The parsed document; ``ValueError`` (tomllib's ``TOMLDecodeError``) when it is not TOML."""
    return tomllib.loads(text)


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; ``ValueError`` when it is not TOML."""
    return parse_toml(path.read_text(encoding="utf-8"))


def table_at(document: dict[str, Any], *keys: str) -> object:
    """``document[key][key]...``: ``{}`` where a level is missing, and the first value on the
    way that is not a table when one is not (for the caller to refuse or pass over)."""
    table: object = document
    for key in keys:
        if not isinstance(table, dict):
            return table
        table = table.get(key, {})
    return table


def tool_table(document: dict[str, Any], *keys: str) -> object:
    """``[tool.<keys>]`` of a parsed pyproject.toml, as ``table_at`` finds it."""
    return table_at(document, "tool", *keys)


def dict_at(document: dict[str, Any], *keys: str) -> dict[str, Any]:
    """The table at ``keys``, or ``{}`` when it is missing or not a table."""
    table = table_at(document, *keys)
    return table if isinstance(table, dict) else {}
