"""The pretrained-weights table in a project's README, kept in sync with the registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ml_publish.errors import UsageError
from ml_publish.weights.naming import is_data
from ml_publish.weights.parts import part_url

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.weights.registry import WeightEntry

START_MARKER = "<!-- weights-table:start -->"
END_MARKER = "<!-- weights-table:end -->"
# The same markers in a reStructuredText README, where HTML comments would show.
RST_START_MARKER = ".. weights-table:start"
RST_END_MARKER = ".. weights-table:end"
NO_WEIGHTS = "No weights have been published yet."
# Registered data files (splits, features) are listed after the weights, under this heading.
DATA_HEADING = "Data files"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def markdown_link(text: str, url: str) -> str:
    return f"[{text}]({link_target(url)})"


def rst_link(text: str, url: str) -> str:
    return f"`{rst_text(text)} <{link_target(url)}>`__"


def download_cell(entry: WeightEntry, link: Callable[[str, str], str]) -> str:
    """Where to download the file: its release URL (or one per part), then its mirrors."""
    if entry.parts:
        parts = [link(f"part {n}", part_url(entry.url, p)) for n, p in enumerate(entry.parts, 1)]
        cell = f"{entry.file_name} in {len(parts)} parts: {', '.join(parts)}"
    else:
        cell = link(entry.file_name, entry.url)
    if entry.mirrors:
        hosts = [link(urlsplit(url).hostname or url, url) for url in entry.mirrors]
        cell += f"; mirrors: {', '.join(hosts)}"
    return cell


HEADER = ["Name", "Architecture", "Dataset", "Metrics", "License", "Size", "SHA-256", "Download"]
# Columns shown only when some entry fills them.
OPTIONAL_COLUMNS = ("Metrics", "License")


def metrics_text(meta: dict[str, object]) -> str:
    """A weight's metrics in a line: ``acc@1 80.674 (ImageNet, val)``, sets joined by ``; ``."""
    metrics = meta.get("metrics")
    if not isinstance(metrics, list):
        return ""
    return "; ".join(
        ", ".join(f"{name} {value:g}" for name, value in metric["values"].items())
        + f" ({metric['dataset']}, {metric['split']})"
        for metric in metrics
        if isinstance(metric, dict) and isinstance(metric.get("values"), dict)
    )


def license_text(meta: dict[str, object]) -> str:
    value = meta.get("license")
    return value if isinstance(value, str) else ""


def table_rows(
    entries: list[WeightEntry],
    code: str,
    text: Callable[[str], str],
    link: Callable[[str, str], str],
) -> list[list[str]]:
    """The header, then one row of cells per entry, by name, in a markup given by its code
    quote, its escaping of plain text and its links; metrics and license only when filled."""
    rows = [
        [
            f"{code}{entry.name}{code}",
            text(entry.arch),
            text(str(entry.meta.get("dataset", ""))),
            text(metrics_text(entry.meta)),
            text(license_text(entry.meta)),
            human_size(entry.size),
            f"{code}{entry.sha256[:10]}{code}",
            download_cell(entry, link),
        ]
        for entry in sorted(entries, key=lambda e: e.name)
    ]
    shown = [
        index
        for index, column in enumerate(HEADER)
        if column not in OPTIONAL_COLUMNS or any(row[index] for row in rows)
    ]
    return [[row[index] for index in shown] for row in [HEADER, *rows]]


def render_table(entries: list[WeightEntry]) -> str:
    """The Markdown table, or a sentence when there is nothing to list."""
    if not entries:
        return NO_WEIGHTS
    header, *rows = table_rows(entries, "`", markdown_text, markdown_link)
    # Padded as mdformat-gfm pads tables, so the project's Markdown hook leaves it alone.
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join(
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) + " |"
        for line in lines
    )


def one_line(text: str) -> str:
    """``text`` on one line: line breaks, tabs and control characters become single spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def markdown_text(text: str) -> str:
    """Plain text as one cell of a Markdown table: one line, and no ``|`` or ``<`` that could
    end the cell or open HTML (a marker comment, say); as entities they still read the same."""
    return one_line(text).replace("|", "&#124;").replace("<", "&lt;")


def link_target(url: str) -> str:
    """``url`` as a link's target inside a table cell (Markdown or reStructuredText): what
    would end the cell or the link percent-encoded."""
    return re.sub(r"[|<>()\\\s]", lambda found: f"%{ord(found[0]):02X}", url)


def rst_text(text: str) -> str:
    """Plain text escaped for reStructuredText, so ``*``, ``_`` or a backquote stay literal,
    on one line so it stays in its cell, and never read as a comment or directive (``..``)."""
    escaped = re.sub(r"([\\`*_|])", r"\\\1", one_line(text))
    return "\\" + escaped if escaped.startswith("..") else escaped


def render_rst_table(entries: list[WeightEntry]) -> str:
    """The table as a reStructuredText list-table, or a sentence when there is nothing to list."""
    if not entries:
        return NO_WEIGHTS
    header, *rows = table_rows(entries, "``", rst_text, rst_link)
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for first, *others in [header, *rows]:
        lines.append(f"   * - {first}")
        lines += [f"     - {cell}".rstrip() for cell in others]
    return "\n".join(lines)


def table_markers(rst: bool) -> tuple[str, str]:
    """Where the table starts and ends: HTML comments, or reStructuredText comments."""
    return (RST_START_MARKER, RST_END_MARKER) if rst else (START_MARKER, END_MARKER)


def render_for(entries: list[WeightEntry], rst: bool) -> str:
    """The weights table, then the data files (``meta.kind = "data"``) under their own heading."""
    render = render_rst_table if rst else render_table
    data = [entry for entry in entries if is_data(entry.meta)]
    text = render([entry for entry in entries if not is_data(entry.meta)])
    if data:
        heading = f".. rubric:: {DATA_HEADING}" if rst else f"### {DATA_HEADING}"
        text += f"\n\n{heading}\n\n{render(data)}"
    return text


def find_marker(readme: str, marker: str, start: int = 0) -> int:
    """Where ``marker`` first begins a line from ``start`` on (the table's own rows never do),
    else where it first appears at all; -1 when it does not."""
    found = re.compile(rf"^[ \t]*{re.escape(marker)}", re.MULTILINE).search(readme, start)
    return found.end() - len(marker) if found else readme.find(marker, start)


def marked_span(readme: str, rst: bool) -> tuple[int, int] | None:
    """Where the text between the markers starts and ends, or None without both markers."""
    start_marker, end_marker = table_markers(rst)
    start = find_marker(readme, start_marker)
    if start < 0:
        return None
    end = find_marker(readme, end_marker, start + len(start_marker))
    return None if end < 0 else (start + len(start_marker), end)


def table_in(readme: str, rst: bool = False) -> str | None:
    """The text between the markers, or ``None`` when the README has no marked table."""
    span = marked_span(readme, rst)
    return None if span is None else readme[span[0] : span[1]]


def with_table(readme: str, entries: list[WeightEntry], *, rst: bool = False) -> str:
    """``readme`` with the text between the markers replaced by the current table.

    ``rst`` for a reStructuredText README: its markers are comments and its table a list-table.
    """
    span = marked_span(readme, rst)
    if span is None:
        start_marker, end_marker = table_markers(rst)
        raise UsageError(
            f"the README has no weights table markers; add {start_marker} and {end_marker} "
            "where the table should go"
        )
    return f"{readme[: span[0]]}\n\n{render_for(entries, rst)}\n\n{readme[span[1] :]}"
