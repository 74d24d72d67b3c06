"""Modules a notebook writes with ``%%writefile`` and other notebooks import.

A notebook-only repository often keeps its model and helpers in one cell that starts with
``%%writefile helpers.py``; the other notebooks run that one first and ``from helpers import *``.
The file is an artefact of running the notebook (git-ignored, or never committed), so the
package adopt builds cannot ship it, and a bare import of it is no dependency either: the
plan names it under "needs a person", with the cell that holds its code. Pure: reads the
analysis only.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ml_publish.repository_analysis.analyse import RepositoryAnalysis


def written_modules(analysis: RepositoryAnalysis) -> dict[str, tuple[str, int, str]]:
    """Module name → (notebook, cell, file) for each ``.py`` file a cell writes that the
    repository does not hold."""
    found: dict[str, tuple[str, int, str]] = {}
    for notebook in analysis.notebooks:
        for cell, file in notebook.written_files:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(notebook.path), file))
            if path.endswith(".py") and path not in analysis.files:
                stem = posixpath.basename(path).removesuffix(".py")
                found.setdefault(stem, (notebook.path, cell, file))
    return found


def importers_of(analysis: RepositoryAnalysis, name: str) -> Iterator[str]:
    """The notebooks and Python files with an absolute import of the top-level ``name``."""
    importers = [(n.path, n.imports) for n in analysis.notebooks]
    importers += [(f.path, f.facts.imports) for f in analysis.python_files]
    for path, statements in importers:
        if any(not s.level and s.module.split(".")[0] == name for s in statements):
            yield path


def written_module_items(analysis: RepositoryAnalysis, package: str) -> list[str]:
    """One "needs a person" line per notebook-written module that something imports."""
    items = []
    for name, (notebook, cell, file) in sorted(written_modules(analysis).items()):
        importers = list(importers_of(analysis, name))
        if importers:
            items.append(
                f"{name} (imported by {', '.join(importers)}) is the file {file} that cell "
                f"{cell} of {notebook} writes (%%writefile), which git does not track: the "
                f"package cannot ship it; to ship it, save that cell's code as "
                f"{package}/{name}.py and import it from there"
            )
    return items
