"""The line length an adopted project formats to, and flake8 made to agree with black.

black's line length wins, as the LNT103 check says: ``[tool.black] line-length``, else the
``--line-length`` argument of the author's black hook, else black's default when the author
runs black at all. A repository that never ran black keeps its flake8 length as the project's
(``max-line-length`` in setup.cfg, tox.ini or .flake8), so black does not reflow its code to
another width. flake8's ``max-line-length`` in the author's own .flake8 is then set to it, and
the codes black's style triggers are added to its ``extend-ignore`` (LNT103 and LNT104).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ml_publish.toml_file import dict_at, parse_toml

BLACK_DEFAULT = 88
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
BLACK_HOOK_ARGUMENT = re.compile(r"^(?:--line-length|-l)[= ]?(\d+)$")
MAX_LINE_LENGTH = re.compile(r"^max[-_]line[-_]length\s*[=:]\s*(\d+)", re.MULTILINE)
SETTLED_COMMENT = "# black's line length (ml-publish adopt); flake8 allowed {was} before"


def black_line_length(root: Path) -> int | None:
    """The length black formats the repository to, when the author runs black."""
    black: dict[str, object] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            black = dict_at(parse_toml(pyproject.read_text(encoding="utf-8")), "tool", "black")
        except ValueError:
            black = {}
        if "line-length" in black:
            return int(str(black["line-length"]))
    hook_arguments = black_hook_arguments(root)
    for argument in hook_arguments or []:
        match = BLACK_HOOK_ARGUMENT.match(argument)
        if match:
            return int(match[1])
    return BLACK_DEFAULT if black or hook_arguments is not None else None


def black_hook_arguments(root: Path) -> list[str] | None:
    """The arguments of the author's black hook (``-l 100`` as one), ``None`` without one."""
    config = root / ".pre-commit-config.yaml"
    try:
        document = yaml.safe_load(config.read_text(encoding="utf-8")) if config.is_file() else {}
    except yaml.YAMLError:
        return None
    # An old configuration is a bare list of repositories.
    repos = document.get("repos") if isinstance(document, dict) else document
    for repo in repos if isinstance(repos, list) else []:
        for hook in repo.get("hooks") or [] if isinstance(repo, dict) else []:
            if isinstance(hook, dict) and hook.get("id") in ("black", "black-jupyter"):
                arguments = [str(a) for a in hook.get("args") or []]
                return [" ".join(arguments[i : i + 2]) for i in range(len(arguments))]
    return None


def flake8_line_length(root: Path) -> int | None:
    """``max-line-length`` where flake8 reads its settings, the first file with a section."""
    for name in FLAKE8_FILES:
        text = flake8_section(root / name)
        if text is not None:
            match = MAX_LINE_LENGTH.search(text)
            return int(match[1]) if match else None
    return None


def flake8_section(path: Path) -> str | None:
    """The ``[flake8]`` section of an INI file, header to the next header."""
    if not path.is_file():
        return None
    return flake8_section_text(path.read_text(encoding="utf-8", errors="replace"))


def project_line_length(root: Path) -> int | None:
    """black's length, else (black never ran here) flake8's."""
    return black_line_length(root) or flake8_line_length(root)


def with_flake8_length(text: str, length: int) -> str:
    """A .flake8 text whose ``[flake8] max-line-length`` is ``length``, the old value noted."""
    header = re.search(r"^\[flake8\][ \t]*$", text, re.MULTILINE)
    if header is None:
        return text
    following = re.search(r"^\[[^\]]+\]\s*$", text[header.end() :], re.MULTILINE)
    end = header.end() + following.start() if following else len(text)
    section = text[header.end() : end]
    match = MAX_LINE_LENGTH.search(section)
    if match and int(match[1]) == length:
        return text
    if match:
        line = f"{SETTLED_COMMENT.format(was=match[1])}\nmax-line-length = {length}"
        section = section[: match.start()] + line + section[match.end() :]
    else:
        section = f"\nmax-line-length = {length}" + section
    return text[: header.end()] + section + text[end:]


def flake8_settled(text: str, length: int) -> tuple[str, list[str]]:
    """A .flake8 text agreeing with black at ``length`` (LNT103, LNT104), and what changed."""
    changes = []
    section = flake8_section_text(text)
    match = MAX_LINE_LENGTH.search(section) if section is not None else None
    if section is not None and (match is None or int(match[1]) != length):
        was = match[1] if match else "79, flake8's default"
        changes.append(f"max-line-length = {length}, black's line length (it allowed {was})")
        text = with_flake8_length(text, length)
    missing = black_codes_missing(text)
    if missing:
        changes.append(f"extend-ignore += {', '.join(missing)}, which black's style triggers")
        text = with_extend_ignore(text, missing)
    return text, changes


def flake8_section_text(text: str) -> str | None:
    header = re.search(r"^\[flake8\][ \t]*$", text, re.MULTILINE)
    if header is None:
        return None
    following = re.search(r"^\[[^\]]+\][ \t]*$", text[header.end() :], re.MULTILINE)
    return text[header.end() : header.end() + following.start() if following else len(text)]


def flake8_options(section: str) -> dict[str, str]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string("[flake8]" + section)
    return {key.replace("_", "-"): value for key, value in parser.items("flake8")}


def black_codes_missing(text: str) -> list[str]:
    """The codes black's style makes flake8 report that this .flake8 does not ignore, as the
    LNT104 check reckons them."""
    from ml_publish.checks.lint import (
        BLACK_CONFLICTS,
        BLACK_CONFLICTS_WITH_DEFAULTS_REPLACED,
        FLAKE8_DEFAULT_IGNORE,
    )
    from ml_publish.checks.lint_tools import codes

    section = flake8_section_text(text)
    if section is None:
        return []
    options = flake8_options(section)
    ignored = set(codes(options.get("extend-ignore", "")))
    needed = BLACK_CONFLICTS
    if "ignore" in options:
        ignored |= set(codes(options["ignore"]))
        needed = BLACK_CONFLICTS_WITH_DEFAULTS_REPLACED
    else:
        ignored |= FLAKE8_DEFAULT_IGNORE
    return sorted(c for c in needed if not any(c.startswith(i) for i in ignored))


def with_extend_ignore(text: str, missing: list[str]) -> str:
    """``missing`` added to ``[flake8] extend-ignore`` (made after the header if absent)."""
    header = re.search(r"^\[flake8\][ \t]*$", text, re.MULTILINE)
    assert header is not None
    line = re.compile(r"^extend[-_]ignore\s*[=:][ \t]*(.*)$", re.MULTILINE)
    found = line.search(text, header.end())
    following = re.search(r"^\[[^\]]+\][ \t]*$", text[header.end() :], re.MULTILINE)
    end = header.end() + following.start() if following else len(text)
    if found is not None and found.start() < end:
        value = found[1].rstrip()
        joined = f"{value}, {', '.join(missing)}" if value else ", ".join(missing)
        return text[: found.start(1)] + joined + text[found.start(1) + len(found[1]) :]
    return text[: header.end()] + f"\nextend-ignore = {', '.join(missing)}" + text[header.end() :]
