"""flake8 made to agree with black in an adopted project.

The project's line length is black's, else flake8's (see repository_analysis/code_style.py).
flake8's ``max-line-length`` in the author's own .flake8 is set to it, and the codes black's
style triggers are added to its ``extend-ignore`` (LNT103 and LNT104).
"""

from __future__ import annotations

import re

from ml_publish.repository_analysis.code_style import MAX_LINE_LENGTH, flake8_section_text

SETTLED_COMMENT = "# black's line length (ml-publish adopt); flake8 allowed {was} before"


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
