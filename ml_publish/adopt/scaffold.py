"""The template files an adopted repository gets: rendered with answers read from the repository.

The answers come from what the repository already says (its setup.py, black settings,
environment.yml, git remote, license file), so the rendered files agree with it. A license is
never picked: without a recognised license file or a ``license=`` answer, the rendered files
carry no license at all, and ``ml-publish check`` reports it missing (see licensing.py).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ml_publish import git, template
from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.adopt.line_lengths import project_line_length
from ml_publish.adopt.licensing import licensed_files, repository_license
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
from ml_publish.versions import VERSION_LINE

# The template's PyTorch modules; a package with its own modules of these names keeps them.
PYTORCH_MODULES = ("model.py", "transforms.py")
# Rendered files that only make sense for a new project, or that adopt writes itself.
NOT_FOR_ADOPTED = ("notebooks/", "app.py")
TEMPLATE_LICENSE_FILE = "LICENSE"
# The template's name for a license whose SPDX identifier it does not use as its choice.
TEMPLATE_CHOICES = {"LicenseRef-Proprietary": "Proprietary"}


@dataclass(frozen=True)
class Scaffold:
    """The rendered template, by path relative to the repository root."""

    answers: dict[str, str]
    files: dict[str, bytes]
    licensed: bool


def line_length_of(analysis: RepositoryAnalysis) -> str | None:
    """black's line length, else flake8's (see line_lengths.py)."""
    length = project_line_length(analysis.root)
    return None if length is None else str(length)


def version_in_root_modules(analysis: RepositoryAnalysis) -> str | None:
    """A ``__version__ = "..."`` literal in a root module, as 2016-style setup.py files read it."""
    for file in analysis.python_files:
        if "/" not in file.path and not file.facts.parse_error:
            text = (analysis.root / file.path).read_text(encoding="utf-8", errors="replace")
            match = VERSION_LINE.search(text)
            if match:
                return match[2]
    return None


def python_requires_minimum(analysis: RepositoryAnalysis) -> str | None:
    """``3.8`` from a literal ``python_requires=">=3.8"`` in setup.py."""
    requires = analysis.setup_py_literals.get("python_requires")
    match = re.search(r">=\s*(3\.\d+)", str(requires or ""))
    return match[1] if match else None


def answers_for(
    analysis: RepositoryAnalysis, package: str, given: dict[str, str]
) -> tuple[dict[str, str], bool]:
    """Template answers read from the repository, ``given`` ones winning; and whether licensed."""
    answers: dict[str, str] = {"package_name": package, "include_notebook": "no"}
    repo_name = re.sub(r"[^A-Za-z0-9._-]+", "-", analysis.root.resolve().name).strip("-").lower()
    answers["repo_name"] = repo_name or package.replace("_", "-")
    answers["project_name"] = answers["repo_name"].replace("-", " ").replace("_", " ").title()
    setup = analysis.setup_py_literals
    if setup:
        for key, answer in (
            ("name", "distribution_name"),
            ("description", "description"),
            ("author", "author_name"),
            ("author_email", "author_email"),
            ("version", "version"),
        ):
            if isinstance(setup.get(key), str):
                answers[answer] = str(setup[key])
    poetry = analysis.poetry
    if poetry is not None:
        for value, answer in (
            (poetry.name, "distribution_name"),
            (poetry.description, "description"),
            (poetry.author[0] if poetry.author else None, "author_name"),
            (poetry.author[1] if poetry.author else None, "author_email"),
            (poetry.version, "version"),
        ):
            if value and answer not in answers:
                answers[answer] = value
    if "version" not in answers:
        version = version_in_root_modules(analysis)
        if version:
            answers["version"] = version
    length = line_length_of(analysis)
    if length and 79 <= int(length) <= 200:
        answers["line_length"] = length
    python = analysis.dependencies.python or python_requires_minimum(analysis)
    if python and python in template.template_variables()["python_min"].choices:
        answers["python_min"] = python
    uses_torch = any(
        r.name.lower() in {"torch", "pytorch"} for r in analysis.dependencies.requirements
    )
    answers["framework"] = "pytorch" if uses_torch else "none"
    origin = git.origin_repository(analysis.root)
    if origin:
        answers["github_owner"], answers["repo_name"] = origin.split("/")
    licensed = True
    recognised = repository_license(analysis)
    choice = TEMPLATE_CHOICES.get(recognised, recognised) if recognised else None
    if choice is not None and choice in template.template_variables()["license"].choices:
        answers["license"] = choice
        if analysis.license_file == TEMPLATE_LICENSE_FILE:
            # The template's LICENSE cannot go beside the author's of the same name, so the
            # author's license stands (adoption.py notes the ignored answer). Under another name
            # (MIT-LICENSE) an answer adds the template's LICENSE, the maintainer's choice.
            given = {key: value for key, value in given.items() if key != "license"}
    elif "license" not in given:
        licensed = False
    answers.update(given)
    return answers, licensed


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
    if answers["framework"] == "pytorch" and rendered != (own_modules or {}):
        files, resolved = render({**answers, "framework": "none"})
    files, licensed = licensed_files(analysis, files, licensed)
    return Scaffold(resolved, files, licensed)


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
            template_ops.append(MergeFile(path, text, requirements, scripts))
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


def shipped_files(plan: Plan) -> list[str]:
    """The files that will be in the package directory (and so in the wheel), once moved."""
    moves = {op.source: op.destination for op in plan.operations if isinstance(op, MoveFile)}
    untracked = {op.path for op in plan.operations if isinstance(op, UntrackWeight)}
    final = [moves.get(path, path) for path in plan.existing_files if path not in untracked]
    return [path for path in final if path.startswith(f"{plan.package}/")]
