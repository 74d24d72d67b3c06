"""Adopt a repository: restructure it into the package, in place, losing nothing.

analyse (read only) → plan (typed operations, printed) → apply → lint baseline → report.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ml_publish import git
from ml_publish.repository_analysis.analyse import (
    RepositoryAnalysis,
    analyse_repository,
    with_converted,
)
from ml_publish.adopt.apply import RESTORE_CLEAN, RESTORE_DIRTY, apply_plan, stopped_at
from ml_publish.adopt.baseline import Baseline, write_baseline
from ml_publish.adopt.choices import AdoptChoices
from ml_publish.adopt.conflict_baseline import write_conflict_baseline
from ml_publish.adopt.commands import with_commands
from ml_publish.adopt.emptied import with_emptied_directories
from ml_publish.adopt.hook_baseline import CONFIG, HookBaseline, write_hook_baseline
from ml_publish.adopt.licensing import gnu_license_item
from ml_publish.adopt.modernize import Conversion, modernize_files
from ml_publish.adopt.operations import (
    AddVersion,
    CreateFile,
    MergeFile,
    ForwardHookConfig,
    ModernizeFile,
    MoveFile,
    Plan,
    UntrackWeight,
    headed,
)
from ml_publish.adopt.own_tooling import with_own_tooling
from ml_publish.adopt.plan import licensed, make_plan, with_safetensors
from ml_publish.adopt.pypi_readme import readme_problem
from ml_publish.adopt.readme import repository_readme
from ml_publish.adopt.readme_license import with_readme_license
from ml_publish.adopt.scaffold import PYTORCH_MODULES, Scaffold, render_scaffold, with_template
from ml_publish.adopt.undeclared import with_undeclared_imports
from ml_publish.adopt.verify import describe_unresolved, verify_adoption
from ml_publish.errors import MLPublishError, OperationFailed, UsageError
from ml_publish.repository_analysis.version_module import version_module
from ml_publish.weights.naming import DATA_KIND

START_A_REPOSITORY = "git init && git add --all && git commit -m 'Before ml-publish adopt'"


def plan_adoption(
    root: Path,
    *,
    package: str | None,
    answers: dict[str, str],
    allow_dirty: bool,
    modernize: bool = False,
    take_default_package: bool = False,
) -> Plan:
    """Check the repository can be adopted, analyse it and plan it; changes nothing.

    With ``modernize`` the files that are not Python 3 are converted in memory first, and the
    plan is made from the converted text (writing it is the plan's first step). With
    ``take_default_package``, several candidate packages become subpackages of a new one named
    after the repository instead of raising ``SeveralPackages``.
    """
    choices = AdoptChoices(package, answers, modernize, take_default_package)
    return plan_for(analyse_for_adoption(root, allow_dirty=allow_dirty), choices)


def analyse_for_adoption(root: Path, *, allow_dirty: bool) -> RepositoryAnalysis:
    """The one analysis of the repository a run of adopt plans from, once it is known that
    adopt can work on it (a git repository, its tree clean unless ``allow_dirty``)."""
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory")
    analysis = analyse_repository(root)
    if not analysis.is_git:
        raise UsageError(
            f"{root} is not a git repository, and adopt moves files with git so nothing is lost; "
            f"start one first: {START_A_REPOSITORY}"
        )
    if analysis.uncommitted and not allow_dirty:
        shown = ", ".join(analysis.uncommitted[:5]) + (
            " ..." if len(analysis.uncommitted) > 5 else ""
        )
        raise UsageError(
            f"the tree has uncommitted changes ({shown}); commit or stash them first, so git can "
            "undo adopt, or pass --allow-dirty"
        )
    return analysis


def plan_for(analysis: RepositoryAnalysis, choices: AdoptChoices) -> Plan:
    """The plan for ``analysis`` with ``choices``; reads the repository's text files it merges
    or rewrites, never analyses it again, and changes nothing."""
    root = analysis.root
    conversions = (
        modernize_files(root, [f.path for f in analysis.unparseable]) if choices.modernize else []
    )
    converted = {c.path: c.converted for c in conversions if c.changed}
    analysis = with_converted(analysis, converted)
    plan = make_plan(analysis, choices.package, take_default=choices.take_default_package)
    plan = with_conversions(plan, conversions)
    plan = with_undeclared_imports(plan, analysis, converted)
    plan = with_emptied_directories(root, with_commands(root, plan))
    own = own_modules(root, plan)
    scaffold = render_scaffold(analysis, plan.package, choices.answers, own)
    plan = replace(plan, notes=(*plan.notes, *scaffold_notes(plan, scaffold, choices, own)))
    template_files = {name: data.decode("utf-8") for name, data in scaffold.files.items()}
    current = {
        name: (root / name).read_text(encoding="utf-8", errors="replace")
        for name in template_files
        if (root / name).is_file()
    }
    plan = licensed(plan) if scaffold.licensed else with_readme_license(plan, root)
    if not scaffold.licensed and (gnu := gnu_license_item(analysis)):
        plan = replace(plan, needs_a_person=(*plan.needs_a_person, gnu))
    plan = with_template(plan, template_files, current)
    plan = with_renderable_readme(plan, root, current)
    plan = with_own_tooling(plan, root, template_files, scaffold.answers)
    plan = with_version(plan, analysis, scaffold.answers.get("version", "0.1.0"))
    return with_safetensors(root, plan)[0] if choices.safetensors else plan


def scaffold_notes(
    plan: Plan, scaffold: Scaffold, choices: AdoptChoices, own: dict[str, str]
) -> list[str]:
    """What the notes say about the answers the template was rendered with."""
    notes = []
    asked, kept = choices.answers.get("license"), scaffold.answers.get("license")
    if asked and kept != asked:
        notes.append(
            f"license={asked} ignored: the repository's own license ({kept}) stays, as its "
            "authors gave it"
        )
    if own and scaffold.own_modules_kept:
        names = " and ".join(PurePosixPath(path).name for path in own)
        note = f"{plan.package} has its own {names}: the template's PyTorch modules"
        notes.append(f"{note} and hubconf.py were not added")
    return notes


def with_renderable_readme(plan: Plan, root: Path, current: dict[str, str]) -> Plan:
    """The plan declaring the README plain text when PyPI cannot render it (see pypi_readme)."""
    pyproject = current.get("pyproject.toml", "")
    readme = repository_readme(plan.existing_files, pyproject)
    if readme is None:
        return plan
    merged = (op for op in plan.operations if isinstance(op, MergeFile) and op.path == readme)
    template_readme = next((op.template_text for op in merged), None)
    text = (root / readme).read_text(encoding="utf-8", errors="replace")
    operation = readme_problem(readme, text, pyproject, template_readme)
    if operation is None:
        return plan
    return replace(
        plan,
        operations=(*plan.operations, operation),
        needs_a_person=(*plan.needs_a_person, operation.needs_a_person()),
    )


def own_modules(root: Path, plan: Plan) -> dict[str, str]:
    """The package's ``model.py`` and ``transforms.py`` once adopted, by path, with their text."""
    sources = {op.destination: op.source for op in plan.operations if isinstance(op, MoveFile)}
    found = {}
    for name in PYTORCH_MODULES:
        final = f"{plan.package}/{name}"
        source = root / sources.get(final, final)
        if source.is_file():
            found[final] = source.read_text(encoding="utf-8", errors="replace")
    return found


def with_conversions(plan: Plan, conversions: list[Conversion]) -> Plan:
    """The plan, first writing the Python 3 conversions; their doubtful lines need a person."""
    moved = {op.source: op.destination for op in plan.operations if isinstance(op, MoveFile)}
    review = [
        f"{moved.get(c.path, c.path)}:{line}: {reason}"
        for c in conversions
        if c.changed
        for line, reason in c.review
    ]
    failed = [f"{c.path} was not converted: {c.error}" for c in conversions if c.error]
    return replace(
        plan,
        operations=(*(ModernizeFile(c) for c in conversions if c.changed), *plan.operations),
        needs_a_person=(*plan.needs_a_person, *review),
        notes=(*plan.notes, *failed),
    )


def with_version(plan: Plan, analysis: RepositoryAnalysis, version: str) -> Plan:
    """The author's ``__init__.py`` of the package gets a ``__version__`` if it has none: the
    build reads the version from there (the template's own ``__init__.py`` has one).

    It is written before the moves, in the file that becomes ``<package>/__init__.py``: the
    package's own, one under ``src/`` (the src layout), or one at the repository's root.
    """
    init = f"{plan.package}/__init__.py"
    source = next(
        (
            op.source
            for op in plan.operations
            if isinstance(op, MoveFile) and op.destination == init
        ),
        init,
    )
    facts = next((f.facts for f in analysis.python_files if f.path == source), None)
    if facts is None or facts.version is not None or facts.parse_error:
        return plan
    if version_module(analysis.root, source, plan.package) is not None:
        return plan  # it imports its version from a module of its own (version_module.py)
    # First: registering weights reads the package's version.
    return replace(plan, operations=(AddVersion(source, version), *plan.operations))


def legacy_files(root: Path, plan: Plan) -> list[str]:
    """The repository's own files after the moves: every listed file but the template's.

    A file the template also has (an existing package's ``__init__.py``) is the author's unless
    adopt creates it or it is still the template's text. Links are left out: the file one points
    to is checked, if it is ours.
    """
    return [
        name
        for name in git.listed_files(root) or []
        if name not in plan.template_paths and not (root / name).is_symlink()
    ]


def python_files_of(legacy: list[str], plan: Plan) -> tuple[list[str], list[str]]:
    """The legacy Python files: those that parse, and those that don't (never moved or
    rewritten, so the plan still names them)."""
    own = [name for name in legacy if name.endswith(".py")]
    return [n for n in own if n not in plan.unparseable], [n for n in own if n in plan.unparseable]


def adopt(
    root: Path,
    *,
    package: str | None = None,
    answers: dict[str, str] | None = None,
    dry_run: bool = False,
    allow_dirty: bool = False,
    format_code: bool = True,
    modernize: bool = False,
    take_default_package: bool = False,
) -> Adoption:
    """Plan the adoption and, unless ``dry_run``, carry it out and write the lint baseline."""
    plan = plan_adoption(
        root,
        package=package,
        answers=answers or {},
        allow_dirty=allow_dirty,
        modernize=modernize,
        take_default_package=take_default_package,
    )
    if dry_run:
        return Adoption(plan, None)
    return carry_out(root, plan, tree_was_clean=not allow_dirty, format_code=format_code)


def carry_out(root: Path, plan: Plan, *, tree_was_clean: bool, format_code: bool) -> Adoption:
    """Apply a plan made by ``plan_adoption``, then write the lint baseline."""
    apply_plan(root, plan, tree_was_clean=tree_was_clean)
    check_own_result(root, plan, tree_was_clean=tree_was_clean)
    legacy = legacy_files(root, plan)
    parseable, unparseable = python_files_of(legacy, plan)
    try:
        baseline = write_baseline(
            root, plan.package, parseable, unparseable, format_code=format_code
        )
        created = {op.path for op in plan.operations if isinstance(op, CreateFile)}
        hooks = write_hook_baseline(root, legacy, first_run=CONFIG in created)
        conflicts = write_conflict_baseline(root, legacy)
    except (OSError, ValueError, MLPublishError) as error:
        raise stopped_at("lint baseline", error, tree_was_clean=tree_was_clean) from error
    return Adoption(plan, baseline, hooks, conflicts)


def check_own_result(root: Path, plan: Plan, *, tree_was_clean: bool) -> None:
    """Stop, naming each import that will not resolve, rather than report a broken adoption."""
    before = plan.analysis or analyse_repository(root)
    problems = verify_adoption(root, plan, before)
    if problems:
        restore = RESTORE_CLEAN if tree_was_clean else RESTORE_DIRTY
        raise OperationFailed(
            f"adopt's check of its own result found {len(problems)} import(s) that will not "
            f"resolve once the package is installed; {restore}:\n{describe_unresolved(problems)}"
        )


@dataclass(frozen=True)
class Adoption:
    """What adopt planned, and the lint baseline it wrote (``None`` for a dry run)."""

    plan: Plan
    baseline: Baseline | None
    hooks: HookBaseline | None = None
    # Files committed with conflict markers, recorded for TPL103: path -> conflicts.
    conflicts: dict[str, int] = field(default_factory=dict)


def report(adoption: Adoption) -> str:
    """What adopt did, what it left and why, and what needs a person."""
    plan = adoption.plan
    counts: dict[str, int] = {}
    for operation in plan.operations:
        kind = type(operation).__name__
        if isinstance(operation, UntrackWeight) and operation.kind == DATA_KIND:
            kind = "UntrackData"
        counts[kind] = counts.get(kind, 0) + 1
    done = ", ".join(f"{count} {READABLE[kind]}" for kind, count in counts.items())
    lines = [f"Adopted into the package {plan.package!r}: {done}."]
    if adoption.baseline is not None:
        lines.append(adoption.baseline.describe())
    if adoption.hooks is not None and adoption.hooks.describe():
        lines.append(adoption.hooks.describe())
    lines += headed(
        "conflict markers: files committed with them, recorded in [tool.ml-publish.check]:",
        [f"{path}: {count} conflict(s)" for path, count in sorted(adoption.conflicts.items())],
    )
    for operation in plan.operations:
        if isinstance(operation, ForwardHookConfig):
            lines += headed(f"{operation.path} brought forward:", operation.changes)
    lines += headed("Notes:", plan.notes)
    lines += headed("Needs a person:", plan.needs_a_person)
    lines += [
        "Next:",
        "  git add --all && git commit -m 'Adopt the ml-publish layout'",
        '  pip install -e ".[dev,test]" && pre-commit install && pytest && ml-publish check',
    ]
    return "\n".join(lines)


READABLE = {
    "CreateFile": "file(s) created",
    "MergeFile": "file(s) merged",
    "MoveFile": "file(s) moved",
    "RewriteImports": "file(s) with imports rewritten",
    "AddConsoleScript": "console script(s)",
    "SetDependencies": "dependency list",
    "UntrackWeight": "weight file(s) untracked and registered",
    "UntrackData": "data file(s) untracked and registered",
    "MoveFlake8Section": "flake8 section(s) moved into .flake8",
    "RemoveCarriedFile": "file(s) removed after being carried over in full",
    "AddVersion": "__version__ added to the package",
    "RetargetLink": "symbolic link(s) pointed at their files again after the move",
    "ModernizeFile": "Python 2 file(s) converted to Python 3",
    "DeclarePlainReadme": "README declared plain text for PyPI",
    "ForwardHookConfig": "pre-commit configuration brought forward",
    "SettleFlake8": ".flake8 made to agree with black",
    "SplitIsortImports": "isort settings made to keep black's split imports",
    "RewriteCommands": "file(s) whose commands now run the moved scripts as modules",
    "AddStandIn": "stand-in(s) at moved scripts' old paths, for commands that name them",
    "RemoveEmptiedDirectories": "removal of the directories the moves emptied",
}
