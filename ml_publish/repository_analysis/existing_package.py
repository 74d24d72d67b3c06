"""The package a repository already is, if it is one: its import name stays, and so does it.

Packaging metadata says it best, read by the one package discovery every command uses
(``ml_publish.layout``): ``packages=[...]`` or ``find_packages(...)`` in setup.py, ``[options]
packages`` in setup.cfg, or the packages pyproject.toml names for setuptools, hatch, flit,
uv_build, pdm or Poetry; a package it declares under ``src/`` (the src layout) keeps its name
and moves up to the root, the template's layout, where PyTorch Hub (which imports from the
repository's root) and the checkout both find it. Without metadata, a top-level directory
with an ``__init__.py`` that the rest of the code imports is the package, unless its name is
one of the generic names research code gives its helper directories (``models``, ``utils``,
``datasets``, ...): those become subpackages of a new package instead, as they would collide
with everyone else's on an install. The metadata's generic names are no package either:
``find_packages()`` also finds ``models/`` and ``utils/`` beside ``steelnet/``, and they move
into ``steelnet``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ml_publish.repository_analysis.import_graph import ROOT, Resolution
from ml_publish.layout.discovery import discover_packages

SRC = "src"
NOT_PACKAGES = {"tests", "test", "docs", "doc", "examples", "example", "benchmarks", "scripts"}
GENERIC_NAMES = frozenset(
    "models model utils util utilities data dataset datasets lib libs src common core nets "
    "networks net modules layers losses loss helpers tools config configs configuration "
    "dataloaders dataloader loaders augmentations transforms metrics callbacks experiments "
    "training train inference evaluation eval preprocessing features code misc".split()
)


def root_packages(files: tuple[str, ...]) -> list[str]:
    """Top-level directories with an ``__init__.py``, tests and docs aside."""
    return sorted(
        PurePosixPath(path).parts[0]
        for path in files
        if path.count("/") == 1
        and path.endswith("/__init__.py")
        and path.split("/")[0] not in NOT_PACKAGES
    )


def src_layout_packages(files: tuple[str, ...]) -> list[str]:
    """Packages directly under a ``src/`` directory that is not a package itself."""
    if f"{SRC}/__init__.py" in files:
        return []
    return sorted(
        PurePosixPath(path).parts[1]
        for path in files
        if path.count("/") == 2 and path.startswith(f"{SRC}/") and path.endswith("/__init__.py")
    )


def package_directory(name: str, files: Iterable[str]) -> str:
    """Where the package ``name`` is: at the root, or under ``src/`` (the src layout)."""
    listed = set(files)
    if f"{name}/__init__.py" not in listed and f"{SRC}/{name}/__init__.py" in listed:
        return f"{SRC}/{name}"
    return name


def declared_packages(root: Path, files: tuple[str, ...]) -> list[str] | None:
    """The top-level packages the packaging metadata declares, read as the build backend reads
    it (``ml_publish.layout``); ``None`` when it declares none at the root."""
    layout = discover_packages(root)
    if not layout.declared:
        return None
    on_disk = set(root_packages(files)) | set(src_layout_packages(files))
    declared = sorted({package.name.split(".")[0] for package in layout.packages} & on_disk)
    # find_packages() also finds the helper directories (models/, utils/): not the package.
    named = sorted(set(declared) - GENERIC_NAMES)
    return named or None


def imported_packages(files: tuple[str, ...], imports: tuple[Resolution, ...]) -> list[str]:
    """Top-level packages that code outside them imports from the root."""
    on_disk = set(root_packages(files))
    found = {
        PurePosixPath(hit.top).parts[0]
        for hit in imports
        if hit.base == ROOT
        and hit.top.endswith("/__init__.py")
        and PurePosixPath(hit.top).parts[0] in on_disk
        and PurePosixPath(hit.importer).parts[0] != PurePosixPath(hit.top).parts[0]
    }
    return sorted(found - GENERIC_NAMES)


def existing_packages(
    declared: list[str] | None, files: tuple[str, ...], imports: tuple[Resolution, ...]
) -> list[str]:
    """The candidates for "the package this repository already is", best evidence first:
    what the metadata declares (``declared_packages``), else what the code imports."""
    if declared is not None:
        return declared
    return imported_packages(files, imports)
