"""A license the README names, for a repository without a license file: adopt still never picks
one, but it names the answer to pass (``license=MIT``) under "needs a person".

Read from the README's text where people write it: a shields.io license badge
(``img.shields.io/badge/License-MIT-yellow.svg``), a ``License: MIT`` line, a sentence
(``released under the Apache 2.0 license``, ``licensed under the Apache License, Version
2.0``), or the first lines of a License section.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

from ml_publish import template
from ml_publish.adopt.operations import Plan
from ml_publish.adopt.plan import NO_LICENSE_ITEM, NO_LICENSE_LINE
from ml_publish.adopt.readme import repository_readme

# How people write license names (lowercase, single spaces), most specific first.
NAMES: tuple[tuple[str, str], ...] = (
    ("Apache-2.0", r"apache(?: software)?(?: licen[cs]e)?,?(?: version| v\.?)? ?2(?:\.0)?\b"),
    ("BSD-3-Clause", r"bsd[- ]?3[- ]?clause|3[- ]clause bsd|(?:new|modified|revised) bsd"),
    ("BSD-2-Clause", r"bsd[- ]?2[- ]?clause|2[- ]clause bsd|simplified bsd"),
    ("AGPL-3.0", r"agpl[- ]?v?3(?:\.0)?\b|affero general public licen[cs]e,? v(?:ersion )?3"),
    ("LGPL-3.0", r"lgpl[- ]?v?3(?:\.0)?\b|lesser general public licen[cs]e,? v(?:ersion )?3"),
    ("GPL-3.0", r"gpl[- ]?v?3(?:\.0)?\b|general public licen[cs]e,? v(?:ersion )?3"),
    ("GPL-2.0", r"gpl[- ]?v?2(?:\.0)?\b|general public licen[cs]e,? v(?:ersion )?2"),
    ("MPL-2.0", r"mpl[- ]?2(?:\.0)?\b|mozilla public licen[cs]e,? (?:v(?:ersion )?)?2(?:\.0)?"),
    ("CC-BY-NC-SA-4.0", r"cc[- ]by[- ]nc[- ]sa[- ]4\.0"),
    ("CC-BY-NC-4.0", r"cc[- ]by[- ]nc[- ]4\.0"),
    ("CC-BY-SA-4.0", r"cc[- ]by[- ]sa[- ]4\.0"),
    ("CC-BY-4.0", r"cc[- ]by[- ]4\.0"),
    ("MIT", r"\bmit\b"),
    ("ISC", r"\bisc\b"),
    ("Unlicense", r"\bunlicen[cs]e\b"),
)
LICENSE = r"licen[cs]e"
# Where a README says which license the code is under: each match's ``name`` group holds it.
MENTIONS = (
    re.compile(rf"img\.shields\.io/badge/{LICENSE}-(?P<name>(?:[^-/)\s\]]|--)+)-", re.I),
    re.compile(rf"^[#*_\s]*{LICENSE}[*_\s]*[:\u2013-][*_\s]*(?P<name>[^\n]{{1,60}})", re.I | re.M),
    re.compile(
        r"(?:released|licen[cs]ed|distributed|available|published|provided) under (?:the )?"
        r"(?:terms of (?:the )?)?(?P<name>[^\n]{1,60})",
        re.I,
    ),
    re.compile(rf"^#+ *{LICENSE} *\n+(?P<name>[^\n]{{1,80}})", re.I | re.M),
    re.compile(rf"^{LICENSE}\n[=\-~^\"'`#*+]{{3,}} *\n+(?P<name>[^\n]{{1,80}})", re.I | re.M),
)


def licenses_named(readme: str) -> list[tuple[str, str]]:
    """The SPDX identifiers a README names as the license, each with the words it used, in the
    order they first appear."""
    found: dict[str, tuple[int, str]] = {}
    for index, mention in enumerate(MENTIONS):
        for match in mention.finditer(readme):
            words = unquote(match["name"]).replace("--", "\0").replace("_", " ")
            words = " ".join(words.replace("-", " ").replace("\0", "-").split())
            identifier = first_named(words)
            if identifier is not None:
                quote = f"a license badge: {words}" if index == 0 else quoted(match[0])
                found.setdefault(identifier, (match.start(), quote))
    return [(identifier, quote) for identifier, (_, quote) in sorted(found.items(), key=order)]


def first_named(words: str) -> str | None:
    """The license named first in ``words`` (the most specific name where two start together)."""
    starts = [
        (match.start(), rank, identifier)
        for rank, (identifier, pattern) in enumerate(NAMES)
        if (match := re.search(pattern, words.lower()))
    ]
    return min(starts)[2] if starts else None


def quoted(text: str) -> str:
    """A mention as quoted in the report: one line, up to its sentence's end or a bracket."""
    return re.split(r"[;(\]]|\. |\.$", " ".join(text.split()), maxsplit=1)[0].strip()


def order(item: tuple[str, tuple[int, str]]) -> int:
    return item[1][0]


def license_answer(identifier: str) -> str | None:
    """The template's ``license=`` answer for ``identifier`` (GPL-3.0 → GPL-3.0-only), if any."""
    choices = template.template_variables()["license"].choices
    return next((c for c in (identifier, f"{identifier}-only") if c in choices), None)


def named_license_item(unlicensed: str, readme: str, named: list[tuple[str, str]]) -> str:
    """The "needs a person" line for a repository without a license file whose README names
    ``named``; ``unlicensed`` is the line's opening, which says adopt never picks one."""
    identifiers = ", ".join(identifier for identifier, _ in named)
    if len(named) > 1:
        return (
            f"{unlicensed}; {readme} names {identifiers}: pass the code's with license= (or add "
            "its text as LICENSE)"
        )
    identifier, quote = named[0]
    answer = license_answer(identifier)
    if answer is None:
        return (
            f"{unlicensed}; {readme} names {identifier} ({quote!r}): if that is the code's "
            "license, add its text as LICENSE"
        )
    return (
        f"{unlicensed}; {readme} names {identifier} ({quote!r}): if that is the code's license, "
        f"pass license={answer} to add its text"
    )


def with_readme_license(plan: Plan, root: Path) -> Plan:
    """The plan whose "needs a person" line for the missing license names the license the
    README names, if it names one."""
    if not plan.missing_license:
        return plan
    pyproject = root / "pyproject.toml"
    declared = pyproject.read_text(errors="replace") if pyproject.is_file() else None
    readme = repository_readme(plan.existing_files, declared)
    if readme is None:
        return plan
    named = licenses_named((root / readme).read_text(encoding="utf-8", errors="replace"))
    if not named:
        return plan
    line = named_license_item(NO_LICENSE_ITEM, readme, named)
    return replace(
        plan,
        needs_a_person=tuple(
            line if item == NO_LICENSE_LINE else item for item in plan.needs_a_person
        ),
    )
