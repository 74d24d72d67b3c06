"""Projects to bundle and the ``ml-publish bundle`` runs the bundle tests share."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.processes import run
from tests.support.weights_projects import project_with_weights

# A dependency whose own dependencies are known (requests 2.x needs these four).
REQUESTS_FAMILY = ("requests", "urllib3", "idna", "certifi", "charset-normalizer")


def plain_project_to_bundle(plain_project: Path, destination: Path, *dependencies: str) -> Path:
    """A copy of the framework-neutral project with two weights and these extra dependencies."""
    weights = {"leaf": os.urandom(60_000), "bark": os.urandom(20_000)}
    root = project_with_weights(plain_project, destination, weights).root
    add_dependencies(root, *dependencies)
    return root


def add_dependencies(root: Path, *dependencies: str) -> None:
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    listed = "".join(f', "{dependency}"' for dependency in dependencies)
    edited = text.replace(
        'dependencies = ["filelock>=3.12"', f'dependencies = ["filelock>=3.12"{listed}'
    )
    assert edited != text or not dependencies
    pyproject.write_text(edited, encoding="utf-8")


def bundle(
    project: Path, *args: str | Path, expect_success: bool = True
) -> subprocess.CompletedProcess[str]:
    """``ml-publish bundle`` run in ``project``, as a person runs it."""
    command = [sys.executable, "-m", "ml_publish", "bundle", *map(str, args)]
    return run(command, cwd=project, expect_success=expect_success)


def sha256_of_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_of(directory: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((directory / "bundle-manifest.json").read_text())
    return document
