"""What a check run gives back: one result per check, ``pass``, ``fail`` or ``skip``."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final, Literal

    Outcome = Literal["pass", "fail", "skip"]

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
