"""How the audit shows its results: a text table, JSON for CI, or Markdown.

The JSON document is stable: ``{"version": 1, "path": ..., "summary": {"pass": n, "fail": n,
"skip": n}, "checks": [{"id", "family", "title", "result", "message"}, ...]}`` with ``result``
one of ``pass``, ``fail``, ``skip``; fields may be added, never renamed or removed.
"""

from __future__ import annotations

import os
import sys

from ml_publish.checks.base import FAMILIES, PASS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.checks.base import CheckResult

FORMATS = ("text", "json", "markdown")
JSON_FORMAT_VERSION = 1
MARKS = {"pass": "PASS", "fail": "FAIL", "skip": "skip"}
STYLES = {"pass": "green", "fail": "bold red", "skip": "dim"}
EMOJI = {"pass": "✅", "fail": "❌", "skip": "⏭️"}


def summary(results: list[CheckResult]) -> dict[str, int]:
    return {key: sum(r.result == key for r in results) for key in MARKS}


def summary_line(results: list[CheckResult]) -> str:
    counts = summary(results)
    return f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped"


def by_family(results: list[CheckResult]) -> dict[str, list[CheckResult]]:
    grouped: dict[str, list[CheckResult]] = {}
    for result in results:
        grouped.setdefault(result.family, []).append(result)
    return grouped


def render_json(results: list[CheckResult], path: str) -> str:
    import json

    document = {
        "version": JSON_FORMAT_VERSION,
        "path": path,
        "summary": summary(results),
        "checks": [result.as_dict() for result in results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def render_markdown(results: list[CheckResult], path: str) -> str:
    lines = [f"# ml-publish check: `{path}`", "", summary_line(results)]
    for family, members in by_family(results).items():
        lines += ["", f"## {FAMILIES[family]} ({family})", ""]
        lines += ["| | ID | Check | Details |", "|---|---|---|---|"]
        for r in members:
            details = r.message.replace("|", "\\|")
            lines.append(f"| {EMOJI[r.result]} | {r.id} | {r.title} | {details} |")
    return "\n".join(lines)


def render_plain(results: list[CheckResult]) -> str:
    lines = []
    for family, members in by_family(results).items():
        lines.append(f"{FAMILIES[family]} ({family})")
        for r in members:
            lines.append(f"  {MARKS[r.result]}  {r.id:<7} {r.title}")
            if r.message and r.result != PASS:
                lines.append(f"        {r.message}")
    lines.append(summary_line(results))
    return "\n".join(lines)


def wants_color() -> bool:
    """rich tables on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def print_rich(results: list[CheckResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for family, members in by_family(results).items():
        table = Table(title=f"{FAMILIES[family]} ({family})", title_justify="left", expand=True)
        table.add_column("", width=4)
        table.add_column("ID", width=7, no_wrap=True)
        table.add_column("Check", ratio=2)
        table.add_column("Details", ratio=3)
        for r in members:
            style = STYLES[r.result]
            table.add_row(f"[{style}]{MARKS[r.result]}[/]", r.id, r.title, r.message, style=None)
        console.print(table)
    console.print(summary_line(results))


def print_report(results: list[CheckResult], output_format: str, path: str) -> None:
    if output_format == "json":
        print(render_json(results, path))
    elif output_format == "markdown":
        print(render_markdown(results, path))
    elif wants_color():
        print_rich(results)
    else:
        print(render_plain(results))
