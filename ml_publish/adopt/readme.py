"""The author's README stays the readme: adopt appends the template's sections in its markup.

A repository's README, whatever its name (``README.rst``, ``readme.md``, ``README.txt``,
``README``), is the project's readme: pyproject.toml's ``readme`` points at it and the
template's missing sections go into it, written in its own markup, inside a marked block. No
second README is made. The template's sections are Markdown; this module writes them as
reStructuredText (underlined titles at the README's own section level, ``.. code-block::``,
anonymous links, rst comments as markers) or as plain text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ml_publish.readmes import declared_readme, first_readme_variant

TEMPLATE_README = "README.md"
MARKDOWN_START = "<!-- ml-publish adopt: sections from the template, to fill in -->"
MARKDOWN_END = "<!-- ml-publish adopt: end -->"
RST_START = ".. ml-publish adopt: sections from the template, to fill in"
RST_END = ".. ml-publish adopt: end"
# Plain text shows any marker as it is; the Markdown ones at least say what they are, and the
# weights table keeps its Markdown markers and table there too.
MARKERS = {
    "markdown": (MARKDOWN_START, MARKDOWN_END),
    "rst": (RST_START, RST_END),
    "text": (MARKDOWN_START, MARKDOWN_END),
}
CONTENT_TYPES = {"markdown": "text/markdown", "rst": "text/x-rst", "text": "text/plain"}
# Characters that underline reStructuredText titles, in the order adopt picks unused ones.
ADORNMENTS = "=-~^\"'`#*+:._"
RST_TITLE = re.compile(
    r"^(?:(?P<over>[=\-~^\"'`#*+:._])(?P=over){2,}\n)?(?P<title>\S.*?)\s*\n"
    r"(?P<under>[=\-~^\"'`#*+:._])(?P=under){2,}[ \t]*$",
    re.MULTILINE,
)
MARKDOWN_TITLE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)")
HTML_COMMENT = re.compile(r"^<!--\s*(.*?)\s*-->$")
IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
# A Markdown link (its label may hold code spans) or a code span, whichever comes first.
INLINE = re.compile(r"\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)|`(?P<code>[^`]+)`")
LIST_ITEM = re.compile(r"^(?:[-*+]|\d+\.)\s")
# What may come right before and right after rst inline markup without an escaped space.
RST_BEFORE = set("-:/'\"<([{")
RST_AFTER = set("-.,:;!?\\/'\")]}>")

Style = tuple[str, bool]  # the underline character, and whether the title is overlined too


def markup_of(path: str) -> str:
    """``rst`` for ``*.rst``, ``markdown`` for ``*.md``/``*.markdown``, else ``text``."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".rst":
        return "rst"
    return "markdown" if suffix in {".md", ".markdown"} else "text"


def readme_setting(path: str) -> str:
    """The TOML value of ``[project] readme`` for ``path``.

    A plain path where every build backend reads its type from the extension (``.md``,
    ``.rst``, as PEP 621 names them); the table form with its content type otherwise
    (``README``, ``README.txt``, ``README.MD``).
    """
    if PurePosixPath(path).suffix in {".md", ".rst"}:
        return json.dumps(path)
    content_type = CONTENT_TYPES[markup_of(path)]
    return f"{{ file = {json.dumps(path)}, content-type = {json.dumps(content_type)} }}"


def repository_readme(files: Iterable[str], pyproject: str | None) -> str | None:
    """The repository's README: the file its pyproject.toml names, else a root README variant."""
    files = set(files)
    declared = declared_readme(project_readme(pyproject or ""))
    if declared is not None and declared in files:
        return declared
    return first_readme_variant(name for name in files if "/" not in name)


def project_readme(pyproject: str) -> object:
    """``[project] readme`` of a pyproject.toml's text; ``None`` when unset or not TOML."""
    from ml_publish.toml_file import parse_toml

    try:
        project = parse_toml(pyproject).get("project", {})
    except ValueError:
        return None
    return project.get("readme") if isinstance(project, dict) else None


def with_repository_readme(template_files: dict[str, str], readme: str | None) -> dict[str, str]:
    """The template's files with its README.md standing for ``readme``, which pyproject names.

    Without a README of the repository's own, or when it is README.md, nothing changes.
    """
    if readme is None or readme == TEMPLATE_README or TEMPLATE_README not in template_files:
        return template_files
    files = {name: text for name, text in template_files.items() if name != TEMPLATE_README}
    files[readme] = template_files[TEMPLATE_README]
    if "pyproject.toml" in files:
        setting = f"readme = {readme_setting(readme)}"
        files["pyproject.toml"] = re.sub(
            r"^readme = .*$", lambda _: setting, files["pyproject.toml"], count=1, flags=re.M
        )
    return files


# Titles and levels


def rst_titles(text: str) -> list[tuple[str, Style]]:
    """The section titles of a reStructuredText document, with their adornment styles."""
    return [
        (match["title"], (match["under"], match["over"] is not None))
        for match in RST_TITLE.finditer(text)
        if not match["over"] or match["over"] == match["under"]
    ]


def section_styles(existing: str) -> list[Style]:
    """The adornments for the template's ``##`` and deeper titles in ``existing``'s markup.

    A style used once, for the first title, is the document's title; sections use the next
    style. Missing levels get characters the document does not use.
    """
    styles: list[Style] = []
    titles = rst_titles(existing)
    for _, style in titles:
        if style not in styles:
            styles.append(style)
    used = {style[0] for style in styles}
    if styles and sum(1 for _, style in titles if style == styles[0]) == 1:
        styles = styles[1:]
    return styles + [(char, False) for char in ADORNMENTS if char not in used]


def existing_titles(existing: str, markup: str) -> set[str]:
    """The lowercase titles ``existing`` has: Markdown headings, underlined titles, or both."""
    titles = {
        match[2].lower() for line in existing.splitlines() if (match := MARKDOWN_TITLE.match(line))
    }
    underlined = {title.lower() for title, _ in rst_titles(existing)}
    return underlined if markup == "rst" else titles | underlined


# Markdown into reStructuredText and plain text


@dataclass
class Blocks:
    """Blocks of lines, written one blank line apart: paragraphs, titles, directives."""

    blocks: list[list[str]] = field(default_factory=list)
    paragraph_open: bool = False

    def add(self, *lines: str) -> None:
        self.blocks.append(list(lines))
        self.paragraph_open = False

    def line(self, line: str) -> None:
        """Continue the paragraph or list being written, or start one (rst wants a blank line
        between a paragraph and a list)."""
        starts_list = (
            self.paragraph_open
            and LIST_ITEM.match(line)
            and not LIST_ITEM.match(self.blocks[-1][0])
        )
        if self.paragraph_open and not starts_list:
            self.blocks[-1].append(line)
        else:
            self.blocks.append([line])
            self.paragraph_open = True

    def end_paragraph(self) -> None:
        self.paragraph_open = False

    def text(self) -> str:
        return "\n\n".join("\n".join(block) for block in self.blocks) + "\n"


def escaped_from_neighbours(text: str, before: str, after: str) -> str:
    """Inline rst markup, with ``\\ `` where a neighbouring character would hide it."""
    opening = "\\ " if before and not before.isspace() and before not in RST_BEFORE else ""
    closing = "\\ " if after and not after.isspace() and after not in RST_AFTER else ""
    return f"{opening}{text}{closing}"


def rst_inline(text: str) -> str:
    """A Markdown line with its code spans and links as reStructuredText literals and links."""

    def replace(match: re.Match[str]) -> str:
        if match["code"] is not None:
            markup = f"``{match['code']}``"
        else:
            markup = f"`{match['label'].replace('`', '')} <{match['url']}>`__"
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        return escaped_from_neighbours(markup, before, after)

    return INLINE.sub(replace, text)


def text_inline(text: str) -> str:
    """A Markdown line as plain text: links as ``label <url>``, no bold markers."""
    text = INLINE.sub(
        lambda m: m[0] if m["code"] is not None else f"{m['label'].replace('`', '')} <{m['url']}>",
        text,
    )
    return text.replace("**", "")


def rst_title(title: str, style: Style) -> tuple[str, ...]:
    line = style[0] * len(title)
    return (line, title, line) if style[1] else (title, line)


def fenced_code(lines: list[str], start: int, fence: str, indent: str) -> tuple[list[str], int]:
    """The indented lines of a fenced code block opened before ``start``, and where it ends."""
    end = start
    while end < len(lines) and not lines[end].startswith(fence):
        end += 1
    return [f"{indent}{line}".rstrip() for line in lines[start:end]], end + 1


def as_rst(markdown: str, styles: list[Style]) -> Blocks:
    """Markdown as reStructuredText; ``styles[0]`` adorns ``##`` titles, the next ones deeper."""
    out = Blocks()
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if fence := FENCE.match(line):
            body, index = fenced_code(lines, index, fence[1], "   ")
            out.add(f".. code-block:: {fence[2] or 'text'}", "", *body)
        elif title := MARKDOWN_TITLE.match(line):
            style = styles[min(max(len(title[1]) - 2, 0), len(styles) - 1)]
            out.add(*rst_title(rst_inline(title[2]), style))
        elif comment := HTML_COMMENT.match(line):
            out.add(f".. {comment[1]}")
        elif image := IMAGE.match(line):
            out.add(f".. image:: {image[2]}", f"   :alt: {image[1]}")
        elif line.startswith(">"):
            out.add(f"   {rst_inline(line.lstrip('> '))}")
        elif line.strip():
            out.line(rst_inline(line))
        else:
            out.end_paragraph()
    return out


def as_text(markdown: str) -> Blocks:
    """Markdown as plain text: underlined titles, code indented by four spaces."""
    out = Blocks()
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if fence := FENCE.match(line):
            body, index = fenced_code(lines, index, fence[1], "    ")
            out.add(*body)
        elif title := MARKDOWN_TITLE.match(line):
            text = text_inline(title[2])
            out.add(text, ("=" if len(title[1]) <= 2 else "-") * len(text))
        elif HTML_COMMENT.match(line):
            out.add(line)  # the weights table's markers stay as they are
        elif line.strip():
            out.line(text_inline(line))
        else:
            out.end_paragraph()
    return out


def converted(sections: list[str], markup: str, existing: str) -> str:
    """The template's Markdown sections written in ``markup``, to append to ``existing``."""
    if markup == "markdown":
        return "\n".join(sections)
    styles = section_styles(existing)
    blocks = [as_rst(s, styles) if markup == "rst" else as_text(s) for s in sections]
    return "\n".join(block.text() for block in blocks)


def appended_sections(existing: str, sections: dict[str, str], path: str) -> str:
    """``existing`` with the ``sections`` (title → Markdown) it lacks appended in a marked block,
    in the markup of ``path``; unchanged when it has a block already or lacks nothing."""
    markup = markup_of(path)
    start, end = MARKERS[markup]
    if start in existing:
        return existing
    have = existing_titles(existing, markup)
    missing = [body for title, body in sections.items() if title not in have]
    if not missing:
        return existing
    block = converted(missing, markup, existing)
    return f"{existing.rstrip()}\n\n{start}\n\n{block}\n{end}\n"
