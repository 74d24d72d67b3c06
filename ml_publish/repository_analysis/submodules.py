"""The repository's git submodules, and the Python files checked out in them.

A submodule (``third_party/chamfer3d``, with its ``.gitmodules`` entry) is another repository:
git lists it as one entry, never its files, and adopt never moves or rewrites anything in it.
Its Python files still matter to the import graph: a script that puts the submodule on
``sys.path`` and imports from it depends on code the package will not ship, so it stays where
it is (see adopt/moves.py). Reads git's index and the submodules' own listings; writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from ml_publish import git


def submodule_python_files(root: Path, submodules: list[str]) -> list[str]:
    """The Python files each checked-out submodule tracks, as repository-relative paths."""
    found: list[str] = []
    for submodule in submodules:
        if not (root / submodule / ".git").exists():
            continue  # not checked out (cloned without --recursive): nothing to resolve
        listed = git.tracked_files(root / submodule) or []
        found += [f"{submodule}/{name}" for name in listed if name.endswith(".py")]
    return found


def submodule_of(path: str, submodules: tuple[str, ...]) -> str | None:
    """The submodule holding ``path``, if any."""
    return next((sub for sub in submodules if path.startswith(f"{sub}/")), None)
