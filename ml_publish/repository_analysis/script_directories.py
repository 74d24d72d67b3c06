"""The directories a module's imports are found in because of the scripts that import it.

``python alice/run_train.py`` puts ``alice/`` first on ``sys.path``, for the script and for
every module it imports, at any depth: ``alice/models/net.py`` doing ``from utils import seed``
gets ``alice/utils.py``, though nothing sits beside it. So a module's absolute imports are also
looked up in the directories of the files that import it, directly or through others: the
scripts' directories it is run from. A module that a file at the root also reaches is looked up
from the root first (``python train.py`` is then how it runs, the common case); one reached
only from subdirectories, from theirs (three authors' ``alice/``, ``bob/``, ``carol/`` side by
side, each with its own ``utils.py``).

Pure: the import graph in, the directories out (see analyse.local_imports, which resolves the
imports again with them until nothing changes).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping

from ml_publish.repository_analysis.import_graph import ROOT

# (importer, the repository files one of its imports loads)
Edge = tuple[str, tuple[str, ...]]


def directory_of(path: str) -> str:
    return posixpath.dirname(path) or ROOT


def inherited_directories(edges: Iterable[Edge]) -> dict[str, tuple[str, ...]]:
    """For each imported file, the directories of the files that reach it, root first, each
    only when it is not the file's own directory (searched first anyway)."""
    imports: dict[str, set[str]] = {}
    for importer, files in edges:
        imports.setdefault(importer, set()).update(f for f in files if f != importer)
    reached: dict[str, set[str]] = {}
    for start in imports:
        directory = directory_of(start)
        pending, seen = list(imports[start]), {start}
        while pending:
            path = pending.pop()
            if path in seen:
                continue
            seen.add(path)
            reached.setdefault(path, set()).add(directory)
            pending += imports.get(path, ())
    return {
        path: ordered(directories - {directory_of(path)}) for path, directories in reached.items()
    }


def ordered(directories: set[str]) -> tuple[str, ...]:
    """The root first (scripts run from it are the common case), then the others sorted."""
    return tuple(sorted(directories, key=lambda directory: (directory != ROOT, directory)))


def with_inherited(
    roots: Mapping[str, list[str]], inherited: Mapping[str, tuple[str, ...]], path: str
) -> list[str]:
    """``path``'s own search roots (its ``sys.path`` edits), then what it inherits."""
    return list(dict.fromkeys([*roots.get(path, []), *inherited.get(path, ())]))
