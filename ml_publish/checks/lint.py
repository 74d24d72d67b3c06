"""LNT: black, flake8 and mypy configured once, and configured to agree."""

from __future__ import annotations

import re

from ml_publish.checks.base import check
from ml_publish.checks.facts import RepositoryFacts, UnreadableFile

# In the order flake8 looks for them: it reads the first with a [flake8] section.
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")
MYPY_FILES = ("mypy.ini", ".mypy.ini", "setup.cfg")
BLACK_DEFAULT_LINE_LENGTH = 88
FLAKE8_DEFAULT_LINE_LENGTH = 79
# flake8's default ignore list, which an explicit `ignore =` replaces.
FLAKE8_DEFAULT_IGNORE = {"E121", "E123", "E126", "E226", "E24", "E704", "W503", "W504"}
# What black's style makes flake8 report unless ignored.
BLACK_CONFLICTS = {"E203"}
BLACK_CONFLICTS_WITH_DEFAULTS_REPLACED = {"E203", "W503", "E704"}


def ini_section(facts: RepositoryFacts, name: str, section: str) -> dict[str, str] | None:
    """One section of an INI file as a dict, or ``None`` when the file or section is missing."""
    text = facts.text(name)
    if text is None:
        return None
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=name)
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return None
    return {key.replace("_", "-"): value for key, value in parser.items(section)}


def flake8_config(facts: RepositoryFacts) -> tuple[str, dict[str, str]] | None:
    """The file flake8 reads its settings from, and those settings."""
    for name in FLAKE8_FILES:
        section = ini_section(facts, name, "flake8")
        if section is not None:
            return name, section
    return None


def codes(value: str) -> set[str]:
    return {code for code in re.split(r"[\s,]+", value) if code}


@check("LNT101", requires=("PKG101",))
def black_configured(facts: RepositoryFacts) -> str | None:
    """black is configured in pyproject.toml."""
    if not facts.tool("black"):
        return "add [tool.black] with line-length and target-version to pyproject.toml"
    return None


@check("LNT102")
def flake8_configured(facts: RepositoryFacts) -> str | None:
    """flake8 is configured (.flake8, setup.cfg or tox.ini)."""
    if flake8_config(facts) is None:
        return "add a .flake8 file with a [flake8] section (flake8 does not read pyproject.toml)"
    return None


@check("LNT103", requires=("LNT101", "LNT102"))
def line_lengths_agree(facts: RepositoryFacts) -> str | None:
    """black and flake8 use the same line length."""
    black = int(facts.tool("black").get("line-length", BLACK_DEFAULT_LINE_LENGTH))
    found = flake8_config(facts)
    assert found is not None
    name, flake8 = found
    flake8_length = int(flake8.get("max-line-length", FLAKE8_DEFAULT_LINE_LENGTH))
    if black != flake8_length:
        return (
            f"black formats to {black} columns but flake8 in {name} allows {flake8_length}; "
            f"set max-line-length = {black}"
        )
    return None


@check("LNT104", requires=("LNT101", "LNT102"))
def flake8_ignores_black_style(facts: RepositoryFacts) -> str | None:
    """flake8 ignores E203 (and W503, E704 when its defaults are replaced), as black needs."""
    found = flake8_config(facts)
    assert found is not None
    name, flake8 = found
    ignored = codes(flake8.get("extend-ignore", ""))
    needed = BLACK_CONFLICTS
    if "ignore" in flake8:
        ignored |= codes(flake8["ignore"])
        needed = BLACK_CONFLICTS_WITH_DEFAULTS_REPLACED
    else:
        ignored |= FLAKE8_DEFAULT_IGNORE
    # flake8 matches ignored codes by prefix: E2 ignores E203.
    missing = sorted(c for c in needed if not any(c.startswith(i) for i in ignored))
    if missing:
        return f"add {', '.join(missing)} to extend-ignore in {name}; black's style triggers them"
    return None


@check("LNT105")
def mypy_configured_once(facts: RepositoryFacts) -> str | None:
    """mypy is configured in exactly one place."""
    places = [name for name in MYPY_FILES if ini_section(facts, name, "mypy") is not None]
    try:
        if facts.tool("mypy"):
            places.append("pyproject.toml")
    except UnreadableFile:  # a missing or broken pyproject.toml is PKG101's to report
        pass
    if not places:
        return "configure mypy in [tool.mypy] of pyproject.toml (strict = true)"
    if len(places) > 1:
        return (
            f"mypy is configured in {' and '.join(places)} and reads only the first it finds; "
            "keep one"
        )
    return None
