"""Step 2 of adopt: the plan that turns the analysed repository into the package.

A plan is plain data (see operations.py), made by a pure function from the analysis, printed for
people before anything changes (``--dry-run`` stops there) and carried out by the apply step in
order. Nothing is ever deleted: what cannot be moved safely stays where it is, with the reason.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ml_publish.repository_analysis.analyse import LocalImport, RepositoryAnalysis
from ml_publish.adopt.console_names import console_names
from ml_publish.repository_analysis.dependencies import relax
from ml_publish.repository_analysis.extensions import setup_py_extensions
from ml_publish.adopt.layout_choices import (
    default_package_note,
    unreadable_cell_items,
)
from ml_publish.adopt.lfs_pointers import lfs_pointer_lines
from ml_publish.adopt.moved_paths import broken_path_items
from ml_publish.adopt.notebook_modules import written_module_items
from ml_publish.adopt.poetry_project import poetry_console_scripts, poetry_lock_items
from ml_publish.adopt.moves import (
    module_of,
    SUBMODULE_STAYS,
    Moves,
    decide_moves,
    link_target_in_repository,
    retargeted_links,
)
from ml_publish.adopt.operations import (
    AddConsoleScript,
    CreateFile,
    MoveFile,
    MoveFlake8Section,
    Operation,
    Plan,
    RemoveCarriedFile,
    RetargetLink,
    RewriteImports,
    SetDependencies,
    UntrackWeight,
)
from ml_publish.repository_analysis.python_files import is_module_name
from ml_publish.adopt.pickled_classes import moved_class_items
from ml_publish.adopt.tracked_weights import files_to_untrack, pretrained_directory_items
from ml_publish.errors import UsageError

NO_LICENSE_ITEM = "a LICENSE: adopt never picks one"
# The "needs a person" line for a missing license, until the README names one (readme_license).
NO_LICENSE_LINE = f"{NO_LICENSE_ITEM}; pass license=MIT (or another) to add it"
# setup() arguments the rendered pyproject.toml carries (see scaffold.answers_for).
CARRIED_SETUP_KEYS = {
    "name",
    "version",
    "description",
    "author",
    "author_email",
    "install_requires",
}


class SeveralPackages(UsageError):
    """The repository has more than one package that could be the one to publish."""

    def __init__(self, candidates: tuple[str, ...], default: str) -> None:
        self.candidates = candidates
        self.default = default  # a new package named after the repository, holding them all
        super().__init__(
            f"the repository has several packages ({', '.join(candidates)}); pass --package with "
            "the one to publish (or a new name, to make them all subpackages of it)"
        )


def repository_package_name(analysis: RepositoryAnalysis) -> str:
    """The import name made from the repository directory's name (``whale-id`` → ``whale_id``)."""
    return re.sub(r"\W+", "_", analysis.root.resolve().name).strip("_").lower()


def package_name_for(
    analysis: RepositoryAnalysis, requested: str | None, *, take_default: bool = False
) -> str:
    """``--package``, else the package the repository already is, else the directory's name;
    with several candidates, that name too when ``take_default`` (``adopt --yes``)."""
    candidates = analysis.existing_packages
    if requested is None and len(candidates) > 1 and not take_default:
        raise SeveralPackages(candidates, repository_package_name(analysis))
    if requested is None and len(candidates) == 1:
        return candidates[0]
    name = requested or repository_package_name(analysis)
    if not name or not is_module_name(name) or name[0].isdigit():
        raise UsageError(f"{name!r} is not a usable package name; pass --package NAME")
    # A root module of the same name (cyclegan.py in CycleGAN/) simply moves into the package
    # (cyclegan.cyclegan); a directory of that name that is no package cannot become one.
    directories = {PurePosixPath(f.path).parts[0] for f in analysis.python_files if "/" in f.path}
    if name in directories and name not in analysis.packages:
        raise UsageError(f"{name!r} is already a directory here; pass --package with another name")
    return name


def make_plan(
    analysis: RepositoryAnalysis, package: str | None = None, *, take_default: bool = False
) -> Plan:
    """The operations for ``analysis``; pure: it reads nothing and changes nothing.

    ``take_default``: with several candidate packages and no ``package``, make a new package
    named after the repository holding them all (and say so) instead of asking.
    """
    name = package_name_for(analysis, package, take_default=take_default)
    moves = decide_moves(analysis, name)
    if moves.unresolvable:
        raise UsageError(
            f"{name} would import modules that cannot be installed: "
            + "; ".join(moves.unresolvable)
        )
    operations: list[Operation] = [
        CreateFile(init, "", "the package" if init == f"{name}/__init__.py" else "a subpackage")
        for init in moves.new_inits
    ]
    operations += [MoveFile(src, dst) for src, dst in sorted(moves.destinations.items())]
    operations += [MoveFile(src, dst) for src, dst in sorted(moves.package_data.items())]
    links = retargeted_links(moves, analysis.symlinks)
    operations += [RetargetLink(path, target) for path, target in sorted(links.items())]
    operations += rewrites(analysis, moves)
    script_notes = []
    scripts = [
        f.path
        for f in analysis.python_files
        if f.path in moves.destinations and f.facts.main_function and f.facts.main_block
    ]
    commands = console_names(scripts, name)
    carried = poetry_console_scripts(analysis, moves.destinations)
    operations += carried
    for file in analysis.python_files:
        if file.path in commands and commands[file.path] not in {op.name for op in carried}:
            module, command = module_of(moves.destinations[file.path]), commands[file.path]
            operations.append(AddConsoleScript(command, f"{module}:main"))
            script_notes.append(
                f"python {file.path} is now the command {command} (or python -m {module}) once "
                "the package is installed"
            )
    operations.append(dependencies_operation(analysis))
    operations += [MoveFlake8Section(name) for name in analysis.flake8_sections]
    fate = setup_py_fate(analysis)
    if isinstance(fate, RemoveCarriedFile):
        operations.append(fate)
    untracked = [UntrackWeight(f.path, f.name, f.kind) for f in files_to_untrack(analysis, name)]
    operations += untracked
    left = sorted(moves.stays.items()) + ([fate] if isinstance(fate, tuple) else [])
    left += [
        (link, f"a symbolic link to {target} (outside the repository); adopt never reads it")
        for link, target in sorted(analysis.symlinks.items())
        if link not in moves.destinations
        and link not in moves.package_data
        and link not in moves.stays
        and link_target_in_repository(link, target) is None
    ]
    left += [(sub, SUBMODULE_STAYS) for sub in analysis.submodules]
    return Plan(
        name,
        tuple(operations),
        tuple(left),
        tuple(
            needs_a_person(analysis, moves)
            + unreadable_cell_items(analysis)
            + dynamic_import_items(analysis, moves)
            + untracked_from_the_package(untracked, name)
            + poetry_lock_items(analysis)
            + pretrained_directory_items(
                [(u.path, u.name) for u in untracked], analysis.files, name
            )
            + written_module_items(analysis, name)
            + broken_path_items(analysis, moves)
            + moved_class_items(analysis.root, [op.path for op in untracked], moves.destinations)
        ),
        frozenset(analysis.files),
        unparseable=frozenset(f.path for f in analysis.unparseable),
        notes=(
            *default_package_note(analysis, package, name),
            *script_notes,
            *notes_on(moves),
            *dependency_notes(analysis),
        ),
        existing_package=name in analysis.existing_packages,
        missing_license=analysis.license_file is None,
        analysis=analysis,
    )


def licensed(plan: Plan) -> Plan:
    """The plan once the rendered template declares a license: none is missing any more."""
    if not plan.missing_license:
        return plan
    items = tuple(item for item in plan.needs_a_person if item != NO_LICENSE_LINE)
    return replace(plan, needs_a_person=items, missing_license=False)


def dependency_notes(analysis: RepositoryAnalysis) -> list[str]:
    """What reading the requirements left out; setup.py's own problems are said where setup.py
    is listed as left in place, not twice."""
    said = set(analysis.setup_py_problems)
    return [problem for problem in analysis.dependencies.problems if problem not in said]


def notes_on(moves: Moves) -> list[str]:
    """What people should know about the moved modules."""
    notes = [
        f"{moves.destinations[path]} keeps its __main__ demo block: run it with "
        f"python -m {module_of(moves.destinations[path])}"
        for path in moves.demo_blocks
    ]
    notes += [
        f"{moves.destinations[path]}:{line} does work when imported (importing "
        f"{module_of(moves.destinations[path])} runs it)"
        for path, line in moves.work_at_import
    ]
    return notes


def moved_module(analysis_top: str, moves: Moves) -> str | None:
    """The new dotted name of an import's first component, if what it names moved."""
    if analysis_top.endswith(".py"):
        moved = moves.destinations.get(analysis_top)
        return module_of(moved) if moved else None
    # A namespace directory: it moved when its files did.
    if any(source.startswith(f"{analysis_top}/") for source in moves.destinations):
        return module_of(f"{moves.package}/{analysis_top}/__init__.py")
    return None


def module_in_package(hit: LocalImport, moves: Moves) -> str | None:
    """A bare import of a sibling in a package that stays (``from unet import UNet`` in
    ``carol/run_train.py``, found beside it as ``python carol/run_train.py`` runs): the
    package's dotted name, as only the package is on the path once it is installed."""
    prefix = f"{moves.package}/"
    importer = moves.destinations.get(hit.importer, hit.importer)
    if not (importer.startswith(prefix) and hit.top.startswith(prefix)):
        return None
    return module_of(hit.top)


def rewrites(analysis: RepositoryAnalysis, moves: Moves) -> list[RewriteImports]:
    """One operation per file that imports a moved module by the name it had."""
    unparseable = {f.path for f in analysis.unparseable}
    by_importer: dict[str, dict[str, str]] = {}
    for hit in analysis.local_imports:
        if hit.statement.level or hit.importer in unparseable:
            continue
        new = moved_module(hit.top, moves) or module_in_package(hit, moves)
        if new is not None and new != hit.top_name:
            by_importer.setdefault(hit.importer, {}).setdefault(hit.top_name, new)
    return [
        RewriteImports(moves.destinations.get(importer, importer), tuple(sorted(renames.items())))
        for importer, renames in sorted(by_importer.items())
    ]


def untracked_from_the_package(untracked: list[UntrackWeight], package: str) -> list[str]:
    """Files that leave git from inside the package no longer ship in its wheel."""
    return [
        f"{op.path} is out of git now, so not in the wheel: code that opens it beside the "
        f"package must fetch it first ({package}.pretrained.download_weights({op.name!r}))"
        for op in untracked
        if op.path.startswith(f"{package}/")
    ]


def dynamic_import_items(analysis: RepositoryAnalysis, moves: Moves) -> list[str]:
    """Imports by string of modules that moved: adopt cannot see what they will build."""
    moved_tops = {
        PurePosixPath(source).parts[0].removesuffix(".py") for source in moves.destinations
    }
    items = []
    for file in analysis.python_files:
        for line, literal in file.facts.dynamic_imports:
            top = literal.split(".")[0]
            if top in moved_tops:
                where = moves.destinations.get(file.path, file.path)
                items.append(
                    f"{where}:{line}: imports {literal!r}... by string; {top} is now "
                    f"{moves.package}.{top}: change the string"
                )
    return items


def dependencies_operation(analysis: RepositoryAnalysis) -> SetDependencies:
    found = sorted(analysis.dependencies.requirements, key=lambda r: r.name.lower())
    relaxed = [(r, relax(r)) for r in found]
    pinned = tuple(r.text for r in found if "==" in r.text and not r.direct_url)
    return SetDependencies(
        requirements=tuple(text for _, text in relaxed if text),
        pinned=pinned,
        left_out=tuple(r.text for r in found if r.direct_url),
        pin_options=analysis.dependencies.index_options if pinned else (),
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


def needs_a_person(analysis: RepositoryAnalysis, moves: Moves) -> list[str]:
    items = ["a picture of the task for the README (docs/images/task.svg is a placeholder)"]
    items.append("data instructions in the README: where to download, where to put it")
    if analysis.license_file is None:
        items.append(NO_LICENSE_LINE)
    for file in analysis.python_files:
        for line, path in file.facts.absolute_paths:
            where = moves.destinations.get(file.path, file.path)
            items.append(f"{where}:{line}: the absolute path {path!r} only exists on one disk")
    if extensions := setup_py_extensions(analysis.root):
        items.append(
            f"setup.py builds compiled extensions ({'; '.join(extensions)}), which the "
            "pyproject.toml build does not: build them with setuptools (its ext_modules, and "
            "what setup.py imports in [build-system] requires) or the package imports them "
            "from nothing"
        )
    staying_at_root = {
        PurePosixPath(f.path).stem
        for f in analysis.scripts + analysis.unparseable
        if "/" not in f.path and f.path not in moves.destinations
    }
    for name, what in analysis.shadowing:
        if name in staying_at_root:
            items.append(
                f"{name}.py stays at the root, where it hides {what} of the same name from "
                "code run there; rename it"
            )
    items += lfs_pointer_lines(analysis)
    for file in analysis.python_files:
        for line in file.facts.sys_path_edits:
            items.append(
                f"{moves.destinations.get(file.path, file.path)}:{line}: sys.path is edited; "
                "the moved modules no longer need it (other imports may)"
            )
    return items


def with_safetensors(root: Path, plan: Plan) -> tuple[Plan, list[str]]:
    """The plan registering the pickled PyTorch weights it untracks as safetensors, and their
    paths; the plan as it is when there are none, or torch and safetensors are not installed
    (the conversion needs them, and NumPy)."""
    from ml_publish.weights.conversion import CONVERTERS
    from ml_publish.weights.safe_load import is_torch_pickle

    if not all(importlib.util.find_spec(name) for name in CONVERTERS):
        return plan, []
    pickled = [
        op.path
        for op in plan.operations
        if isinstance(op, UntrackWeight) and op.kind != "data" and is_torch_pickle(root / op.path)
    ]
    operations = tuple(
        replace(op, convert=True) if isinstance(op, UntrackWeight) and op.path in pickled else op
        for op in plan.operations
    )
    return replace(plan, operations=operations), pickled
