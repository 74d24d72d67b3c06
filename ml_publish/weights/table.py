"""The pretrained-weights table in a project's README, kept in sync with the registry."""

from __future__ import annotations

from ml_publish.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.weights.registry import WeightEntry

START_MARKER = "<!-- weights-table:start -->"
END_MARKER = "<!-- weights-table:end -->"
NO_WEIGHTS = "No weights have been published yet."


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def render_table(entries: list[WeightEntry]) -> str:
    """The Markdown table, or a sentence when there is nothing to list."""
    if not entries:
        return NO_WEIGHTS
    header = ["Name", "Architecture", "Dataset", "Size", "SHA-256", "Download"]
    rows = [
        [
            f"`{entry.name}`",
            entry.arch,
            str(entry.meta.get("dataset", "")),
            human_size(entry.size),
            f"`{entry.sha256[:10]}`",
            f"[{entry.file_name}]({entry.url})",
        ]
        for entry in sorted(entries, key=lambda e: e.name)
    ]
    # Padded as mdformat-gfm pads tables, so the project's Markdown hook leaves it alone.
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join(
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) + " |"
        for line in lines
    )


def with_table(readme: str, entries: list[WeightEntry]) -> str:
    """``readme`` with the text between the markers replaced by the current table."""
    start = readme.find(START_MARKER)
    end = readme.find(END_MARKER)
    if start < 0 or end < start:
        raise UsageError(
            f"README.md has no weights table markers; add {START_MARKER} and {END_MARKER} "
            "where the table should go"
        )
    before = readme[: start + len(START_MARKER)]
    return f"{before}\n\n{render_table(entries)}\n\n{readme[end:]}"
