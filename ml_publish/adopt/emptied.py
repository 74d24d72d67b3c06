"""Directories the moves empty are removed, and only those.

A directory is planned for removal when every file in it on disk moves into the package (its
subdirectories too); one that was empty before adopt, or that holds anything else (an ignored
file, a file git does not track, a stand-in adopt leaves), stays. Applying checks again and
removes only directories that are empty by then.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import replace
from pathlib import Path

from ml_publish.adopt.after_moves import AddStandIn, RemoveEmptiedDirectories
from ml_publish.adopt.operations import MoveFile, Plan


def parents(path: str) -> list[str]:
    """The directories holding ``path``, the root left out, innermost first."""
    found = []
    directory = posixpath.dirname(path)
    while directory:
        found.append(directory)
        directory = posixpath.dirname(directory)
    return found


def empties_out(root: Path, directory: str, moving: set[str], candidates: set[str]) -> bool:
    """Whether nothing is left in ``directory`` once ``moving`` files have gone."""
    for here, subdirectories, names in os.walk(root / directory):
        relative = Path(here).relative_to(root).as_posix()
        if any(f"{relative}/{name}" not in moving for name in names):
            return False
        for name in subdirectories:
            inner = f"{relative}/{name}"
            if inner not in candidates or (Path(here) / name).is_symlink():
                return False
    return True


def with_emptied_directories(root: Path, plan: Plan) -> Plan:
    """``plan`` followed by removing the directories its moves leave empty."""
    moves = [op for op in plan.operations if isinstance(op, MoveFile)]
    stand_ins = {op.path for op in plan.operations if isinstance(op, AddStandIn)}
    moving = {op.source for op in moves} - stand_ins
    kept = {d for op in moves for d in parents(op.destination)}
    kept |= {d for path in stand_ins for d in parents(path)}
    candidates = {d for path in moving for d in parents(path)} - kept
    emptied = sorted(
        (d for d in candidates if empties_out(root, d, moving, candidates)),
        key=lambda d: (-d.count("/"), d),
    )
    if not emptied:
        return plan
    return replace(plan, operations=(*plan.operations, RemoveEmptiedDirectories(tuple(emptied))))


def remove_emptied(root: Path, operation: RemoveEmptiedDirectories) -> None:
    """Remove each planned directory that is empty now, deepest first."""
    for directory in operation.paths:
        path = root / directory
        if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
            path.rmdir()
