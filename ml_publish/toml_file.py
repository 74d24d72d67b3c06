"""Reading TOML files on every supported Python (tomllib arrived in 3.11)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; ``ValueError`` (tomllib's ``TOMLDecodeError``) when it is not TOML."""
    return tomllib.loads(path.read_text(encoding="utf-8"))
