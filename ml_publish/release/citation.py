"""The citation a release leaves behind: ``CITATION.cff`` and the README's DOI badge.

The release's bump commit sets ``version`` and ``date-released`` in ``CITATION.cff`` (as it
sets ``__version__``; a citation without a ``version`` cites the software unversioned and keeps
doing so), and ``--doi`` sets the top-level ``doi`` there and the DOI badge in the
README. The file is edited line by line, so a person's comments, order and quoting stay; only
top-level keys are touched (``preferred-citation``'s own ``doi`` is indented and left alone).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ml_publish.checks.docs import CFF_DOI, CITATION_FILE
from ml_publish.errors import UsageError

DOI_PREFIXES = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:)", re.IGNORECASE)
DOI_BADGE = re.compile(
    r"\[!\[DOI\]\(https://zenodo\.org/badge/DOI/[^)\s]*\.svg\)\]\(https://doi\.org/[^)\s]*\)"
)
BADGE_LINE = re.compile(r"^\[!\[.*\]\(.*\)\]\(.*\)\s*$")
HEADING_LINE = re.compile(r"^# \S")
TOP_LEVEL_VERSION = re.compile(r"^version:", re.MULTILINE)


def bare_doi(text: str) -> str:
    """A DOI as CITATION.cff wants it (``10.5281/zenodo.1234567``), from any usual spelling."""
    doi = DOI_PREFIXES.sub("", text.strip())
    if not CFF_DOI.match(doi):
        raise UsageError(f"--doi takes a DOI like 10.5281/zenodo.1234567, not {text!r}")
    return doi


def set_top_level(text: str, key: str, value: str, after: str | None = None) -> str:
    """``text`` with the top-level ``key: "value"``, replaced in place or added after ``after``."""
    line = f'{key}: "{value}"'
    pattern = re.compile(rf"^{re.escape(key)}:[^\n]*$", re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(lambda _: line, text, count=1)
    anchor = re.search(rf"^{re.escape(after)}:[^\n]*\n", text, re.MULTILINE) if after else None
    if anchor:
        return text[: anchor.end()] + line + "\n" + text[anchor.end() :]
    return text + ("" if not text or text.endswith("\n") else "\n") + line + "\n"


def cites_a_version(text: str) -> bool:
    """Whether the citation names a version (one without cites the software unversioned)."""
    return TOP_LEVEL_VERSION.search(text) is not None


def cited_release(text: str, version: str, released: date, doi: str | None = None) -> str:
    """A CITATION.cff text naming this release (and its DOI, when given)."""
    if cites_a_version(text):
        text = set_top_level(text, "version", version)
        text = set_top_level(text, "date-released", released.isoformat(), after="version")
    if doi is not None:
        text = set_top_level(text, "doi", doi)
    return text


def as_released(text: bytes | None, released: bytes | None) -> bytes | None:
    """``text`` naming the version and date that ``released`` (the project's CITATION.cff) names.

    ``update`` merges the template's CITATION.cff into the project's: with the release's lines
    the same on all three sides, a template change beside them cannot conflict with them.
    """
    if text is None or released is None:
        return text
    ours = released.decode("utf-8", errors="replace")
    new = text.decode("utf-8", errors="replace")
    for key in ("version", "date-released"):
        line = re.search(rf"^{key}:[^\n]*$", ours, re.MULTILINE)
        if line:
            new = re.sub(rf"^{key}:[^\n]*$", lambda _: line[0], new, count=1, flags=re.MULTILINE)
    return new.encode("utf-8")


def badge(doi: str) -> str:
    return f"[![DOI](https://zenodo.org/badge/DOI/{doi}.svg)](https://doi.org/{doi})"


def with_doi_badge(readme: str, doi: str) -> str:
    """A Markdown README with the DOI badge: replaced, or added after the other badges."""
    if DOI_BADGE.search(readme):
        return DOI_BADGE.sub(lambda _: badge(doi), readme, count=1)
    lines = readme.splitlines(keepends=True)
    badges = [i for i, line in enumerate(lines) if BADGE_LINE.match(line)]
    if badges:
        lines.insert(badges[-1] + 1, badge(doi) + "\n")
        return "".join(lines)
    heading = next((i for i, line in enumerate(lines) if HEADING_LINE.match(line)), None)
    if heading is None:
        return badge(doi) + "\n\n" + readme
    lines.insert(heading + 1, "\n" + badge(doi) + "\n")
    return "".join(lines)


def update_citation(root: Path, version: str, released: date, doi: str | None) -> Path | None:
    """Write this release into ``CITATION.cff``; the file, or ``None`` when there is none."""
    path = root / CITATION_FILE
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    new = cited_release(text, version, released, doi)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return path


def update_doi_badge(readme: Path | None, doi: str | None) -> None:
    """Put the DOI badge into a Markdown README (others are left as they are)."""
    if doi is None or readme is None or readme.suffix.lower() not in (".md", ".markdown"):
        return
    text = readme.read_text(encoding="utf-8")
    new = with_doi_badge(text, doi)
    if new != text:
        readme.write_text(new, encoding="utf-8")
