"""The line length a repository's code is formatted to: black's, else flake8's.

black's line length wins, as the LNT103 check says: ``[tool.black] line-length``, else the
``--line-length`` argument of the author's black hook, else black's default when the author
runs black at all. A repository that never ran black keeps its flake8 length as the project's
(``max-line-length`` in setup.cfg, tox.ini or .flake8), so black does not reflow its code to
another width.
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


def flake8_section_text(text: str) -> str | None:
    header = re.search(r"^\[flake8\][ \t]*$", text, re.MULTILINE)
    if header is None:
        return None
    following = re.search(r"^\[[^\]]+\][ \t]*$", text[header.end() :], re.MULTILINE)
    return text[header.end() : header.end() + following.start() if following else len(text)]
