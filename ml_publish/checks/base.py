"""What a check is (an ID, a family, a one-line title, prerequisites, a function) and what a
run of it gives back (a result: ``pass``, ``fail`` or ``skip``, with a message).

A check function receives the repository's facts and returns ``None`` when the repository
passes, or a message that says what is wrong and how to fix it. It raises ``Skip`` when it
does not apply (no weights registry, no README, ...). Its docstring's first line is its title.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final, Literal

    from ml_publish.checks.facts import RepositoryFacts

    CheckFunction = Callable[[RepositoryFacts], "str | None"]
    Outcome = Literal["pass", "fail", "skip"]

FAMILIES = {
    "PKG": "Packaging",
    "LNT": "Lint configuration",
    "PC": "pre-commit",
    "CI": "Continuous integration",
    "DOC": "Documentation",
    "WGT": "Weights",
    "REL": "Release readiness",
    "TPL": "Template",
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


PASS: Final = "pass"
FAIL: Final = "fail"
SKIP: Final = "skip"


# Plain classes rather than dataclasses: importing dataclasses would add a third to the
# run time of a check that pre-commit starts on every commit.
class CheckResult:
    """One check's outcome; the JSON output is ``FIELDS``, in this order."""

    FIELDS = ("id", "family", "title", "result", "message")

    def __init__(
        self, id: str, family: str, title: str, result: Outcome, message: str = ""
    ) -> None:
        self.id = id
        self.family = family
        self.title = title
        self.result = result
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.FIELDS}

    def __repr__(self) -> str:
        return f"<CheckResult {self.id} {self.result}>"
