"""Paths built from ``__file__`` that a move would point somewhere else.

``datasets/modelnet.py`` reading ``os.path.join(os.path.dirname(__file__), "..", "data",
"classes.txt")`` finds ``data/classes.txt``; moved to ``<package>/datasets/modelnet.py`` the
same expression names ``<package>/data/classes.txt``, which is not there. adopt never rewrites
such code (the expression may be built in many ways), so each one is named under "needs a
person" with what it named and what it would name. A path that moves along with the file
(a package's own data files, which move with it) is fine and not named. Pure: reads the
analysis and the moves only.
"""

from __future__ import annotations

import posixpath

from ml_publish.adopt.moves import Moves
from ml_publish.repository_analysis.analyse import RepositoryAnalysis


def is_anchor(path: str) -> bool:
    """``.`` or ``../..``: a directory code builds other paths from, not one it opens."""
    return all(part in (".", "..") for part in path.split("/"))


def new_location(path: str, analysis: RepositoryAnalysis, moves: Moves) -> str | None:
    """Where the repository file or directory ``path`` is after the moves; ``None`` when the
    repository has nothing there."""
    moved = {**moves.destinations, **moves.package_data}
    if path in analysis.files:
        return moved.get(path, path)
    inside = [name for name in analysis.files if name.startswith(f"{path}/")]
    if not inside:
        return None
    places = {moved.get(name, name).removesuffix(name.removeprefix(path)) for name in inside}
    return places.pop() if len(places) == 1 else path


def broken_path_items(analysis: RepositoryAnalysis, moves: Moves) -> list[str]:
    """One line per path a moved file builds from ``__file__`` that the move breaks."""
    items = []
    for file in analysis.python_files:
        destination = moves.destinations.get(file.path)
        for line, path in file.facts.file_relative_paths if destination else ():
            before = posixpath.normpath(posixpath.join(posixpath.dirname(file.path), path))
            after = posixpath.normpath(posixpath.join(posixpath.dirname(str(destination)), path))
            if is_anchor(path) or before.startswith("../"):
                continue
            now = new_location(before, analysis, moves)
            if now is not None and now != after:
                items.append(
                    f"{destination}:{line}: the path built from __file__ names {before}, which "
                    f"{'stays' if now == before else f'moves to {now}'}; from the moved file it "
                    f"names {after}: point it at {now}"
                )
    return items
