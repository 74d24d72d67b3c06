"""Step 2 of adopt: the typed operations that turn the analysed repository into the package.

A plan is plain data, made by a pure function from the analysis, printed for people before
anything changes (``--dry-run`` stops there) and carried out by the apply step in order.
Nothing is ever deleted: what cannot be moved safely stays where it is, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from ml_publish.adopt.analyse import TOOL_FILES, PythonFile, RepositoryAnalysis
from ml_publish.adopt.dependencies import relax
from ml_publish.adopt.python_files import is_module_name
from ml_publish.errors import UsageError

# Directories whose files stay where they are (their imports are still rewritten).
STAYING_DIRS = {"tests", "test", "notebooks", "scripts", "docs", "examples", "benchmarks"}
PINNED_REQUIREMENTS_FILE = "requirements-pinned.txt"
NO_LICENSE_ITEM = "a LICENSE: adopt never picks one"
# setup() arguments the rendered pyproject.toml carries (see scaffold.answers_for).
CARRIED_SETUP_KEYS = {
    "name",
    "version",
    "description",
    "author",
    "author_email",
    "install_requires",
}


@dataclass(frozen=True)
class MoveFile:
    """``git mv`` a file into the package, so its history follows."""

    source: str
    destination: str

    def describe(self) -> str:
        return f"move      {self.source} -> {self.destination}"


@dataclass(frozen=True)
class CreateFile:
    path: str
    content: str
    why: str

    def describe(self) -> str:
        return f"create    {self.path} ({self.why})"


@dataclass(frozen=True)
class RewriteImports:
    """Point a file's bare imports of moved modules at their new package names."""

    path: str
    renames: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        renames = ", ".join(f"{old} -> {new}" for old, new in self.renames)
        return f"imports   {self.path}: {renames}"


@dataclass(frozen=True)
class AddConsoleScript:
    name: str
    target: str

    def describe(self) -> str:
        return f"script    [project.scripts] {self.name} = {self.target!r}"


@dataclass(frozen=True)
class SetDependencies:
    """``[project.dependencies]``: lower bounds; the exact pins go to a separate file."""

    requirements: tuple[str, ...]
    pinned: tuple[str, ...]
    left_out: tuple[str, ...]

    def describe(self) -> str:
        lines = [f"depend    [project.dependencies] = {list(self.requirements)}"]
        if self.pinned:
            lines.append(
                f"pin       {PINNED_REQUIREMENTS_FILE}: {len(self.pinned)} exact pins kept"
            )
        lines += [f"warn      {text} left out: PyPI refuses direct URLs" for text in self.left_out]
        return "\n".join(lines)


@dataclass(frozen=True)
class UntrackWeight:
    """``git rm --cached`` a weight file, keep it on disk and register it as pending."""

    path: str
    name: str

    def describe(self) -> str:
        return f"weights   untrack {self.path}, register it as {self.name!r} (pending upload)"


@dataclass(frozen=True)
class MoveFlake8Section:
    """Carry a ``[flake8]`` section of setup.cfg or tox.ini into .flake8.

    flake8 reads setup.cfg and tox.ini before .flake8, so a section left there would hide the
    project's .flake8 (and the lint baseline written to it).
    """

    source: str

    def describe(self) -> str:
        return f"flake8    move the [flake8] section of {self.source} into .flake8"


@dataclass(frozen=True)
class RemoveCarriedFile:
    """``git rm`` a file only because everything in it now lives elsewhere (git keeps it)."""

    path: str
    carried_to: str

    def describe(self) -> str:
        return f"remove    {self.path} (everything in it is now in {self.carried_to})"


@dataclass(frozen=True)
class MergeFile:
    """Complete a file the repository has with what the template's version adds."""

    path: str
    template_text: str
    dependencies: tuple[str, ...] = ()
    scripts: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        return f"merge     {self.path} (yours kept; the template's missing parts added)"


Operation = (
    MoveFile
    | CreateFile
    | MergeFile
    | RewriteImports
    | AddConsoleScript
    | SetDependencies
    | UntrackWeight
    | MoveFlake8Section
    | RemoveCarriedFile
)
# Files adopt merges into; any other template file the repository has already is left alone.
MERGED_FILES = ("pyproject.toml", ".gitignore", "README.md")


@dataclass(frozen=True)
class Plan:
    package: str
    operations: tuple[Operation, ...]
    left_in_place: tuple[tuple[str, str], ...] = field(default=())
    needs_a_person: tuple[str, ...] = field(default=())
    existing_files: frozenset[str] = field(default=frozenset())
    template_paths: frozenset[str] = field(default=frozenset())
    unparseable: frozenset[str] = field(default=frozenset())

    def describe(self) -> str:
        """The plan as people read it before anything changes."""
        lines = [f"Plan for package {self.package!r}:"]
        lines += [f"  {line}" for op in self.operations for line in op.describe().splitlines()]
        if self.left_in_place:
            lines.append("Left where they are:")
            lines += [f"  {path}: {why}" for path, why in self.left_in_place]
        if self.needs_a_person:
            lines.append("Needs a person:")
            lines += [f"  {item}" for item in self.needs_a_person]
        return "\n".join(lines)


def with_template(
    plan: Plan, template_files: dict[str, str], current_texts: dict[str, str]
) -> Plan:
    """``plan`` preceded by creating the template files the repository lacks and merging the
    ones it has (pyproject.toml, .gitignore, README.md); its own files always win.

    ``current_texts`` holds the repository's version of the template's paths, so a file that
    already equals the template's is not reported as kept.
    """
    moved_to = {op.destination for op in plan.operations if isinstance(op, MoveFile)}
    existing_sources = {op.source for op in plan.operations if isinstance(op, MoveFile)}
    requirements = next(
        (op.requirements for op in plan.operations if isinstance(op, SetDependencies)), ()
    )
    scripts = tuple(
        (op.name, op.target) for op in plan.operations if isinstance(op, AddConsoleScript)
    )
    template_ops: list[Operation] = []
    kept: list[tuple[str, str]] = []
    for path, text in sorted(template_files.items()):
        exists = path in plan.existing_files and path not in existing_sources
        if path == "pyproject.toml":
            # The repository's own dependencies and scripts go in with the template's, so
            # they come before (and win over) the template's defaults.
            template_ops.append(MergeFile(path, text, requirements, scripts))
        elif path in MERGED_FILES and exists:
            template_ops.append(MergeFile(path, text))
        elif exists or path in moved_to:
            if current_texts.get(path) != text:
                kept.append((path, "yours kept; the template has its own version"))
        else:
            template_ops.append(CreateFile(path, text, "from the template"))
    # The template's own package __init__.py replaces the empty one the plan would create.
    operations = [
        op
        for op in plan.operations
        if not (isinstance(op, CreateFile) and op.path in template_files)
    ]
    return replace(
        plan,
        operations=tuple(template_ops + operations),
        left_in_place=plan.left_in_place + tuple(kept),
        template_paths=frozenset(template_files),
    )


def package_name_for(analysis: RepositoryAnalysis, requested: str | None) -> str:
    """``--package``, else the directory's name made into an identifier."""
    name = requested or re.sub(r"\W+", "_", analysis.root.resolve().name).strip("_").lower()
    if not name or not is_module_name(name) or name[0].isdigit():
        raise UsageError(f"{name!r} is not a usable package name; pass --package NAME")
    taken = {PurePosixPath(f.path).parts[0].removesuffix(".py") for f in analysis.python_files}
    if name in taken and name not in analysis.packages:
        raise UsageError(f"{name!r} is already a module here; pass --package with another name")
    return name


def reason_to_stay(file: PythonFile, analysis: RepositoryAnalysis) -> str | None:
    """Why a file stays where it is (for the report), or ``None`` when it moves.

    Tool files and files in test, notebook or script directories stay without comment.
    """
    if file.facts.parse_error:
        return f"{file.facts.parse_error}; fix it by hand, then run adopt again"
    if file.path in analysis.shadowed_modules:
        name = PurePosixPath(file.path).stem
        return f"never imported: the package {name}/ beside it shadows it"
    if file.module_name is None:
        return "not a valid module name; it stays a script that imports the package"
    if file.facts.is_script and not (file.facts.main_function and file.facts.main_block):
        return "a script without main(); it stays a script that imports the package"
    return None


def stays_silently(file: PythonFile) -> bool:
    return file.path in TOOL_FILES or PurePosixPath(file.path).parts[0] in STAYING_DIRS


def make_plan(analysis: RepositoryAnalysis, package: str | None = None) -> Plan:
    """The operations for ``analysis``; pure: it reads nothing and changes nothing."""
    name = package_name_for(analysis, package)
    operations: list[Operation] = []
    left: list[tuple[str, str]] = []
    destinations: dict[str, str] = {}
    for file in analysis.python_files:
        in_package = PurePosixPath(file.path).parts[0] == name
        if (stays_silently(file) or in_package) and not file.facts.parse_error:
            continue
        reason = reason_to_stay(file, analysis)
        package_beside = f"{name}/{PurePosixPath(file.path).with_suffix('')}"
        if reason is None and f"{package_beside}/__init__.py" in analysis.files:
            reason = f"{package_beside}/ is already in the package; moving it would be shadowed"
        if reason is None:
            destinations[file.path] = f"{name}/{file.path}"
        else:
            left.append((file.path, reason))
    package_dirs = {str(PurePosixPath(d).parent) for d in destinations.values()}
    for directory in sorted(package_dirs):
        if not any(d == f"{directory}/__init__.py" for d in destinations.values()):
            why = "the package" if directory == name else "makes the subtree a subpackage"
            operations.append(CreateFile(f"{directory}/__init__.py", "", why))
    operations += [MoveFile(src, dst) for src, dst in destinations.items()]
    operations += rewrites(analysis, destinations)
    for file in analysis.python_files:
        if file.path in destinations and file.facts.main_function and file.facts.main_block:
            module = module_of(destinations[file.path])
            operations.append(AddConsoleScript(console_name(file.path), f"{module}:main"))
    operations.append(dependencies_operation(analysis))
    operations += [MoveFlake8Section(name) for name in analysis.flake8_sections]
    fate = setup_py_fate(analysis)
    if isinstance(fate, RemoveCarriedFile):
        operations.append(fate)
    operations += [
        UntrackWeight(path, re.sub(r"\W+", "_", PurePosixPath(path).stem) or "model")
        for path, _ in analysis.tracked_weights
    ]
    return Plan(
        name,
        tuple(operations),
        tuple(left + ([fate] if isinstance(fate, tuple) else [])),
        tuple(needs_a_person(analysis)),
        frozenset(analysis.files),
        unparseable=frozenset(f.path for f in analysis.unparseable),
    )


def module_of(path: str) -> str:
    parts = PurePosixPath(path).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def console_name(path: str) -> str:
    return PurePosixPath(path).stem.replace("_", "-")


def rewrites(analysis: RepositoryAnalysis, destinations: dict[str, str]) -> list[RewriteImports]:
    """One operation per file that imports a moved module by its bare name."""
    by_importer: dict[str, dict[str, str]] = {}
    for local in analysis.local_imports:
        target = local.target.removesuffix("/__init__.py")
        moved = destinations.get(local.target) or destinations.get(f"{target}/__init__.py")
        if moved is None:
            continue
        old_top = local.statement.module.split(".")[0]
        new_top = module_of(moved)
        by_importer.setdefault(local.importer, {})[old_top] = new_top
    return [
        RewriteImports(destinations.get(importer, importer), tuple(sorted(renames.items())))
        for importer, renames in sorted(by_importer.items())
    ]


def dependencies_operation(analysis: RepositoryAnalysis) -> SetDependencies:
    found = sorted(analysis.dependencies.requirements, key=lambda r: r.name.lower())
    relaxed = [(r, relax(r)) for r in found]
    return SetDependencies(
        requirements=tuple(text for _, text in relaxed if text),
        pinned=tuple(r.text for r in found if "==" in r.text and not r.direct_url),
        left_out=tuple(r.text for r in found if r.direct_url),
    )


def setup_py_fate(analysis: RepositoryAnalysis) -> RemoveCarriedFile | tuple[str, str] | None:
    """setup.py goes only when all of it is literal metadata that pyproject.toml now holds."""
    if "setup.py" not in analysis.files:
        return None
    uncarried = sorted(set(analysis.setup_py_literals) - CARRIED_SETUP_KEYS)
    if not analysis.setup_py_problems and not uncarried:
        return RemoveCarriedFile("setup.py", "pyproject.toml")
    reasons = list(analysis.setup_py_problems)
    if uncarried:
        reasons.append(f"{', '.join(uncarried)} not carried over")
    return ("setup.py", f"kept for you to delete once checked ({'; '.join(reasons)})")


def needs_a_person(analysis: RepositoryAnalysis) -> list[str]:
    items = ["a picture of the task for the README (docs/images/task.svg is a placeholder)"]
    items.append("data instructions in the README: where to download, where to put it")
    if analysis.license_file is None:
        items.append(f"{NO_LICENSE_ITEM}; pass license=MIT (or another) to add it")
    for file in analysis.python_files:
        for line, path in file.facts.absolute_paths:
            items.append(f"{file.path}:{line}: the absolute path {path!r} only exists on one disk")
    staying_at_root = {
        PurePosixPath(f.path).stem
        for f in analysis.scripts + analysis.unparseable
        if "/" not in f.path
    }
    for name, what in analysis.shadowing:
        if name in staying_at_root:
            items.append(
                f"{name}.py stays at the root, where it hides {what} of the same name from "
                "code run there; rename it"
            )
    for file in analysis.python_files:
        for line in file.facts.sys_path_edits:
            items.append(
                f"{file.path}:{line}: sys.path is edited; after adopt the import works without it"
            )
    return items
