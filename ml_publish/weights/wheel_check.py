"""Build a project's wheel and check that it carries the weights registry.

The package reads ``weights.json`` from its installed files, so a wheel without it cannot find
any weights. Only a build can tell for sure (each backend has its own include rules), so this
builds the sdist and, from it, the wheel, as ``python -m build`` does, from a copy of the
project's files (those git would commit): the project itself gets no build output. Versions
from git tags are pretended (``0.0.0``), as the copy has no git history.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from ml_publish import git, index
from ml_publish.errors import OperationFailed
from ml_publish.layout.tree import Package
from ml_publish.weights.naming import REGISTRY_FILE

PRETENDED_VERSION = {
    "SETUPTOOLS_SCM_PRETEND_VERSION": "0.0.0",  # setuptools-scm and hatch-vcs
    "PDM_BUILD_SCM_VERSION": "0.0.0",
}
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "venv", ".ml-publish", "build", "dist", ".tox")
HINTS = {
    "setuptools": 'list it in [tool.setuptools.package-data] ("<package>" = ["weights.json"])',
    "hatchling": "check [tool.hatch.build] exclude and .gitignore, which hatchling follows",
}


def copy_project(root: Path, destination: Path) -> Path:
    """The files git would commit (every file, outside a git work tree), copied."""
    listed = git.listed_files(root)
    if listed is None:
        return Path(shutil.copytree(root, destination, ignore=NOT_COPIED, symlinks=True))
    for name in listed:
        source = root / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def wheel_carries_registry(root: Path, package: Package, backend: str) -> str:
    """The name of the wheel built from ``root``, after checking it holds the registry."""
    registry = f"{package.wheel_path}/{REGISTRY_FILE}"
    with tempfile.TemporaryDirectory(prefix="ml-publish-wheel-check-") as scratch:
        project = copy_project(root, Path(scratch) / "project")
        try:
            paths = index.build(
                project, Path(scratch) / "dist", backend_environment=PRETENDED_VERSION
            )
        except index.PackageIndexError as error:
            raise OperationFailed(
                f"could not build the wheel to check it carries {registry}: {error}"
            ) from None
        wheel = next(path for path in paths if path.suffix == ".whl")
        with zipfile.ZipFile(wheel) as archive:
            if registry not in archive.namelist():
                hint = HINTS.get(backend, "include it in the wheel")
                raise OperationFailed(f"{wheel.name} lacks {registry}; {hint}")
        return wheel.name
