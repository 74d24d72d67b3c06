"""LNT: a formatter, a linter and a type checker, each configured once and agreeing.

By intent, not by tool: black or ruff's formatter formats, flake8 or ruff lints, mypy or
pyright checks types (lint_tools.py says what counts as using each).
"""

from __future__ import annotations

from ml_publish.checks.base import Skip, check
from ml_publish.checks.facts import RepositoryFacts
from ml_publish.checks.lint_tools import (
    Tool,
    codes,
    flake8_config,
    formatters,
    linters,
    type_checker_places,
)

# flake8's default ignore list, which an explicit `ignore =` replaces.
FLAKE8_DEFAULT_IGNORE = {"E121", "E123", "E126", "E226", "E24", "E704", "W503", "W504"}
# What black's style (black's, or ruff format's) makes flake8 report unless ignored.
BLACK_CONFLICTS = {"E203"}
BLACK_CONFLICTS_WITH_DEFAULTS_REPLACED = {"E203", "W503", "E704"}
BLACK_STYLE = ("black", "ruff format")


@check("LNT101", requires=("PKG101",))
def formatter_configured(facts: RepositoryFacts) -> str | None:
    """A formatter is configured: black, or ruff format."""
    if not formatters(facts):
        return (
            "no formatter is configured: add [tool.black] with line-length and target-version "
            "to pyproject.toml, or format with ruff (the ruff-format pre-commit hook)"
        )
    return None


@check("LNT102")
def linter_configured(facts: RepositoryFacts) -> str | None:
    """A linter is configured: flake8 (.flake8, setup.cfg or tox.ini), or ruff."""
    if not linters(facts):
        return (
            "no linter is configured: add a .flake8 file with a [flake8] section (flake8 does "
            "not read pyproject.toml), or lint with ruff ([tool.ruff] and its pre-commit hook)"
        )
    return None


@check("LNT103", requires=("LNT101", "LNT102"))
def line_lengths_agree(facts: RepositoryFacts) -> str | None:
    """The formatter and the linter agree on the line length."""
    problems = [
        problem
        for formatter in formatters(facts)
        for linter in linters(facts)
        if (problem := disagreement(formatter, linter)) is not None
    ]
    return "; ".join(problems) or None


def disagreement(formatter: Tool, linter: Tool) -> str | None:
    """Why ``linter`` would flag lines ``formatter`` writes (or the reverse), if it would."""
    wanted, allowed = formatter.line_length, linter.line_length
    if allowed is None or wanted is None:
        return None  # the linter does not check line length
    if formatter.name == "ruff format" and linter.name == "ruff":
        # One setting for both; ruff documents a higher E501 limit as the way to let the
        # formatter's overlong lines through, so only a lower one disagrees.
        if allowed >= wanted:
            return None
        return (
            f"ruff format writes {wanted} columns but E501 allows {allowed} "
            f"({linter.length_where}); raise it to {wanted} or remove it"
        )
    if wanted == allowed:
        return None
    fix = (
        f"set max-line-length = {wanted}"
        if linter.name == "flake8"
        else f"set line-length = {wanted} for ruff"
    )
    return (
        f"{formatter.name} formats to {wanted} columns ({formatter.length_where}) but "
        f"{linter.length_where if linter.name == 'flake8' else 'ruff'} allows {allowed}; {fix}"
    )


@check("LNT104", requires=("LNT101", "LNT102"))
def flake8_ignores_black_style(facts: RepositoryFacts) -> str | None:
    """flake8 ignores E203 (and W503, E704 when its defaults are replaced), as black needs."""
    beside = [f.name for f in formatters(facts) if f.name in BLACK_STYLE]
    if not any(linter.name == "flake8" for linter in linters(facts)):
        raise Skip("flake8 does not run here; black's style conflicts only with flake8")
    if not beside:
        raise Skip("no black-style formatter runs beside flake8")
    name, flake8 = flake8_config(facts) or (".flake8", {})
    ignored = set(codes(flake8.get("extend-ignore", "")))
    needed = BLACK_CONFLICTS
    if "ignore" in flake8:
        ignored |= set(codes(flake8["ignore"]))
        needed = BLACK_CONFLICTS_WITH_DEFAULTS_REPLACED
    else:
        ignored |= FLAKE8_DEFAULT_IGNORE
    # flake8 matches ignored codes by prefix: E2 ignores E203.
    missing = sorted(c for c in needed if not any(c.startswith(i) for i in ignored))
    if missing:
        return (
            f"add {', '.join(missing)} to extend-ignore in {name}; the style of "
            f"{' and '.join(beside)} triggers them"
        )
    return None


@check("LNT105")
def type_checker_configured_once(facts: RepositoryFacts) -> str | None:
    """A type checker, mypy or pyright, is configured in exactly one place."""
    places = type_checker_places(facts)
    if not places:
        return (
            "configure a type checker: [tool.mypy] in pyproject.toml (strict = true), or "
            "pyright ([tool.pyright])"
        )
    twice = [
        f"{checker} is configured in {' and '.join(found)} and reads only the first it finds"
        for checker, found in places.items()
        if len(found) > 1
    ]
    if twice:
        return "; ".join(twice) + "; keep one"
    return None
