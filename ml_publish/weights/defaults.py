"""Each architecture's default weight: what ``get_model(arch, weights="DEFAULT")`` loads.

The first weight registered for an architecture becomes its default (``weights.registry``);
``ml-publish weights default ARCH NAME`` names another, as torchvision's ``DEFAULT`` alias
names the best of a model's weights.
"""

from __future__ import annotations

from pathlib import Path

from ml_publish.errors import UsageError
from ml_publish.weights.naming import is_data
from ml_publish.weights.project import open_project
from ml_publish.weights.refresh import refresh_readme
from ml_publish.weights.registry import load_defaults, load_registry, save_registry


def set_default(project_root: Path, arch: str, name: str) -> str | None:
    """Make ``name`` the default of ``arch``; the default it replaces, if any."""
    project = open_project(project_root)
    entries = load_registry(project.registry)
    entry = next((e for e in entries if e.name == name), None)
    if entry is None:
        known = ", ".join(e.name for e in entries) or "none"
        raise UsageError(f"no weight named {name!r} is registered (registered: {known})")
    if is_data(entry.meta):
        raise UsageError(f"{name} is a data file, not weights; it cannot be a default")
    if entry.arch != arch:
        raise UsageError(
            f"{name} loads into {entry.arch or 'no architecture'!s}, not {arch}; register it "
            f"with --arch {arch}, or choose one of {arch}'s weights"
        )
    defaults = load_defaults(project.registry)
    previous = defaults.get(arch)
    save_registry(project.registry, entries, {**defaults, arch: name})
    refresh_readme(project, entries)
    return previous
