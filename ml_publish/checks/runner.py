"""The audit's runner: choose the checks, run them in order, decide the exit code.

Checks run in the order of the table in catalogue.py. A check whose prerequisite failed or
was skipped is skipped too; prerequisites run even when only their dependents were selected.
"""

from __future__ import annotations

from pathlib import Path

from ml_publish.checks import all_checks
from ml_publish.checks.base import FAIL, FAMILIES, PASS, SKIP, Check, CheckResult, Skip
from ml_publish.checks.facts import RepositoryFacts, UnreadableFile
from ml_publish.conflict_markers import BASELINE_KEY
from ml_publish.errors import UsageError
from ml_publish.toml_file import tool_table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from ml_publish.checks.base import Outcome

CONFIG_TABLE = "[tool.ml-publish.check]"
CONFIG_KEYS = ("select", "ignore", BASELINE_KEY)


class Selection:
    """Which checks to report, and the ones ignored with a reason."""

    def __init__(self, selected: tuple[str, ...], ignored: dict[str, str]) -> None:
        self.selected = selected
        self.ignored = ignored


def expand(words: list[str], checks: list[Check], where: str) -> list[str]:
    """Check IDs for IDs and family names (``PKG``); an unknown one is a usage error."""
    ids = [c.id for c in checks]
    expanded = []
    for word in words:
        word = word.strip().upper()
        if word in ids:
            expanded.append(word)
        elif word in FAMILIES:
            expanded.extend(c.id for c in checks if c.family == word)
        else:
            raise UsageError(
                f"unknown check {word!r} in {where}; run ml-publish check --list for the IDs "
                f"(families: {', '.join(FAMILIES)})"
            )
    return expanded


def read_config(facts: RepositoryFacts) -> dict[str, object]:
    """``[tool.ml-publish.check]`` of the checked repository (empty when there is none)."""
    try:
        table = tool_table(facts.pyproject(), "ml-publish", "check")
    except UnreadableFile:
        return {}
    if not isinstance(table, dict):
        raise UsageError(f"{CONFIG_TABLE} in pyproject.toml must be a table")
    unknown = sorted(set(table) - set(CONFIG_KEYS))
    if unknown:
        raise UsageError(
            f"unknown key {', '.join(map(repr, unknown))} in {CONFIG_TABLE}; use "
            f"{' or '.join(CONFIG_KEYS)}"
        )
    return table


def choose(
    checks: list[Check], config: dict[str, object], select: list[str], ignore: list[str]
) -> Selection:
    """Combine the configuration with the command-line flags (the flags win)."""
    configured_select = config.get("select", [])
    configured_ignore = config.get("ignore", {})
    if not isinstance(configured_select, list):
        raise UsageError(f"select in {CONFIG_TABLE} must be a list of check IDs")
    if isinstance(configured_ignore, list):
        configured_ignore = {word: "ignored in pyproject.toml" for word in configured_ignore}
    if not isinstance(configured_ignore, dict):
        raise UsageError(f'ignore in {CONFIG_TABLE} must be a table: {{ PKG101 = "reason" }}')
    ignored: dict[str, str] = {}
    for word, reason in configured_ignore.items():
        for check_id in expand([str(word)], checks, CONFIG_TABLE):
            ignored[check_id] = f"ignored: {reason}"
    for check_id in expand(ignore, checks, "--ignore"):
        ignored[check_id] = "ignored with --ignore"
    chosen = expand(select, checks, "--select") if select else []
    if not chosen:
        chosen = expand([str(w) for w in configured_select], checks, CONFIG_TABLE)
    selected = tuple(c.id for c in checks if not chosen or c.id in chosen)
    return Selection(selected, ignored)


def evaluate(check: Check, facts: RepositoryFacts) -> tuple[Outcome, str]:
    try:
        message = check.function(facts)
    except Skip as skip:
        return SKIP, str(skip)
    return (FAIL, message) if message else (PASS, "")


def run_checks(
    root: Path, *, select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[CheckResult]:
    """Audit the repository at ``root``; the results of the selected checks, in order."""
    if not root.is_dir():
        raise UsageError(f"{root} is not a directory; pass the repository to check")
    checks = all_checks()
    facts = RepositoryFacts(root)
    selection = choose(checks, read_config(facts), list(select), list(ignore))
    by_id = {c.id: c for c in checks}
    outcomes: dict[str, tuple[Outcome, str]] = {}

    def outcome(check_id: str) -> tuple[Outcome, str]:
        if check_id not in outcomes:
            check = by_id[check_id]
            unmet = [r for r in check.requires if outcome(r)[0] != PASS]
            if check_id in selection.ignored:
                outcomes[check_id] = (SKIP, selection.ignored[check_id])
            elif unmet:
                what = {FAIL: "failed", SKIP: "was skipped"}
                reasons = [f"{r} {what[outcome(r)[0]]}" for r in unmet]
                outcomes[check_id] = (SKIP, f"not run: {', '.join(reasons)}")
            else:
                outcomes[check_id] = evaluate(check, facts)
        return outcomes[check_id]

    return [
        CheckResult(c.id, c.family, c.title, *outcome(c.id))
        for c in checks
        if c.id in selection.selected
    ]


def exit_code(results: list[CheckResult]) -> int:
    """0 when nothing failed, 1 when a check failed."""
    return 1 if any(r.result == FAIL for r in results) else 0


def list_checks() -> str:
    """One line per check: ID, title and prerequisites, grouped by family."""
    lines = []
    for family, name in FAMILIES.items():
        lines.append(f"{name} ({family})")
        for c in all_checks():
            if c.family == family:
                needs = f"  [needs {', '.join(c.requires)}]" if c.requires else ""
                lines.append(f"  {c.id:<7} {c.title}{needs}")
    return "\n".join(lines)
