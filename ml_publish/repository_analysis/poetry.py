"""A Poetry project's metadata (``[tool.poetry]``), read into the template's ``[project]``.

Poetry keeps name, version, description, authors and dependencies in its own table, with its
own constraint syntax: ``^1.2`` (compatible), ``~1.2`` (same minor), ``*`` (any), or a table
with ``version``, ``extras``, ``optional``, ``git`` or ``path``. The package metadata takes their
lower bounds, as adopt does for requirement files; git or path dependencies are left out and
said so, and so are optional ones no extra names: ``[tool.poetry.extras]`` become the project's
extras, each optional dependency with its lower bound. ``python = "^3.9"`` is the minimum Python.
``[tool.poetry.scripts]`` are the project's console scripts (``name = "module:attr"``, or a
table with ``callable``, or Poetry 1's ``reference`` of ``type = "console"``); a script of
``type = "file"`` is no console script, left out and said so.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

POETRY_SOURCE = "pyproject.toml [tool.poetry]"
ENTRY_POINT = re.compile(r"^\s*[A-Za-z_][\w.]*\s*:\s*[A-Za-z_][\w.]*\s*$")
LOWER_BOUND = re.compile(r"^\s*(?:\^|~=?|>=|==)?\s*v?(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class PoetryMetadata:
    name: str | None
    version: str | None
    description: str | None
    author: tuple[str, str] | None  # name and email of the first author
    python: str | None  # the minimum Python, "3.9"
    requirements: tuple[str, ...]  # PEP 508 lower bounds
    problems: tuple[str, ...]
    scripts: tuple[tuple[str, str], ...] = ()  # (command, "module:attr"), in the file's order
    extras: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (extra, its PEP 508 lower bounds)


def read_poetry(root: Path) -> PoetryMetadata | None:
    """The ``[tool.poetry]`` metadata of ``root``'s pyproject.toml, or ``None`` without one."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    poetry = document.get("tool", {}).get("poetry")
    if not isinstance(poetry, dict):
        return None
    requirements: list[str] = []
    problems: list[str] = []
    python = None
    dependencies = poetry.get("dependencies") or {}
    extras = extra_requirements(poetry.get("extras"), dependencies)
    in_extras = {name: extra for extra, listed in extras for name in listed_names(poetry, extra)}
    for name, constraint in dependencies.items():
        if name.lower() == "python":
            python = minimum_python(str(constraint))
            continue
        requirement = pep508(name, constraint)
        if requirement is None and name in in_extras and pep508(name, required(constraint)):
            problems.append(
                f"{POETRY_SOURCE}: {name} (optional) carried into the extra {in_extras[name]} "
                "of [project.optional-dependencies]"
            )
        elif requirement is None:
            problems.append(f"{POETRY_SOURCE}: {name} = {constraint!r} left out of the metadata")
        else:
            requirements.append(requirement)
    scripts = console_scripts(poetry.get("scripts"), problems)
    return PoetryMetadata(
        name=text_or_none(poetry.get("name")),
        version=text_or_none(poetry.get("version")),
        description=text_or_none(poetry.get("description")),
        author=first_author(poetry.get("authors")),
        python=python,
        requirements=tuple(requirements),
        problems=tuple(problems),
        scripts=scripts,
        extras=extras,
    )


def extra_requirements(
    extras: object, dependencies: dict[str, object]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[tool.poetry.extras]`` as ``[project.optional-dependencies]``: each extra's
    dependencies with their lower bounds (a git or path one is left out, as anywhere)."""
    carried = []
    for extra, names in (extras if isinstance(extras, dict) else {}).items():
        listed = [str(name) for name in names] if isinstance(names, list) else []
        found = (pep508(name, required(dependencies.get(name, "*"))) for name in listed)
        requirements = tuple(requirement for requirement in found if requirement)
        if requirements:
            carried.append((str(extra), requirements))
    return tuple(carried)


def listed_names(poetry: dict[str, object], extra: str) -> list[str]:
    extras = poetry.get("extras")
    names = extras.get(extra) if isinstance(extras, dict) else None
    return [str(name) for name in names] if isinstance(names, list) else []


def required(constraint: object) -> object:
    """An optional dependency's constraint as an extra requires it (no ``optional`` key)."""
    if isinstance(constraint, dict):
        return {key: value for key, value in constraint.items() if key != "optional"}
    return constraint


def console_scripts(table: object, problems: list[str]) -> tuple[tuple[str, str], ...]:
    """``[tool.poetry.scripts]`` as (command, ``module:attr``); what is not one goes to
    ``problems``."""
    scripts = []
    for name, value in (table if isinstance(table, dict) else {}).items():
        if isinstance(value, dict) and value.get("type", "console") == "console":
            value = value.get("callable", value.get("reference"))
        if isinstance(value, str) and ENTRY_POINT.match(value):
            scripts.append((str(name), re.sub(r"\s", "", value)))
        else:
            problems.append(
                f"{POETRY_SOURCE}: the script {name} = {value!r} is no console script; "
                "left out of [project.scripts]"
            )
    return tuple(scripts)


def pep508(name: str, constraint: object) -> str | None:
    """``torch = "^2.0"`` → ``torch>=2.0``; ``None`` for optional, git and path dependencies."""
    extras = ""
    if isinstance(constraint, dict):
        if constraint.get("optional") or {"git", "path", "url"} & constraint.keys():
            return None
        listed = constraint.get("extras") or []
        extras = f"[{','.join(sorted(map(str, listed)))}]" if listed else ""
        constraint = constraint.get("version", "*")
    if not isinstance(constraint, str):
        return None
    bound = LOWER_BOUND.match(constraint)
    return f"{name}{extras}>={bound[1]}" if bound else f"{name}{extras}"


def minimum_python(constraint: str) -> str | None:
    found = LOWER_BOUND.match(constraint)
    return ".".join(found[1].split(".")[:2]) if found else None


def first_author(authors: object) -> tuple[str, str] | None:
    """``["Ada Lovelace <ada@example.org>", ...]`` → ``("Ada Lovelace", "ada@example.org")``."""
    if not isinstance(authors, list) or not authors:
        return None
    match = re.match(r"^\s*([^<]+?)\s*(?:<([^>]+)>)?\s*$", str(authors[0]))
    return (match[1], match[2] or "") if match else None


def text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
