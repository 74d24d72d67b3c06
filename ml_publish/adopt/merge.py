"""Merging a template file into the file an adopted repository already has, never overwriting.

Each merge is a pure function of the two texts and is idempotent: merging again changes
nothing. What the repository says wins; the template only fills in what is missing.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, MutableMapping
from pathlib import PurePosixPath
from typing import Any

import tomlkit
from tomlkit.items import Table

from ml_publish.adopt.readme import MARKDOWN_END, MARKDOWN_START, appended_sections, markup_of
from ml_publish.repository_analysis.dependencies import requirement_name

GITIGNORE_MARKER = "# Added by ml-publish adopt"
README_START = MARKDOWN_START
README_END = MARKDOWN_END
SECTION_HEADING = re.compile(r"^(#{2,6})\s+(.+?)\s*$", re.MULTILINE)


def merge_gitignore(existing: str, template: str) -> str:
    """``existing`` plus the template's patterns it lacks, in one marked block at the end."""
    present = {line.strip() for line in existing.splitlines()}
    missing = [
        line
        for line in template.splitlines()
        if line.strip() and not line.startswith("#") and line.strip() not in present
    ]
    if not missing:
        return existing
    separator = "" if not existing or existing.endswith("\n") else "\n"
    return f"{existing}{separator}\n{GITIGNORE_MARKER}\n" + "\n".join(missing) + "\n"


def ignores(pattern: str, path: str) -> bool:
    """Whether a simple gitignore ``pattern`` (a glob, ``dir/``, ``/anchored``) ignores ``path``.

    Enough for the template's own patterns; not every corner of gitignore(5).
    """
    directory_only = pattern.endswith("/")
    body = pattern.strip("/")
    parts = PurePosixPath(path).parts
    candidates = parts[:-1] if directory_only else parts
    if "/" in pattern.rstrip("/"):  # anchored at the root: match a leading run of parts
        depth = body.count("/") + 1
        return any(
            fnmatch.fnmatchcase("/".join(parts[:end]), body)
            for end in range(depth, len(candidates) + 1)
        )
    return any(fnmatch.fnmatchcase(part, body) for part in candidates)


def sparing(template: str, shipped: Iterable[str]) -> str:
    """The template's .gitignore, its patterns narrowed or left out where they would ignore
    files the package ships: ``data/`` would keep a package's own ``data/`` out of the sdist and
    wheel (hatchling follows .gitignore), so it becomes ``/data/``, the root's only."""
    shipped = list(shipped)
    lines = []
    for line in template.splitlines():
        pattern = line.strip()
        if pattern and not pattern.startswith("#"):
            if any(ignores(pattern, path) for path in shipped):
                anchored = "/" + pattern.lstrip("/")
                if any(ignores(anchored, path) for path in shipped):
                    continue
                line = anchored
        lines.append(line)
    return "\n".join(lines) + "\n"


def gitignore_line(path: str) -> str:
    """The .gitignore line that matches the file at ``path`` (from the root) and nothing else.

    ``*``, ``?``, ``[``, ``#``, ``!`` and backslashes are escaped with a backslash wherever
    they are, trailing spaces as ``\\ `` (gitignore(5)); a line break, which no line can hold,
    is matched by ``?``.
    """
    escaped = re.sub(r"([\\*?\[#!])", r"\\\1", path)
    escaped = re.sub(r"[\r\n]", "?", escaped)
    trailing = len(escaped) - len(escaped.rstrip(" "))
    return "/" + escaped.rstrip(" ") + "\\ " * trailing


def with_ignored_files(existing: str, paths: list[str]) -> str:
    """``existing`` with an exact line for each of ``paths`` in adopt's marked block.

    The block is the run of lines after the marker; it is started at the end if there is none.
    A path whose line is already there is left alone, so adding it again changes nothing.
    """
    present = set(existing.splitlines())
    lines = [line for line in dict.fromkeys(map(gitignore_line, paths)) if line not in present]
    if not lines:
        return existing
    added = "".join(f"{line}\n" for line in lines)
    text = existing if not existing or existing.endswith("\n") else existing + "\n"
    marker = re.search(rf"^{re.escape(GITIGNORE_MARKER)}$", text, re.MULTILINE)
    if marker is None:
        separator = "\n" if text else ""
        return f"{text}{separator}{GITIGNORE_MARKER}\n{added}"
    block_end = text.find("\n\n", marker.start())
    end = len(text) if block_end < 0 else block_end + 1
    return text[:end] + added + text[end:]


def sections(markdown: str) -> dict[str, str]:
    """Level-2+ sections by lowercase title, each with its heading and body."""
    found: dict[str, str] = {}
    matches = list(SECTION_HEADING.finditer(markdown))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(markdown)
        if len(match[1]) == 2:
            found[match[2].lower()] = markdown[match.start() : end].rstrip() + "\n"
    return found


def merge_readme(existing: str, template: str, path: str = "README.md") -> str:
    """The README kept as written, the template's missing sections appended in a marked block.

    ``template`` is the template's Markdown README; the sections go in in the markup of
    ``path``, the repository's README (reStructuredText for ``*.rst``, see readme.py).
    """
    if markup_of(path) != "markdown":
        return appended_sections(existing, sections(template), path)
    if README_START in existing:
        return existing
    have = {title for title in sections(existing)} | {
        match[2].lower() for match in SECTION_HEADING.finditer(existing)
    }
    missing = [body for title, body in sections(template).items() if title not in have]
    if not missing:
        return existing
    block = "\n".join(missing)
    return f"{existing.rstrip()}\n\n{README_START}\n\n{block}\n{README_END}\n"


def merge_tables(existing: MutableMapping[str, Any], template: Mapping[str, Any]) -> None:
    """Copy keys of ``template`` missing from ``existing``, recursing into tables both have."""
    for key, value in template.items():
        if key not in existing:
            existing[key] = value
        elif isinstance(value, Table) and isinstance(existing[key], Table):
            merge_tables(existing[key], value)


def split_leading_comments(text: str) -> tuple[str, str]:
    """The comment lines a file opens with (kept on top), and the rest."""
    lines = text.splitlines(keepends=True)
    count = 0
    while count < len(lines) and (lines[count].startswith("#") or not lines[count].strip()):
        count += 1
    return "".join(lines[:count]), "".join(lines[count:])


def overlay(base: MutableMapping[str, Any], overrides: Mapping[str, Any]) -> None:
    """Set every key of ``overrides`` on ``base``, recursing into tables both have."""
    for key, value in overrides.items():
        if isinstance(value, Table) and isinstance(base.get(key), Table):
            overlay(base[key], value)
        else:
            base[key] = value


def merge_pyproject(
    existing: str,
    template: str,
    *,
    dependencies: tuple[str, ...] = (),
    scripts: dict[str, str] | None = None,
    extras: dict[str, tuple[str, ...]] | None = None,
) -> str:
    """``existing`` completed from the template; what the project says always wins.

    A project that already has ``[project]`` keeps its layout and comments, and gains the
    template's missing keys. One that only configures tools (``[tool.black]``) gets the
    template's layout with its own settings laid over it, and the template's build backend.
    The dependencies the project lists win, then ``dependencies`` (what its requirement files
    say), then the template's defaults. Console scripts are added unless a script of that name
    exists, and so are ``extras`` (an extra of that name gains the requirements it lacks).
    """
    original = tomlkit.parse(existing)
    defaults = tomlkit.parse(template)
    if "project" in original or not template.strip():
        document = original
        forbidden = keys_the_project_forbids(original.get("project", {}))
        merge_tables(document, defaults)
        for key in forbidden:
            document.get("project", {}).pop(key, None)
        as_spdx_expression(document.get("project", {}), defaults.get("project", {}))
    else:
        leading, _ = split_leading_comments(existing)
        document = tomlkit.parse(leading + template)
        overlay(document, original)
        if "build-system" in defaults:
            # The metadata is the template's [project] now, with its version read by the
            # template's backend: a backend that read it from elsewhere ([tool.poetry], setup.cfg)
            # would build without it.
            document["build-system"] = defaults["build-system"]
    project = document.setdefault("project", tomlkit.table())
    listed = tomlkit.array()
    listed.extend(original.get("project", {}).get("dependencies", []))
    defaults_project = defaults.get("project", {})
    for requirement in [*dependencies, *defaults_project.get("dependencies", [])]:
        if requirement_name(requirement) not in {requirement_name(r) for r in listed}:
            listed.append(str(requirement))
    if len(listed) > 1:
        listed.multiline(True)
    project["dependencies"] = listed
    if scripts:
        table = project.setdefault("scripts", tomlkit.table())
        for name, target in scripts.items():
            table.setdefault(name, target)
    for extra, requirements in (extras or {}).items():
        optional = project.setdefault("optional-dependencies", tomlkit.table())
        listed = optional.setdefault(extra, tomlkit.array())
        names = {requirement_name(str(r)) for r in listed}
        listed.extend(r for r in requirements if requirement_name(r) not in names)
    return tidy_toml(tomlkit.dumps(document))


def keys_the_project_forbids(project: Mapping[str, Any]) -> set[str]:
    """The template's ``[project]`` keys that the project's own ``[project]`` rules out: a field
    it lists in ``dynamic`` (its backend computes it, and a field may not be both), and
    ``license-files`` beside a ``license = {file = ...}`` table (PEP 639 allows it only with an
    SPDX expression; flit refuses to build)."""
    forbidden = {str(key) for key in project.get("dynamic", []) if key not in project}
    if isinstance(project.get("license"), Mapping) and "license-files" not in project:
        forbidden.add("license-files")
    return forbidden


def as_spdx_expression(project: MutableMapping[str, Any], template: Mapping[str, Any]) -> None:
    """``license = {file = "LICENSE"}`` as PEP 639 writes it, when that file is the one the
    template was rendered for (its license recognised): the expression, ``license-files``
    naming the file, and no ``License ::`` classifier, which backends refuse beside one."""
    own, expression = project.get("license"), template.get("license")
    if not isinstance(own, Mapping) or not isinstance(expression, str):
        return
    if list(own) != ["file"] or list(template.get("license-files", [])) != [own["file"]]:
        return
    project["license"] = expression
    project["license-files"] = [own["file"]]
    classifiers = project.get("classifiers")
    if isinstance(classifiers, list):
        kept = [c for c in classifiers if not str(c).startswith("License ::")]
        if kept:
            project["classifiers"] = kept
        else:
            del project["classifiers"]


def tidy_toml(text: str) -> str:
    """One blank line before each table header, nowhere two, and one newline at the end, as
    people write TOML (and as the end-of-file-fixer hook wants it)."""
    text = re.sub(r"(?m)([^\n])\n(\[)", r"\1\n\n\2", text)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


def section_bounds(text: str, name: str) -> tuple[int, int] | None:
    """Where an INI section (its header to the next header) is in ``text``."""
    header = re.search(rf"^\[{re.escape(name)}\]\s*$", text, re.MULTILINE)
    if header is None:
        return None
    following = re.search(r"^\[[^\]]+\]\s*$", text[header.end() :], re.MULTILINE)
    end = header.end() + following.start() if following else len(text)
    return header.start(), end


# A comment after a value (``E731  # lambda``): flake8 reads it as part of the value since 6.0
# and stops ("Error code '#' supplied to 'ignore' option"), as configparser has no inline comments.
INLINE_COMMENT = re.compile(r"^(\s*)(\S.*?)\s+#\s?(.*)$")


def comments_on_their_own_lines(option: str) -> str:
    """``option`` with each comment after a value moved to a line of its own above it, where
    flake8 reads it as a comment; the value and the comment's words are kept."""
    lines = []
    for line in option.splitlines():
        match = INLINE_COMMENT.match(line)
        if match and not match[2].startswith("#"):
            indent, value, comment = match.groups()
            lines += [f"{indent}# {comment}", f"{indent}{value}"]
        else:
            lines.append(line)
    return "\n".join(lines)


def move_flake8_section(source_text: str, flake8_text: str, source: str) -> tuple[str, str]:
    """``(source without [flake8], .flake8 with its settings)``; nothing is dropped.

    Settings .flake8 lacks are added; ones it has keep .flake8's value, and the other value is
    kept beside it as a comment.
    """
    bounds = section_bounds(source_text, "flake8")
    if bounds is None:
        return source_text, flake8_text
    start, end = bounds
    body = source_text[start:end].split("\n", 1)[1] if "\n" in source_text[start:end] else ""
    present = {
        match[1].replace("_", "-").lower(): match[2].strip()
        for match in re.finditer(r"^([A-Za-z0-9_-]+)\s*[=:](.*)$", flake8_text, re.MULTILINE)
    }
    carried: list[str] = []
    for option in re.split(r"\n(?=[A-Za-z0-9_-]+\s*[=:])", body.strip("\n")):
        if not option.strip():
            continue
        key, _, value = (part.strip() for part in re.split(r"([=:])", option, maxsplit=1))
        key = key.replace("_", "-").lower()
        if present.get(key) == value:
            continue
        if key in present:
            carried += [
                f"# from {source}, where .flake8 says otherwise: {line}"
                for line in option.splitlines()
            ]
        else:
            carried.append(comments_on_their_own_lines(option))
    remaining = (source_text[:start] + source_text[end:]).strip("\n")
    addition = f"# Carried over from {source} by ml-publish adopt.\n" + "\n".join(carried) + "\n"
    merged = flake8_text.rstrip("\n") + "\n" + addition if carried else flake8_text
    return (remaining + "\n" if remaining.strip() else ""), merged
