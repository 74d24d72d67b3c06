"""Read a repository and describe it, changing nothing: adopt's first step, and what update
reads a project's answers from.

The description is plain data (``RepositoryAnalysis``) that the plan is made from and that the
report shows: which files are modules and which are scripts, how they import each other, what
cannot be parsed and why, where the dependencies are declared, and what is risky (weights in
git, absolute data paths, names that shadow other packages).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path, PurePosixPath

from ml_publish import git
from ml_publish.repository_analysis.dependencies import (
    DependencyReport,
    read_dependencies,
    read_setup_py,
)
from ml_publish.repository_analysis.poetry import PoetryMetadata, read_poetry
from ml_publish.repository_analysis.existing_package import declared_packages, existing_packages
from ml_publish.repository_analysis.import_graph import (
    ROOT,
    Resolution,
    SourceTree,
    added_roots,
    resolve,
)
from ml_publish.repository_analysis.notebook_cells import written_file
from ml_publish.repository_analysis.submodules import submodule_python_files
from ml_publish.repository_analysis.script_directories import inherited_directories, with_inherited
from ml_publish.repository_analysis.python_files import (
    ImportStatement,
    SourceFacts,
    analyse_source,
    is_module_name,
    strip_notebook_magics,
)
from ml_publish.licenses import find_code_license
from ml_publish.weights.recognition import weight_kind

# Files that build or configure tools: never moved into the package nor run as scripts.
TOOL_FILES = {"setup.py", "conftest.py", "noxfile.py", "hubconf.py", "tasks.py", "fabfile.py"}
FLAKE8_SECTION = re.compile(r"^\[flake8\]\s*$", re.MULTILINE)
SKIPPED_DIRS = {".git", ".venv", "venv", "env", "node_modules", "build", "dist", "__pycache__"}
# Import names of popular ML packages that a root module of the same name would shadow.
POPULAR_IMPORT_NAMES = frozenset(
    "numpy pandas torch torchvision torchaudio tensorflow keras sklearn scipy cv2 PIL matplotlib "
    "seaborn yaml requests tqdm timm transformers datasets tokenizers lightning "
    "pytorch_lightning albumentations wandb mlflow optuna hydra omegaconf jax flax xgboost "
    "lightgbm catboost skimage onnx onnxruntime einops accelerate evaluate nltk spacy gym "
    "gradio streamlit".split()
)


@dataclass(frozen=True)
class PythonFile:
    path: str
    facts: SourceFacts

    @property
    def module_name(self) -> str | None:
        """The dotted name it is imported by from the root, when every part is a name."""
        parts = PurePosixPath(self.path).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts) if parts and all(map(is_module_name, parts)) else None


@dataclass(frozen=True)
class Notebook:
    path: str
    imports: tuple[ImportStatement, ...]
    parse_error: str | None = None
    sys_path_entries: tuple[str, ...] = ()
    # Code cells that are not Python even with IPython's syntax masked: (cell number, why).
    unreadable_cells: tuple[tuple[int, str], ...] = ()
    # Files its `%%writefile` cells write: (cell number, path as the cell names it).
    written_files: tuple[tuple[int, str], ...] = ()


# An import that resolves to files of the repository (see import_graph).
LocalImport = Resolution


@dataclass(frozen=True)
class RepositoryAnalysis:
    root: Path
    is_git: bool
    uncommitted: tuple[str, ...]
    files: tuple[str, ...]
    python_files: tuple[PythonFile, ...]
    notebooks: tuple[Notebook, ...]
    packages: tuple[str, ...]
    directories_without_init: tuple[str, ...]
    local_imports: tuple[LocalImport, ...]
    dependencies: DependencyReport
    license_file: str | None
    tracked_weights: tuple[tuple[str, str], ...]
    flake8_sections: tuple[str, ...]
    setup_py_problems: tuple[str, ...]
    setup_py_literals: dict[str, object]
    poetry: PoetryMetadata | None
    shadowing: tuple[tuple[str, str], ...]
    invalid_module_names: tuple[str, ...]
    symlinks: dict[str, str] = field(default_factory=dict)
    existing_packages: tuple[str, ...] = ()
    # The packages the packaging metadata declares (None: it declares none), read once.
    declared_packages: tuple[str, ...] | None = None
    # Where each file's absolute imports were looked up besides its directory and the root.
    search_roots: dict[str, list[str]] = field(default_factory=dict)
    # Git submodules, and the Python files checked out in them (for the import graph only).
    submodules: tuple[str, ...] = ()
    submodule_python_files: tuple[str, ...] = ()

    @cached_property
    def unparseable(self) -> tuple[PythonFile, ...]:
        return tuple(f for f in self.python_files if f.facts.parse_error)

    @cached_property
    def scripts(self) -> tuple[PythonFile, ...]:
        """Files that are run rather than imported, build and tool files aside."""
        return tuple(
            f
            for f in self.python_files
            if not f.facts.parse_error and f.facts.is_script and f.path not in TOOL_FILES
        )

    @cached_property
    def shadowed_modules(self) -> tuple[str, ...]:
        """``x.py`` files that ``import x`` never reaches, because a package ``x/`` sits beside."""
        paths = {f.path for f in self.python_files}
        return tuple(
            f.path
            for f in self.python_files
            if f.path.endswith(".py")
            and str(PurePosixPath(f.path).with_suffix("") / "__init__.py") in paths
        )


def repository_files(root: Path) -> tuple[list[str], bool]:
    """The files to consider (git's view when it is a repository) and whether it is one."""
    listed = git.listed_files(root)
    if listed is not None:
        return [name for name in listed if (root / name).is_file() or is_link(root, name)], True
    found = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRS)
        relative = Path(directory).relative_to(root)
        found += [(relative / name).as_posix() for name in sorted(files)]
    return found, False


def notebook_imports(root: Path, path: str) -> Notebook:
    try:
        document = json.loads((root / path).read_text(encoding="utf-8"))
        cells = [
            (number, cell)
            for number, cell in enumerate(document.get("cells", []), start=1)
            if cell.get("cell_type") == "code"
        ]
    except (json.JSONDecodeError, AttributeError, UnicodeDecodeError):
        return Notebook(path, (), "not a readable notebook (JSON)")
    imports: list[ImportStatement] = []
    entries: list[str] = []
    unreadable: list[tuple[int, str]] = []
    written = [(n, file) for n, c in cells if (file := written_file(cell_text(c.get("source"))))]
    for number, cell in cells:
        facts = analyse_source(strip_notebook_magics(cell_text(cell.get("source", ""))))
        if facts.parse_error:
            unreadable.append((number, facts.parse_error))
        imports += facts.imports
        entries += facts.sys_path_entries
    return Notebook(path, tuple(imports), None, tuple(entries), tuple(unreadable), tuple(written))


def cell_text(source: object) -> str:
    """A cell's source as one string (notebooks store it as a string or a list of lines)."""
    return "".join(map(str, source)) if isinstance(source, list) else str(source)


Importer = tuple[str, tuple[ImportStatement, ...], tuple[str, ...]]
# Each round may find files that lend more directories; real graphs settle in two or three.
RESOLUTION_ROUNDS = 8


def local_imports(
    tree: SourceTree, importers: list[Importer]
) -> tuple[list[LocalImport], dict[str, list[str]]]:
    """Every import of ``importers`` (path, imports, sys.path entries) that names repository
    files, and the directories each importer's absolute imports were searched in besides its
    own and the root. A helper such as ``_init_paths.py`` that edits ``sys.path`` when imported
    lends its directories to its importer; the scripts that reach a module lend it theirs (see
    script_directories), which may find more files: resolved again until nothing changes."""
    inherited: dict[str, tuple[str, ...]] = {}
    for _ in range(RESOLUTION_ROUNDS):
        found, roots = resolved_with(tree, importers, inherited)
        again = inherited_directories((hit.importer, hit.files) for hit in found)
        if again == inherited:
            break
        inherited = again
    return found, roots


def resolved_with(
    tree: SourceTree, importers: list[Importer], inherited: dict[str, tuple[str, ...]]
) -> tuple[list[LocalImport], dict[str, list[str]]]:
    """One pass of ``local_imports`` with the scripts' directories known so far."""
    edits = {path: added_roots(path, entries) for path, _, entries in importers if entries}
    found: list[LocalImport] = []
    search: dict[str, list[str]] = {}
    for importer, statements, entries in importers:
        own = with_inherited({importer: added_roots(importer, entries)}, inherited, importer)
        first = [resolve(tree, importer, statement, own) for statement in statements]
        lent = [root for hit in first if hit for f in hit.files for root in edits.get(f, [])]
        search[importer] = list(dict.fromkeys([*own, *lent]))
        for statement, hit in zip(statements, first):
            if lent and statement.level == 0:
                hit = resolve(tree, importer, statement, search[importer])
            if hit is not None and not another_package_meant(hit, search[importer]):
                found.append(hit)
    return found, search


def another_package_meant(hit: LocalImport, explicit_roots: list[str]) -> bool:
    """Whether a subdirectory's import of a well-known name means the real package.

    A notebook in ``notebooks/`` that imports ``datasets`` gets Hugging Face's, not the
    repository's ``datasets/``: the root is not on its path unless it puts it there.
    """
    top_directory = PurePosixPath(hit.top).parts[0]
    # A file inside the package it imports means that package, whatever its name.
    in_subdirectory = "/" in hit.importer and not hit.importer.startswith(f"{top_directory}/")
    implicit_root = hit.base == ROOT and ROOT not in explicit_roots
    well_known = hit.top_name in POPULAR_IMPORT_NAMES or hit.top_name in sys.stdlib_module_names
    return in_subdirectory and implicit_root and well_known


def is_link(root: Path, name: str) -> bool:
    return os.path.islink(root / name)


def link_target(root: Path, name: str) -> str:
    """Where the link ``name`` points, as written (it is never followed out of the repository)."""
    return os.readlink(root / name)


def inside(root: Path, name: str) -> bool:
    """Whether the link ``name`` resolves to a regular file inside the repository."""
    target = (root / name).resolve()
    return target.is_file() and target.is_relative_to(root.resolve())


def python_source(root: Path, name: str, overrides: Mapping[str, str]) -> str:
    """A Python file's text: its override (a conversion not written yet), else from disk;
    a link out of the repository is not read."""
    if name in overrides:
        return overrides[name]
    if is_link(root, name) and not inside(root, name):
        return ""
    return (root / name).read_text(encoding="utf-8", errors="replace")


def analyse_repository(
    root: Path, overrides: Mapping[str, str] | None = None
) -> RepositoryAnalysis:
    """Describe the repository at ``root``; reads files and runs ``git``, writes nothing.

    ``overrides`` replaces the text of some Python files (``adopt --modernize`` plans with the
    converted text before anything is written).
    """
    files, is_git = repository_files(root)
    symlinks = {name: link_target(root, name) for name in files if is_link(root, name)}
    python_files = tuple(
        PythonFile(name, analyse_source(python_source(root, name, overrides or {})))
        for name in files
        if name.endswith(".py")
    )
    notebooks = tuple(notebook_imports(root, name) for name in files if name.endswith(".ipynb"))
    packages = sorted(
        {str(PurePosixPath(f.path).parent) for f in python_files if f.path.endswith("/__init__.py")}
    )
    code_dirs = {str(PurePosixPath(f.path).parent) for f in python_files} - {"."}
    submodules = git.submodule_paths(root) if is_git else []
    foreign = tuple(submodule_python_files(root, submodules))
    resolved, search_roots = import_graph_of(python_files, notebooks, foreign)
    top_level = {PurePosixPath(f.path).parts[0].removesuffix(".py") for f in python_files}
    shadowing = tuple(
        (name, "the standard library" if name in sys.stdlib_module_names else "a PyPI package")
        for name in sorted(top_level)
        if name in sys.stdlib_module_names or name in POPULAR_IMPORT_NAMES
    )
    tracked = git.tracked_files(root) or []
    setup_literals, setup_problems = read_setup_py(root) if "setup.py" in files else ({}, [])
    poetry = read_poetry(root)
    declared = declared_packages(root, tuple(files))
    return RepositoryAnalysis(
        root=root,
        is_git=is_git,
        uncommitted=tuple(git.changed_paths(root)) if is_git else (),
        files=tuple(files),
        python_files=python_files,
        notebooks=notebooks,
        packages=tuple(packages),
        directories_without_init=tuple(sorted(code_dirs - set(packages))),
        local_imports=resolved,
        dependencies=read_dependencies(root, poetry),
        license_file=find_code_license(root),
        tracked_weights=tuple(
            (name, kind)
            for name in tracked
            if not is_link(root, name) and (kind := weight_kind(str(root / name))) is not None
        ),
        shadowing=shadowing,
        flake8_sections=tuple(
            name
            for name in ("setup.cfg", "tox.ini")
            if name in files and FLAKE8_SECTION.search((root / name).read_text(errors="replace"))
        ),
        setup_py_problems=tuple(setup_problems),
        setup_py_literals=setup_literals,
        poetry=poetry,
        invalid_module_names=tuple(f.path for f in python_files if f.module_name is None),
        symlinks=symlinks,
        existing_packages=tuple(existing_packages(declared, tuple(files), resolved)),
        search_roots=search_roots,
        declared_packages=None if declared is None else tuple(declared),
        submodules=tuple(submodules),
        submodule_python_files=foreign,
    )


def with_converted(
    analysis: RepositoryAnalysis, converted: Mapping[str, str]
) -> RepositoryAnalysis:
    """The analysis as it is once some Python files have the text ``converted`` gives them
    (``adopt --modernize``'s conversions, not written yet): their facts and the import graph
    again, from memory; nothing is read from the repository."""
    if not converted:
        return analysis
    python_files = tuple(
        PythonFile(f.path, analyse_source(converted[f.path])) if f.path in converted else f
        for f in analysis.python_files
    )
    resolved, search_roots = import_graph_of(
        python_files, analysis.notebooks, analysis.submodule_python_files
    )
    declared = None if analysis.declared_packages is None else list(analysis.declared_packages)
    return replace(
        analysis,
        python_files=python_files,
        local_imports=resolved,
        search_roots=search_roots,
        existing_packages=tuple(existing_packages(declared, analysis.files, resolved)),
    )


def import_graph_of(
    python_files: tuple[PythonFile, ...],
    notebooks: tuple[Notebook, ...],
    submodule_files: tuple[str, ...] = (),
) -> tuple[tuple[LocalImport, ...], dict[str, list[str]]]:
    """Every local import of the files and notebooks, and where each importer searched; an
    import may name a file checked out in a git submodule, which is found but never read."""
    tree = SourceTree([*(f.path for f in python_files), *submodule_files])
    importers = [(f.path, f.facts.imports, f.facts.sys_path_entries) for f in python_files]
    importers += [(n.path, n.imports, n.sys_path_entries) for n in notebooks]
    hits, search_roots = local_imports(tree, importers)
    return tuple(hits), search_roots
