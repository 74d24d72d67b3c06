"""``weights init``: the registry machinery of a generated project, put into an existing package.

The package is the one the build backend ships (``ml_publish.layout``), in a src or a flat
layout. It gets the template's loader (``pretrained.py``, with the ``_cache.py``,
``_download.py`` and ``_local.py`` it imports, and ``filelock`` among the project's
dependencies, which the cache locks with) and an empty ``weights.json``; a PyTorch
project (torch among its dependencies) also gets the template's ``model.py`` (and
``safetensors``, which it reads weights with, among the dependencies) and ``transforms.py`` and
a ``hubconf.py`` at the root, unless the package has a ``model.py`` or
``transforms.py`` of its own: then it keeps them, and gets the framework-neutral
``pretrained.py`` and no ``hubconf.py`` (its entry points need the template's ``get_model``).
The README gets the weights-table markers; a setuptools project gets ``weights.json`` in its
``package-data`` (the other backends ship a package's files as they are).

Nothing that exists is overwritten, so a second run changes nothing. The plan is plain data:
``--dry-run`` prints it.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ml_publish import template
from ml_publish.errors import UsageError
from ml_publish.layout.backends import project_name
from ml_publish.layout.discovery import discover_packages, read_pyproject, the_package
from ml_publish.layout.tree import Package, PackageLayout
from ml_publish.project_facts import resolve_repository
from ml_publish.readmes import readme_name
from ml_publish.weights.hubconf import HUBCONF_FILE, render_hubconf
from ml_publish.weights.naming import REGISTRY_FILE
from ml_publish.weights.table import render_for, table_markers

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The template is rendered with this package name, then it is replaced by the real import name:
# a dotted name (a package inside a namespace package) is no answer the template accepts.
PLACEHOLDER = "mlpublishinitpackage"
PYTORCH_MODULES = ("model.py", "transforms.py")
# The modules pretrained.py imports, and the requirement they need; the template's model.py
# reads .safetensors files with the safetensors library.
LOADER_MODULES = ("_cache.py", "_download.py", "_local.py")
LOADER_REQUIREMENT = "filelock>=3.12"
MODEL_REQUIREMENT = "safetensors>=0.4"
WHY_REQUIRED = {
    LOADER_REQUIREMENT: "the loader locks its cache with it",
    MODEL_REQUIREMENT: "model.py reads .safetensors weights with it",
}
TORCH_REQUIREMENT = re.compile(r"^\s*(torch|pytorch)\s*(?:[\[<>=!~;@\s]|$)", re.IGNORECASE)
UNKNOWN_REPOSITORY = "OWNER/REPOSITORY"
SECTION_TITLE = "Pretrained weights"
PACKAGE_DATA = "[tool.setuptools.package-data]"


@dataclass(frozen=True)
class CreateFile:
    path: str
    text: str
    why: str


@dataclass(frozen=True)
class AppendToReadme:
    path: str
    text: str


@dataclass(frozen=True)
class AddDependency:
    """Add ``requirement`` to ``[project] dependencies``."""

    requirement: str


@dataclass(frozen=True)
class ShipRegistry:
    """Add ``weights.json`` to setuptools' ``package-data`` for the package."""

    package: str


Operation = CreateFile | AppendToReadme | AddDependency | ShipRegistry


@dataclass(frozen=True)
class InitPlan:
    root: Path
    package: Package
    backend: str
    operations: tuple[Operation, ...]
    kept: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def registry(self) -> str:
        return relative(self.root, self.package.path / REGISTRY_FILE)


def relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def plan_init(root: Path, requested: str | None = None) -> InitPlan:
    """What ``weights init`` would write; reads only, and refuses bad input with one line."""
    root = root.resolve()
    document = read_pyproject(root)
    if document is None:
        raise UsageError("pyproject.toml is not valid TOML; fix it before adding the registry")
    layout = discover_packages(root, document)
    package = the_package(layout, requested, project_name(document))
    check_single_registry(root, layout, package)
    pytorch = uses_torch(document)
    rendered = render_package_files(package.name, "pytorch" if pytorch else "none")
    own = [name for name in PYTORCH_MODULES if pytorch and is_own(package.path / name, rendered)]
    if own:
        rendered = render_package_files(package.name, "none")
    own_loader = is_own(package.path / "pretrained.py", rendered)
    if own_loader:
        rendered = {k: v for k, v in rendered.items() if k not in LOADER_MODULES}
    operations: list[Operation] = []
    kept: list[str] = []
    for name, text in rendered.items():
        path = package.path / name
        if path.exists():
            kept.append(relative(root, path))
        else:
            operations.append(CreateFile(relative(root, path), text, WHY[name]))
    notes = []
    if pytorch and own:
        notes.append(
            f"{package.name} has its own {' and '.join(own)}: kept, so no hubconf.py (its entry "
            "points call the template's model.get_model) and a pretrained.py without transforms"
        )
    if own_loader:
        notes.append(
            f"{package.name}/pretrained.py is the package's own and stays: the weights it loads "
            "are not the registry's unless it reads weights.json"
        )
    if pytorch and not own:
        hubconf = root / HUBCONF_FILE
        if hubconf.exists():
            kept.append(HUBCONF_FILE)
        else:
            text = render_hubconf(package.name, repository_of(root), [])
            operations.append(CreateFile(HUBCONF_FILE, text, "PyTorch Hub entry points"))
    operations += readme_operations(root, document)
    wanted = [] if own_loader else [LOADER_REQUIREMENT]
    wanted += [MODEL_REQUIREMENT] if pytorch and not own else []
    dependency, note = needed_dependencies(document, wanted)
    operations += dependency
    notes += note
    if needs_package_data(layout, document, package):
        operations.append(ShipRegistry(package.name))
    return InitPlan(root, package, layout.backend, tuple(operations), tuple(kept), tuple(notes))


WHY = {
    "pretrained.py": "list_models(), get_weights(), download_weights(): verified, cached",
    "_cache.py": "the loader's cache: shared by processes, offline, read-only, full disks",
    "_download.py": "the loader's verified downloads, from the release or a mirror",
    "_local.py": "the loader's local weights (<PACKAGE>_WEIGHTS_DIR), found before any download",
    REGISTRY_FILE: "the weights registry, empty",
    "model.py": "@register_model and get_model(), which hubconf.py calls",
    "transforms.py": "the preprocessing recorded with each set of weights",
}


def is_own(path: Path, rendered: dict[str, str]) -> bool:
    """Whether ``path`` is the author's module, not the one an earlier run wrote."""
    return path.is_file() and path.read_text(encoding="utf-8") != rendered.get(path.name)


def check_single_registry(root: Path, layout: PackageLayout, package: Package) -> None:
    others = [p for p in layout.packages if p != package and (p.path / REGISTRY_FILE).is_file()]
    if others:
        found = relative(root, others[0].path / REGISTRY_FILE)
        raise UsageError(f"{found} is already the weights registry; a project keeps one")


def requirements(document: dict[str, Any]) -> list[str]:
    """Every requirement: dependencies, extras and dependency groups."""
    project = document.get("project", {})
    found = [str(r) for r in project.get("dependencies", [])]
    for extra in project.get("optional-dependencies", {}).values():
        found += [str(r) for r in extra]
    for group in document.get("dependency-groups", {}).values():
        found += [r for r in group if isinstance(r, str)]
    return found


def uses_torch(document: dict[str, Any]) -> bool:
    return any(TORCH_REQUIREMENT.match(r) for r in requirements(document))


def render_package_files(package: str, framework: str) -> dict[str, str]:
    """The template's package modules and registry, for ``package``'s import name."""
    answers = template.resolve_answers(
        {"package_name": PLACEHOLDER, "framework": framework, "include_notebook": "no"},
        no_input=True,
    )
    wanted: tuple[str, ...] = ("pretrained.py", *LOADER_MODULES, REGISTRY_FILE)
    wanted += PYTORCH_MODULES if framework == "pytorch" else ()
    with tempfile.TemporaryDirectory(prefix="ml-publish-init-") as scratch:
        rendered = template.render(answers, Path(scratch), overwrite=False) / PLACEHOLDER
        texts = {name: (rendered / name).read_text(encoding="utf-8") for name in wanted}
    upper = package.replace(".", "_").upper()
    return {
        name: text.replace(PLACEHOLDER.upper(), upper).replace(PLACEHOLDER, package)
        for name, text in texts.items()
    }


def needed_dependencies(
    document: dict[str, Any], wanted: list[str]
) -> tuple[list[Operation], list[str]]:
    """Each requirement the written modules import into ``[project] dependencies``, unless a
    dependency names its distribution already (or they are not a static list to add to)."""
    project = document.get("project", {})
    declared = {distribution_name(str(r)) for r in project.get("dependencies", [])}
    missing = [r for r in wanted if distribution_name(r) not in declared]
    if not missing:
        return [], []
    if "dependencies" in project.get("dynamic", []) or not project:
        return [], [
            f"the modules written need {' and '.join(missing)}: add them where the project's "
            "dependencies are declared (they are not a static [project] dependencies list)"
        ]
    return [AddDependency(r) for r in missing], []


def distribution_name(requirement: str) -> str | None:
    """The normalised distribution a requirement names; None when it is no requirement."""
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return None


def repository_of(root: Path) -> str:
    try:
        return resolve_repository(None, root)
    except UsageError:
        return UNKNOWN_REPOSITORY


def readme_operations(root: Path, document: dict[str, Any]) -> list[Operation]:
    """The weights-table markers at the end of the README (a new README.md when there is none)."""
    declared = document.get("project", {}).get("readme")
    name = readme_name(root, declared)
    rst = (name or "").lower().endswith(".rst")
    start, end = table_markers(rst)
    heading = f".. rubric:: {SECTION_TITLE}" if rst else f"## {SECTION_TITLE}"
    block = f"{heading}\n\n{start}\n\n{render_for([], rst)}\n\n{end}\n"
    if name is None:
        title = project_name(document) or root.name
        readme = f"# {title}\n\n{block}"
        return [CreateFile("README.md", readme, "the README, for the weights table")]
    text = (root / name).read_text(encoding="utf-8", errors="replace")
    if start in text:
        return []
    separator = "" if not text.strip() else "\n" if text.endswith("\n") else "\n\n"
    return [AppendToReadme(name, separator + block)]


def needs_package_data(layout: PackageLayout, document: dict[str, Any], package: Package) -> bool:
    """setuptools ships a package's non-Python files only when told: is it told?"""
    if layout.backend != "setuptools" or not document:
        return False
    settings = document.get("tool", {}).get("setuptools", {})
    package_data = settings.get("package-data", {}) if isinstance(settings, dict) else {}
    import fnmatch

    return not any(
        key in {package.name, "*", ""} and any(fnmatch.fnmatch(REGISTRY_FILE, p) for p in patterns)
        for key, patterns in package_data.items()
        if isinstance(patterns, list)
    )


def describe(plan: InitPlan) -> list[str]:
    """The plan, one line per operation, then what stays and why."""
    lines = [f"weights init for the package {plan.package.name} ({plan.backend}):"]
    for operation in plan.operations:
        if isinstance(operation, CreateFile):
            lines.append(f"  create {operation.path}: {operation.why}")
        elif isinstance(operation, AppendToReadme):
            lines.append(f"  append the weights-table markers to {operation.path}")
        elif isinstance(operation, AddDependency):
            lines.append(
                f"  add {operation.requirement} to [project] dependencies in pyproject.toml: "
                f"{WHY_REQUIRED[operation.requirement]}"
            )
        else:
            lines.append(
                f"  add {REGISTRY_FILE} to {PACKAGE_DATA} for {operation.package} in "
                "pyproject.toml, so the wheel carries the registry"
            )
    lines += [f"  keep {path} as it is" for path in plan.kept]
    lines += [f"  note: {note}" for note in plan.notes]
    if not plan.operations:
        lines.append("  nothing to do: the registry machinery is in place")
    return lines


def apply_init(plan: InitPlan) -> None:
    """Write the plan; each operation creates or appends, never replaces."""
    for operation in plan.operations:
        if isinstance(operation, CreateFile):
            path = plan.root / operation.path
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as out:  # "x": never over an existing file
                out.write(operation.text)
        elif isinstance(operation, AppendToReadme):
            with (plan.root / operation.path).open("a", encoding="utf-8") as out:
                out.write(operation.text)
        elif isinstance(operation, AddDependency):
            add_dependency(plan.root / "pyproject.toml", operation.requirement)
        else:
            add_package_data(plan.root / "pyproject.toml", operation.package)


def add_dependency(pyproject: Path, requirement: str) -> None:
    """``requirement`` appended to ``[project] dependencies``, the file's style kept."""
    import tomlkit

    document = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    project: Any = document["project"]
    if "dependencies" not in project:
        project["dependencies"] = tomlkit.array()
    dependencies = project["dependencies"]
    dependencies.append(requirement)
    pyproject.write_text(tomlkit.dumps(document), encoding="utf-8")


def add_package_data(pyproject: Path, package: str) -> None:
    """``<package> = [..., "weights.json"]`` in ``[tool.setuptools.package-data]``."""
    import tomlkit

    document = tomlkit.parse(pyproject.read_text(encoding="utf-8"))
    tables: Any = document
    for key in ("tool", "setuptools"):
        if key not in tables:
            tables[key] = tomlkit.table(is_super_table=True)
        tables = tables[key]
    if "package-data" not in tables:
        tables["package-data"] = tomlkit.table()
    package_data = tables["package-data"]
    patterns = list(package_data.get(package, []))
    package_data[package] = [*patterns, REGISTRY_FILE]
    text = tomlkit.dumps(document)
    # tomlkit puts a new table right against the next one; keep TOML's usual blank line.
    text = re.sub(rf'(\n"?{re.escape(package)}"? = \[[^\n]*\])\n(\[)', r"\1\n\n\2", text)
    pyproject.write_text(text, encoding="utf-8")
