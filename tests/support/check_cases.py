"""Which checks the check tests saw pass and which they saw fail.

The evidence behind "every check has a tiny passing and a tiny failing repository": ``audit``
(tiny_repos.py) notes each result it returns, tests/checks/conftest.py keeps the notes of the
tests that passed and the items a run deselected, and the meta-test in
tests/checks/test_runner.py, moved to the end of the run, reads them. Results are noted, not
test names, so a case counts wherever it is written and in whatever order the tests run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHECK_TESTS = Path(__file__).parent.parent / "checks"


@dataclass
class CheckCases:
    """(check ID, result) pairs: noted during the current test, and seen by tests that passed."""

    noted: list[tuple[str, str]] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    finished: set[str] = field(default_factory=set)
    not_passed: list[str] = field(default_factory=list)
    deselected: list[str] = field(default_factory=list)

    def note(self, check_id: str, result: str) -> None:
        self.noted.append((check_id, result))

    def keep(self, test: str, passed: bool) -> None:
        """End a test: what it noted counts only when it passed."""
        self.finished.add(test)
        if passed:
            self.seen.update(self.noted)
        else:
            self.not_passed.append(test)
        self.noted.clear()


CASES = CheckCases()


def in_check_tests(item: pytest.Item) -> bool:
    return item.path.parent == CHECK_TESTS


def left_out(items: list[pytest.Item], deselected: list[str]) -> str | None:
    """Why ``items`` do not hold every test in tests/checks, or None when they do.

    A ``-k``/``-m``/``--lf``/``--deselect`` selection shows in ``deselected``; a file or node
    ID given on the command line shows as a test function no item comes from.
    """
    if deselected:
        return f"{len(deselected)} check tests were deselected, {deselected[0]} first"
    selected = {(item.path.name, item.name.partition("[")[0]) for item in items}
    for path in sorted(CHECK_TESTS.glob("test_*.py")):
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M):
            if (path.name, name) not in selected:
                return f"{path.name}::{name} was not selected"
    return None
