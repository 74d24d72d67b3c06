"""Which files move into the package: decided by the import graph, so every import still works.

The rules, in the order they apply:

1. Files that cannot move stay, with the reason: not Python 3, a name Python cannot import, a
   symbolic link, a file of a git submodule, a module shadowed by a package of the same name,
   a place in the package that is taken, test and notebook directories, build and tool files,
   and the listings of a LaTeX document (``thesis/listings/loss.py`` beside
   ``thesis/main.tex``, included by path).
2. A file another file imports is a library, whatever else it is (a ``__main__`` demo block,
   argument parsing at import): it moves. So do modules that are not scripts and scripts with
   a ``main()`` (they become console scripts). A script that nothing imports stays at the root
   and imports the package, and so do settings files that nothing imports (assignments, no
   function or class: configs read by path, as mmcv's ``Config.fromfile`` reads them), and
   ml_collections configs (a ``get_config()``, read by path by ``--config=configs/x.py``) that
   only other files which stay import.
3. Everything a moving file imports moves too, and a package moves whole: never its
   ``__init__.py`` without its submodules (its data files go with it).
4. All or nothing: a file that imports one that cannot move stays, and so does everything that
   imports it, and every file of its package. Nothing is ever left importing a bare name that
   will not be installed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ml_publish.repository_analysis.analyse import TOOL_FILES, PythonFile, RepositoryAnalysis
from ml_publish.repository_analysis.existing_package import package_directory
from ml_publish.repository_analysis.python_files import is_module_name
from ml_publish.repository_analysis.submodules import submodule_of

STAYING_SCRIPT = "a script that nothing imports; it stays and imports the package"
STAYING_SETTINGS = "settings that nothing imports (no function or class); they stay, read by path"
STAYING_CONFIG = "a config with get_config(), read by path (--config=...); it stays"
SUBMODULE_STAYS = "a git submodule (.gitmodules): another repository; it stays as it is"
# Directories whose files stay where they are (their imports are still rewritten).
STAYING_DIRS = {"tests", "test", "notebooks", "scripts", "docs", "examples", "benchmarks"}


@dataclass(frozen=True)
class Moves:
    """Where each moving file goes, why each other file stays, and what that implies."""

    package: str
    destinations: dict[str, str]
    stays: dict[str, str]
    silent: frozenset[str]
    new_inits: tuple[str, ...]
    demo_blocks: tuple[str, ...] = ()
    work_at_import: tuple[tuple[str, int], ...] = ()
    package_data: dict[str, str] = field(default_factory=dict)
    unresolvable: tuple[str, ...] = ()


def top_package(path: str, packages: frozenset[str]) -> str | None:
    """The outermost regular package directory holding ``path`` through regular packages."""
    directory = posixpath.dirname(path)
    found = None
    while directory and directory in packages:
        found = directory
        directory = posixpath.dirname(directory)
    return found


def is_config_module(file: PythonFile) -> bool:
    """An ml_collections config (``configs/default.py`` with ``get_config()``), which absl's
    ``config_flags`` loads by its path: it stays where the commands name it. A helper module
    that happens to define ``get_config`` elsewhere (``utils.py``) is a library as before."""
    facts = file.facts
    path = PurePosixPath(file.path)
    named = "config" in path.stem or any("config" in part for part in path.parts[:-1])
    return named and "get_config" in facts.functions and not facts.is_script


class MovePlanner:
    """Works out ``Moves`` for one analysis and package (see the module docstring)."""

    def __init__(self, analysis: RepositoryAnalysis, package: str, fixed_prefix: str) -> None:
        self.analysis = analysis
        self.package = package
        self.fixed_prefix = fixed_prefix
        # A src-layout package (src/<package>/) moves up to the root, keeping its name.
        directory = package_directory(package, analysis.files)
        self.lifted_prefix = f"{directory}/" if directory != package else None
        self.files = {f.path: f for f in analysis.python_files}
        self.latex_directories = {
            posixpath.dirname(path) for path in analysis.files if path.endswith(".tex")
        } - {""}
        self.packages = frozenset(analysis.packages)
        self.imports: dict[str, set[str]] = {}
        self.imported_by: dict[str, set[str]] = {}
        for hit in analysis.local_imports:
            for target in hit.files:
                if target != hit.importer:
                    self.imports.setdefault(hit.importer, set()).add(target)
                    self.imported_by.setdefault(target, set()).add(hit.importer)

    def is_fixed(self, path: str) -> bool:
        """Already inside the package: it stays where it is, and so does its package."""
        return path.startswith(self.fixed_prefix)

    def silent_reason(self, path: str) -> str | None:
        parts = PurePosixPath(path).parts
        if path in TOOL_FILES:
            return "a build or tool file"
        if parts[0] in STAYING_DIRS:
            return f"in {parts[0]}/, which stays"
        if any(part.startswith(".") or part == "__pycache__" for part in parts[:-1]):
            return "in a hidden or cache directory"
        return None

    def blocked_reason(self, file: PythonFile) -> str | None:
        path = file.path
        silent = self.silent_reason(path)
        if silent is not None:
            return silent
        if file.facts.parse_error:
            return f"{file.facts.parse_error}; fix it (or adopt --modernize), then run adopt again"
        if path in self.analysis.symlinks and not self.link_stays_inside(path):
            return "a symbolic link out of the repository: adopt leaves it and never reads it"
        document = self.latex_directory(path)
        if document is not None:
            return f"in {document}/, beside a LaTeX document that includes its files by path"
        if not all(is_module_name(part) for part in PurePosixPath(path).with_suffix("").parts):
            return "not a valid module name; it stays a script that imports the package"
        if path in self.analysis.shadowed_modules:
            return f"never imported: the package {PurePosixPath(path).stem}/ beside it shadows it"
        hidden = self.module_hidden_by_directory(path)
        if hidden is not None:
            return (
                f"{posixpath.dirname(path)}/ stays whole: as a subpackage it would hide {hidden}, "
                "which its name means now"
            )
        destination = self.destination(path)
        if destination in self.analysis.files:
            return f"{destination} already exists in the package"
        beside = destination.removesuffix(".py")
        if f"{beside}/__init__.py" in self.analysis.files:
            return f"{beside}/ is already in the package and would shadow it"
        return None

    def in_submodules(self) -> dict[str, str]:
        """Imported files checked out in a git submodule: another repository, never moved, so
        whatever imports them stays beside the ``sys.path`` edit that finds them. A submodule
        that is not checked out hides what it holds: a file that puts it on ``sys.path`` stays."""
        found = {
            target: f"in the git submodule {submodule}/, which the package does not ship"
            for target in self.imported_by
            if (submodule := submodule_of(target, self.analysis.submodules))
        }
        checked_out = {
            submodule_of(path, self.analysis.submodules)
            for path in self.analysis.submodule_python_files
        }
        for path, roots in self.analysis.search_roots.items():
            unseen = [
                s for root in roots if (s := submodule_of(f"{root}/", self.analysis.submodules))
            ]
            if path in self.files and unseen and unseen[0] not in checked_out:
                found[path] = (
                    f"puts the git submodule {unseen[0]}/ on sys.path, and it is not checked out "
                    "(git submodule update --init): adopt cannot see what it imports from there"
                )
        return found

    def latex_directory(self, path: str) -> str | None:
        """The directory below the root, holding ``path``, where a LaTeX source (``.tex``) lives:
        a thesis or paper whose ``\\lstinputlisting`` or ``\\inputminted`` reads the file."""
        directory = posixpath.dirname(path)
        while directory and directory not in self.latex_directories:
            directory = posixpath.dirname(directory)
        return directory or None

    def module_hidden_by_directory(self, path: str) -> str | None:
        """The module ``x.py`` that a directory ``x/`` holding ``path`` (no ``__init__.py``, so
        ``import x`` finds the module first) would hide once moved and made a subpackage."""
        directory = posixpath.dirname(path)
        while directory and directory not in self.packages:
            if f"{directory}.py" in self.files:
                return f"{directory}.py"
            directory = posixpath.dirname(directory)
        return None

    def link_stays_inside(self, path: str) -> bool:
        """Whether the link ``path`` points, relatively, at a file of the repository."""
        return link_target_in_repository(path, self.analysis.symlinks[path]) in self.analysis.files

    def destination(self, path: str) -> str:
        if self.lifted_prefix and path.startswith(self.lifted_prefix):
            return f"{self.package}/{path.removeprefix(self.lifted_prefix)}"
        return f"{self.package}/{path}"

    def wanted(self, file: PythonFile) -> bool:
        """Whether ``file`` is a library (or a console script) rather than a stand-alone script."""
        facts = file.facts
        if is_config_module(file):
            return False  # unless a moving file imports it: then the closure takes it along
        if self.imported_by.get(file.path):
            return True
        if self.lifted_prefix and file.path.startswith(self.lifted_prefix):
            return True  # the package itself
        if facts.main_function and facts.main_block:
            return True
        return not facts.is_script and not self.is_settings_file(file)

    def is_settings_file(self, file: PythonFile) -> bool:
        """Settings that nothing imports (``configs/unet.py``: assignments, no function or
        class, no local import): read by path (``runpy``, mmcv's ``Config.fromfile``), so they
        stay where the commands in the README name them."""
        facts = file.facts
        if facts.is_script or facts.defines_code or file.path.endswith("__init__.py"):
            return False
        return not self.imported_by.get(file.path) and not self.imports.get(file.path)

    def staying_reason(self, file: PythonFile) -> str:
        if is_config_module(file):
            return STAYING_CONFIG
        return STAYING_SETTINGS if self.is_settings_file(file) else STAYING_SCRIPT

    def package_mates(self, path: str) -> list[str]:
        """Every Python file of the top-level regular package ``path`` belongs to."""
        top = top_package(path, self.packages)
        if top is None:
            return [path]
        return [other for other in self.files if other.startswith(f"{top}/")]

    def closure(self, seeds: Iterable[str]) -> set[str]:
        """``seeds``, what they import, and their packages' other files, transitively."""
        found: set[str] = set()
        pending = list(seeds)
        while pending:
            path = pending.pop()
            if path in found:
                continue
            found.add(path)
            pending += self.imports.get(path, ())
            pending += self.package_mates(path)
        return found

    def stuck(self, blocked: dict[str, str]) -> dict[str, str]:
        """Files that cannot move because of what they import or the package they are in."""
        reasons = dict(blocked)
        pending = list(blocked)
        while pending:
            path = pending.pop()
            upstream = [(importer, "imports") for importer in self.imported_by.get(path, ())]
            upstream += [(mate, "shares a package with") for mate in self.package_mates(path)]
            for other, relation in upstream:
                if other in reasons or other not in self.files or self.is_fixed(other):
                    continue
                reasons[other] = f"{relation} {path}, which stays"
                pending.append(other)
        return reasons

    def plan(self) -> Moves:
        candidates = [f for f in self.files.values() if not self.is_fixed(f.path)]
        blocked = {f.path: r for f in candidates if (r := self.blocked_reason(f)) is not None}
        blocked |= self.in_submodules()
        stuck = self.stuck(blocked)
        fixed = [path for path in self.files if self.is_fixed(path)]
        seeds = [f.path for f in candidates if self.wanted(f) and f.path not in stuck]
        moving = sorted(self.closure([*seeds, *fixed]) - set(stuck) - set(fixed))
        destinations = {path: self.destination(path) for path in moving}
        silent = {path for path in blocked if self.silent_reason(path) == blocked[path]}
        stays = {
            f.path: stuck.get(f.path, self.staying_reason(f))
            for f in candidates
            if f.path not in destinations and f.path not in silent
        }
        return Moves(
            package=self.package,
            destinations=destinations,
            stays=stays,
            silent=frozenset(silent),
            new_inits=self.new_inits([*destinations.values(), *fixed]),
            demo_blocks=tuple(p for p in moving if self.has_demo_block(p)),
            work_at_import=tuple(
                (p, line) for p in moving if (line := self.files[p].facts.import_time_work)
            ),
            package_data=self.package_data(moving),
            unresolvable=tuple(
                f"{importer} imports {target}, which stays ({stuck[target]})"
                for importer in fixed
                for target in sorted(self.imports.get(importer, ()))
                if target in stuck
            ),
        )

    def has_demo_block(self, path: str) -> bool:
        facts = self.files[path].facts
        return facts.main_block and not facts.main_function

    def new_inits(self, destinations: Iterable[str]) -> tuple[str, ...]:
        """The ``__init__.py`` files the moved tree needs: one in every directory under it."""
        existing = set(self.analysis.files) | set(destinations)
        needed: set[str] = set()
        for destination in destinations:
            directory = posixpath.dirname(destination)
            while directory:
                init = f"{directory}/__init__.py"
                if init not in existing:
                    needed.add(init)
                directory = posixpath.dirname(directory)
        return tuple(sorted(needed))

    def package_data(self, moving: list[str]) -> dict[str, str]:
        """The non-Python files of packages that move whole, which go with them."""
        tops = {top for path in moving if (top := top_package(path, self.packages))}
        weights = {path for path, _ in self.analysis.tracked_weights}
        return {
            path: self.destination(path)
            for path in self.analysis.files
            if not path.endswith(".py")
            and path not in weights
            and (path not in self.analysis.symlinks or self.link_stays_inside(path))
            and any(path.startswith(f"{top}/") for top in tops)
        }


def link_target_in_repository(link: str, target: str) -> str | None:
    """The repository path a relative link points at; ``None`` for links that leave it."""
    if posixpath.isabs(target):
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(link), target))
    return None if resolved.startswith("..") else resolved


def retargeted_links(moves: Moves, symlinks: dict[str, str]) -> dict[str, str]:
    """For each moving link, the target text that keeps it pointing at the same file."""
    moved = {**moves.destinations, **moves.package_data}
    found = {}
    for source, destination in moved.items():
        if source not in symlinks:
            continue
        target = link_target_in_repository(source, symlinks[source])
        if target is None:
            continue
        new_target = moved.get(target, target)
        text = posixpath.relpath(new_target, posixpath.dirname(destination) or ".")
        if text != symlinks[source]:
            found[destination] = text
    return found


def decide_moves(analysis: RepositoryAnalysis, package: str) -> Moves:
    """The moves that make ``package`` out of the repository; files already under
    ``package/`` stay where they are."""
    return MovePlanner(analysis, package, f"{package}/").plan()


def module_of(path: str) -> str:
    """The module a Python file at ``path`` is, from the repository's root."""
    parts = PurePosixPath(path).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
