"""Third-party imports of the package that its metadata does not declare, added or listed.

The package's files (what moves into it and what is already in it) are read statically, as
check's PKG111 reads them and with the same import-name → distribution mapping (see
checks/import_names.py). A distribution adopt is sure of is added to ``[project.dependencies]``:
with the lower bound of its pin when a development requirements file pins it, else without one.
One it cannot be sure of, or that PyPI does not have, is named under "needs a person". The
standard library, the repository's own modules (whatever resolves to its files) and what the
requirements already declare are never listed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from packaging.utils import canonicalize_name

from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.repository_analysis.dependencies import (
    DEVELOPMENT_FILE,
    REQUIREMENTS_GLOB,
    FoundRequirement,
    read_requirements_file,
    relax,
)
from ml_publish.adopt.operations import MoveFile, Plan, SetDependencies
from ml_publish.checks.import_names import (
    NOT_ON_PYPI,
    DeclaredNames,
    distribution_for,
    import_name,
    provided_names,
)
from ml_publish.checks.imported_modules import required_imports


@dataclass(frozen=True)
class Undeclared:
    """An import name the package needs and the metadata lacks, and where it is first imported
    (``pkg/x.py:3``, as the file will be named in the package)."""

    name: str
    where: str


def shipped_sources(plan: Plan, analysis: RepositoryAnalysis) -> dict[str, str]:
    """The package's Python files as they are now (path → path in the package)."""
    package = f"{plan.package}/"
    moved = {
        op.source: op.destination
        for op in plan.operations
        if isinstance(op, MoveFile) and op.destination.startswith(package)
    }
    shipped = {
        f.path: moved.get(f.path, f.path)
        for f in analysis.python_files
        if f.path in moved or (f.path.startswith(package) and f.path not in moved.values())
    }
    return {source: final for source, final in shipped.items() if final.endswith(".py")}


def own_names(analysis: RepositoryAnalysis, package: str) -> set[str]:
    """Top-level names that mean the repository's own code: what its imports resolved to, the
    package, and every module and directory at the root and in ``src/``."""
    names = {hit.top_name for hit in analysis.local_imports} | {package}
    for path in analysis.files:
        parts = PurePosixPath(path).parts
        parts = parts[1:] if parts[0] == "src" and len(parts) > 1 else parts
        if len(parts) > 1:
            names.add(parts[0])
        elif parts[0].endswith(".py"):
            names.add(parts[0].removesuffix(".py"))
    return names


def declared_in_pyproject(root: Path) -> list[str]:
    """The names ``[project]`` dependencies and extras list (a second adopt reads its own)."""
    from ml_publish.toml_file import parse_toml

    path = root / "pyproject.toml"
    try:
        project = parse_toml(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return []
    listed = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        listed += extra
    return [match[0] for text in listed if (match := re.match(r"[A-Za-z0-9][\w.-]*", text))]


def undeclared_imports(
    plan: Plan, analysis: RepositoryAnalysis, overrides: Mapping[str, str]
) -> list[Undeclared]:
    """What the package imports that no declared requirement provides, in file order.

    ``overrides`` holds the text of files converted to Python 3 but not written yet.
    """
    requirements = [r.name for r in analysis.dependencies.requirements]
    declared = DeclaredNames([*requirements, *declared_in_pyproject(analysis.root)])
    own = own_names(analysis, plan.package)
    found: dict[str, Undeclared] = {}
    for source, final in shipped_sources(plan, analysis).items():
        text = overrides.get(source)
        if text is None:
            text = (analysis.root / source).read_text(encoding="utf-8", errors="replace")
        try:
            imports = required_imports(text)
        except (SyntaxError, ValueError):
            continue  # left as it is; the lint baseline lists it
        for line, module in imports:
            top = module.split(".")[0]
            if top in sys.stdlib_module_names or top in own or declared.provide(module):
                continue
            name = import_name(module)
            found.setdefault(name, Undeclared(name, f"{final}:{line}"))
    return list(found.values())


def pinned_in_development_files(root: Path) -> dict[str, str]:
    """Lower bounds from the pins of development requirements files (``requirements-dev.txt``),
    by normalised name: the only version adopt knows for a package the metadata left out."""
    bounds: dict[str, str] = {}
    for path in sorted(root.glob(REQUIREMENTS_GLOB)):
        if DEVELOPMENT_FILE.search(path.name):
            for found in read_requirements_file(root, path.name, set())[0]:
                relaxed = relax(found)
                if relaxed:
                    bounds.setdefault(canonicalize_name(found.name), relaxed)
    return bounds


def named_in_requirement_directories(root: Path) -> list[FoundRequirement]:
    """Requirements of the files in ``requirements/`` that no other file includes and that are
    not for development: OpenMMLab's ``requirements/mminstall.txt`` names ``mmcv-full``, the
    distribution its ``import mmcv`` means (installed with ``mim``, outside setup.py)."""
    found: list[FoundRequirement] = []
    for path in sorted(root.glob("requirements/*.txt")):
        relative = path.relative_to(root).as_posix()
        if not DEVELOPMENT_FILE.search(relative):
            found += read_requirements_file(root, relative, set())[0]
    return found


def requirement_for(name: str, listed: list[FoundRequirement]) -> str | None:
    """The requirement, as [project.dependencies] writes it, of a listed distribution that
    provides the import name ``name``."""
    for requirement in listed:
        if name.lower() in provided_names(requirement.name):
            return relax(requirement)
    return None


def with_undeclared_imports(
    plan: Plan, analysis: RepositoryAnalysis, overrides: Mapping[str, str]
) -> Plan:
    """The plan adding each undeclared import's distribution to the dependencies when it is
    certain, and naming the others under "needs a person"."""
    from importlib.metadata import packages_distributions

    undeclared = undeclared_imports(plan, analysis, overrides)
    if not undeclared:
        return plan
    installed = packages_distributions()
    pins = pinned_in_development_files(analysis.root)
    elsewhere = named_in_requirement_directories(analysis.root)
    added: list[str] = []
    notes: list[str] = []
    items: list[str] = []
    for found in undeclared:
        distribution = distribution_for(found.name, installed)
        listed = requirement_for(found.name, elsewhere)
        if listed is not None:
            added.append(listed)
            notes.append(
                f"{found.where} imports {found.name}, which only a requirement file nothing "
                f"includes declared: {listed} added to [project.dependencies]"
            )
        elif found.name in NOT_ON_PYPI:
            items.append(
                f"{found.where}: imports {found.name}, which no PyPI distribution provides "
                f"({NOT_ON_PYPI[found.name]}): say in the README how to install it"
            )
        elif distribution is None:
            items.append(
                f"{found.where}: imports {found.name}, which no dependency declares and whose "
                "distribution adopt cannot tell: add it to [project.dependencies]"
            )
        else:
            requirement = pins.get(canonicalize_name(distribution), distribution)
            added.append(requirement)
            notes.append(
                f"{found.where} imports {found.name}, which no requirement declared: "
                f"{requirement} added to [project.dependencies]"
            )
    operations = tuple(
        (
            replace(op, requirements=tuple(sorted([*op.requirements, *added], key=str.lower)))
            if isinstance(op, SetDependencies)
            else op
        )
        for op in plan.operations
    )
    return replace(
        plan,
        operations=operations,
        notes=(*plan.notes, *notes),
        needs_a_person=(*plan.needs_a_person, *items),
    )
