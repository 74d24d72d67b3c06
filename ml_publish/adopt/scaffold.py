"""The template files an adopted repository gets: rendered with answers read from the repository.

The answers come from what the repository already says (its setup.py, black settings,
environment.yml, git remote, license file), so the rendered files agree with it. A license is
never picked: without a recognised license file or a ``license=`` answer, the rendered files
carry no license at all, and ``ml-publish check`` reports it missing (see licensing.py).
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ml_publish import template
from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.adopt.licensing import licensed_files
from ml_publish.adopt.merge import sparing
from ml_publish.adopt.operations import (
    AddConsoleScript,
    CreateFile,
    MergeFile,
    MoveFile,
    Operation,
    Plan,
    SetDependencies,
    UntrackWeight,
)
from ml_publish.adopt.readme import repository_readme, with_repository_readme
from ml_publish.repository_analysis.template_answers import answers_for
from ml_publish.repository_analysis.version_module import package_version_module

# The template's PyTorch modules; a package with its own modules of these names keeps them.
PYTORCH_MODULES = ("model.py", "transforms.py")
# Rendered files that only make sense for a new project, or that adopt writes itself.
NOT_FOR_ADOPTED = ("notebooks/", "app.py")


@dataclass(frozen=True)
class Scaffold:
    """The rendered template, by path relative to the repository root."""

    answers: dict[str, str]
    files: dict[str, bytes]
    licensed: bool
    # Rendered without the PyTorch modules a PyTorch project would get, for its own ones.
    own_modules_kept: bool = False


def render_scaffold(
    analysis: RepositoryAnalysis,
    package: str,
    given: dict[str, str],
    own_modules: dict[str, str] | None = None,
) -> Scaffold:
    """Render the template for this repository into a scratch directory and read it back.

    ``own_modules`` holds the text of the package's ``model.py`` and ``transforms.py`` once
    adopted, where it has them: when they are the author's (not the template's, as a second run
    finds them), the template is rendered without its PyTorch modules, which would replace them
    (and the hubconf.py and tests built on them).
    """
    answers, licensed = answers_for(analysis, package, given)
    files, resolved = render(answers)
    rendered = {path: files.get(path, b"").decode("utf-8") for path in own_modules or {}}
    kept = answers["framework"] == "pytorch" and rendered != (own_modules or {})
    if kept:
        files, resolved = render({**answers, "framework": "none"})
    files, licensed = licensed_files(analysis, files, licensed)
    found = package_version_module(analysis.root, package)
    if found is not None:
        files = reading_version_from(files, f"{package}/{found[0]}")
    return Scaffold(resolved, files, licensed, kept)


def reading_version_from(files: dict[str, bytes], path: str) -> dict[str, bytes]:
    """The rendered files with the build reading the version from ``path``, the module the
    package's ``__init__.py`` imports it from, instead of the ``__init__.py`` itself."""
    text = files.get("pyproject.toml", b"").decode("utf-8")
    pattern = r'(?m)^(\[tool\.hatch\.version\]\npath = )".*"$'
    edited = re.sub(pattern, lambda m: m[1] + json.dumps(path), text)
    return {**files, "pyproject.toml": edited.encode("utf-8")} if text else files


def render(answers: dict[str, str]) -> tuple[dict[str, bytes], dict[str, str]]:
    """The template's files for ``answers`` (those adopt uses), and the answers resolved."""
    resolved = template.resolve_answers(answers, no_input=True)
    with tempfile.TemporaryDirectory(prefix="ml-publish-adopt-") as scratch:
        project = template.render(resolved, Path(scratch), overwrite=False)
        files = {
            path.relative_to(project).as_posix(): path.read_bytes()
            for path in sorted(project.rglob("*"))
            if path.is_file()
            and not path.relative_to(project).as_posix().startswith(NOT_FOR_ADOPTED)
        }
    return files, resolved


MERGED_FILES = ("pyproject.toml", ".gitignore", "README.md")


def with_template(
    plan: Plan, template_files: dict[str, str], current_texts: dict[str, str]
) -> Plan:
    """``plan`` preceded by creating the template files the repository lacks and merging the
    ones it has (pyproject.toml, .gitignore, its README); its own files always win.

    ``current_texts`` holds the repository's version of the template's paths, so a file that
    already equals the template's is not reported as kept. A README of the repository's own
    (``README.rst``, ``readme.md``, ...) gets the template README's sections, and pyproject.toml
    points at it (see readme.py).
    """
    readme = repository_readme(plan.existing_files, current_texts.get("pyproject.toml"))
    template_files = with_repository_readme(template_files, readme)
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
    if ".gitignore" in template_files:
        template_files[".gitignore"] = sparing(template_files[".gitignore"], shipped_files(plan))
    for path, text in sorted(template_files.items()):
        exists = path in plan.existing_files and path not in existing_sources
        if path == "pyproject.toml":
            # The repository's own dependencies and scripts go in with the template's, so
            # they come before (and win over) the template's defaults.
            template_ops.append(MergeFile(path, text, requirements, scripts, extras_of(plan)))
        elif (path in MERGED_FILES or path == readme) and exists:
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
    created = {op.path for op in template_ops if isinstance(op, CreateFile)}
    same = {path for path, text in template_files.items() if current_texts.get(path) == text}
    return replace(
        plan,
        operations=tuple(template_ops + operations),
        left_in_place=plan.left_in_place + tuple(kept),
        template_paths=frozenset(created | same),
    )


def extras_of(plan: Plan) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The extras the repository's Poetry metadata declares, for ``[project]``."""
    poetry = plan.analysis.poetry if plan.analysis is not None else None
    return poetry.extras if poetry is not None else ()


def shipped_files(plan: Plan) -> list[str]:
    """The files that will be in the package directory (and so in the wheel), once moved."""
    moves = {op.source: op.destination for op in plan.operations if isinstance(op, MoveFile)}
    untracked = {op.path for op in plan.operations if isinstance(op, UntrackWeight)}
    final = [moves.get(path, path) for path in plan.existing_files if path not in untracked]
    return [path for path in final if path.startswith(f"{plan.package}/")]
