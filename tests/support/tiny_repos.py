"""Tiny repositories written from a dict of files, and one check's result on them."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ml_publish.checks.base import CheckResult
from ml_publish.checks.runner import run_checks
from tests.support.check_cases import CASES

# A pyproject.toml that passes every PKG check: the usual base for other families' cases.
GOOD_PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "cell-counter"
dynamic = ["version"]
description = "Counts cells."
readme = "README.md"
requires-python = ">=3.10"
license = "MIT"
urls = { Source = "https://github.com/someone/cell-counter" }
dependencies = ["torch>=2.1"]

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.hatch.version]
path = "cell_counter/__init__.py"
"""
GOOD_PACKAGE = {"cell_counter/__init__.py": '__version__ = "0.1.0"\n', "cell_counter/py.typed": ""}


def write_repository(root: Path, files: Mapping[str, str | bytes], *, git: bool = False) -> Path:
    """Write ``files`` (relative path → content) under ``root``; optionally ``git add`` them."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if git:
        subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
        subprocess.run(["git", "-C", str(root), "add", "--all", "--force"], check=True)
    return root


def audit(
    root: Path, files: Mapping[str, str | bytes], check_id: str, *, git: bool = False
) -> CheckResult:
    """The result of one check on a repository made of ``files``, noted as a case of it."""
    write_repository(root, files, git=git)
    (result,) = run_checks(root, select=[check_id])
    assert result.id == check_id
    CASES.note(check_id, result.result)
    return result


# A repository's files for ``audit``: annotate dicts built from GOOD_PACKAGE with it, as mypy
# infers them as dict[str, str], which a dict[str, str | bytes] parameter does not accept.
Files = dict[str, str | bytes]
# The weights registry of GOOD_PACKAGE, and where its weights are (or will be) downloaded.
REGISTRY = "cell_counter/weights.json"
RELEASES = "https://github.com/someone/cell-counter/releases/download/v0.1.0"


def weight_entry(name: str, content: bytes, **changes: Any) -> dict[str, Any]:
    """A valid registry entry for ``content`` registered as ``name``; ``changes`` override."""
    sha256 = hashlib.sha256(content).hexdigest()
    file_name = f"{name}-{sha256[:10]}.pt"
    entry = {
        "name": name,
        "url": f"{RELEASES}/{file_name}",
        "sha256": sha256,
        "size": len(content),
        "file_name": file_name,
        "status": "pending",
        "arch": "unet",
        "meta": {"dataset": "BBBC038"},
    }
    return {**entry, **changes}


def with_weights(*entries: dict[str, Any]) -> Files:
    """GOOD_PACKAGE with a registry of ``entries``."""
    registry = json.dumps({"format": 1, "weights": list(entries)}, indent=2)
    return {**GOOD_PACKAGE, REGISTRY: registry}
