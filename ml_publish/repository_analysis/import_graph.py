"""Which repository files an import statement loads, resolved the way CPython's finder would.

An absolute import is looked up on the importer's search path: its own directory first (where
``python dir/script.py`` puts ``sys.path[0]``, and where Python 2 found implicit relative
imports), then the directories its ``sys.path`` edits add (its own, and those of local helpers it
imports first, such as ``_init_paths.py``), then the repository root. At each level of a dotted
name a regular package (``x/__init__.py``) wins over a module (``x.py``), which wins over a
namespace directory (``x/`` holding Python files but no ``__init__.py``). Relative imports are
resolved from the importer's package. Nothing is imported or run: this reads paths only.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ml_publish.repository_analysis.python_files import ImportStatement
from ml_publish.repository_analysis.sys_path import WORKING_DIRECTORY

ROOT = "."


@dataclass(frozen=True)
class Resolution:
    """What an import statement names in the repository.

    ``top`` is the file or directory its first dotted component resolves to (a ``.py`` file, a
    package's ``__init__.py`` or a namespace directory), ``base`` the directory it was found in,
    and ``files`` every Python file the statement loads (packages' ``__init__.py`` on the way
    and, for ``from x import y``, the submodule ``y`` when there is one).
    """

    importer: str
    statement: ImportStatement
    top: str
    base: str
    files: tuple[str, ...]

    @property
    def top_name(self) -> str:
        return self.statement.module.split(".")[0]


class SourceTree:
    """The repository's Python files and the directories they make importable."""

    def __init__(self, python_paths: Iterable[str]) -> None:
        self.files = frozenset(python_paths)
        self.packages = frozenset(
            posixpath.dirname(path) for path in self.files if path.endswith("/__init__.py")
        )
        directories: set[str] = set()
        for path in self.files:
            parent = posixpath.dirname(path)
            while parent:
                directories.add(parent)
                parent = posixpath.dirname(parent)
        self.directories = frozenset(directories)

    def find(self, base: str, name: str) -> str | None:
        """``name`` in directory ``base``: package, then module, then namespace directory."""
        stem = name if base == ROOT else f"{base}/{name}"
        if f"{stem}/__init__.py" in self.files:
            return f"{stem}/__init__.py"
        if f"{stem}.py" in self.files:
            return f"{stem}.py"
        if stem in self.directories:
            return stem
        return None

    def walk(self, base: str, parts: Sequence[str]) -> list[str] | None:
        """The files and directories ``parts`` resolve to, one per part, starting in ``base``."""
        found: list[str] = []
        for part in parts:
            hit = self.find(base, part)
            if hit is None:
                return None
            found.append(hit)
            if not self.is_directory_like(hit):
                # A module has no submodules; the rest of the name is attributes, if anything.
                break
            base = self.directory_of(hit)
        return found

    def is_directory_like(self, hit: str) -> bool:
        return hit.endswith("/__init__.py") or not hit.endswith(".py")

    @staticmethod
    def directory_of(hit: str) -> str:
        return posixpath.dirname(hit) if hit.endswith("/__init__.py") else hit


def normalised(path: str) -> str | None:
    """A repository-relative directory, or ``None`` when it leaves the repository."""
    clean = posixpath.normpath(path)
    if clean == ".." or clean.startswith("../") or clean.startswith("/"):
        return None
    return clean


def search_path(importer: str, extra: Sequence[str]) -> list[str]:
    """Where an absolute import in ``importer`` is looked up, in order, without repeats:
    its directory, the repository directories in ``extra``, the root."""
    return list(dict.fromkeys([posixpath.dirname(importer) or ROOT, *extra, ROOT]))


def added_roots(editor: str, entries: Sequence[str]) -> list[str]:
    """The repository directories that ``sys.path`` edits in ``editor`` add. An entry relative
    to the working directory counts from the editor's directory (``python run.py`` in it), then
    from the root (``python experiments/03/run.py``, as READMEs and shell scripts run it)."""
    directory = posixpath.dirname(editor) or ROOT
    found: list[str | None] = []
    for entry in entries:
        if entry.startswith(WORKING_DIRECTORY):
            entry = entry.removeprefix(WORKING_DIRECTORY)
            found += [normalised(posixpath.join(directory, entry)), normalised(entry)]
        else:
            found.append(normalised(posixpath.join(directory, entry)))
    return list(dict.fromkeys(root for root in found if root is not None))


def package_of(importer: str) -> str:
    """The directory a relative import in ``importer`` starts from."""
    return posixpath.dirname(importer) or ROOT


def files_of(tree: SourceTree, hits: Sequence[str]) -> list[str]:
    """The Python files behind resolved hits: modules and packages' ``__init__.py``."""
    return [hit for hit in hits if hit.endswith(".py")]


def resolve_absolute(
    tree: SourceTree, importer: str, statement: ImportStatement, roots: Sequence[str]
) -> Resolution | None:
    parts = statement.module.split(".")
    for base in roots:
        hits = tree.walk(base, parts)
        if hits is None:
            continue
        files = files_of(tree, hits) + submodules(tree, hits, len(parts), statement.names)
        return Resolution(importer, statement, hits[0], base, tuple(dict.fromkeys(files)))
    return None


def submodules(
    tree: SourceTree, hits: Sequence[str], depth: int, names: Sequence[str]
) -> list[str]:
    """For ``from x import y``: the submodules ``y`` of ``x``, when ``x`` is a directory."""
    if len(hits) != depth or not tree.is_directory_like(hits[-1]):
        return []
    directory = tree.directory_of(hits[-1])
    found = []
    for name in names:
        hit = tree.find(directory, name) if name != "*" else None
        if hit is not None:
            found += files_of(tree, [hit])
    return found


def resolve_relative(
    tree: SourceTree, importer: str, statement: ImportStatement
) -> Resolution | None:
    base = package_of(importer)
    for _ in range(statement.level - 1):
        base = posixpath.dirname(base) or ROOT
    if base == ROOT:
        return None  # beyond the top-level package: Python refuses it too
    parts = [part for part in statement.module.split(".") if part]
    if not parts:
        files = submodules(tree, [f"{base}/__init__.py"], 1, statement.names)
        init = f"{base}/__init__.py"
        top = init if init in tree.files else base
        return Resolution(importer, statement, top, base, tuple(files_of(tree, [top]) + files))
    hits = tree.walk(base, parts)
    if hits is None:
        return None
    files = files_of(tree, hits) + submodules(tree, hits, len(parts), statement.names)
    return Resolution(importer, statement, hits[0], base, tuple(dict.fromkeys(files)))


def resolve(
    tree: SourceTree, importer: str, statement: ImportStatement, extra_roots: Sequence[str] = ()
) -> Resolution | None:
    """The repository files ``statement`` in ``importer`` loads, or ``None`` (not local)."""
    if statement.level:
        return resolve_relative(tree, importer, statement)
    return resolve_absolute(tree, importer, statement, search_path(importer, extra_roots))
