"""What a check is: an ID, a family, a one-line title, prerequisites, and a function.

A check function receives the repository's facts and returns ``None`` when the repository
passes, or a message that says what is wrong and how to fix it. It raises ``Skip`` when it
does not apply (no weights registry, no README, ...). Its docstring's first line is its title.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from ml_publish.checks.facts import RepositoryFacts

    CheckFunction = Callable[[RepositoryFacts], "str | None"]

FAMILIES = {
    "PKG": "Packaging",
    "LNT": "Lint configuration",
    "PC": "pre-commit",
    "CI": "Continuous integration",
    "DOC": "Documentation",
    "WGT": "Weights",
    "REL": "Release readiness",
}


class Skip(Exception):
    """The check does not apply to this repository; the message says why."""


class Check:
    """One registered check."""

    def __init__(self, id: str, requires: tuple[str, ...], function: CheckFunction) -> None:
        self.id = id
        self.family = id.rstrip("0123456789")
        self.requires = requires
        self.function = function
        self.title = (function.__doc__ or "").strip().splitlines()[0].rstrip(".")

    def __repr__(self) -> str:
        return f"<Check {self.id}: {self.title}>"


def check(id: str, *, requires: tuple[str, ...] = ()) -> Callable[[CheckFunction], Check]:
    """Make a function a check with this ID; it runs only when every prerequisite passed."""

    def register(function: CheckFunction) -> Check:
        return Check(id, requires, function)

    return register
