"""Licenses as plain facts: which root file licenses the code, what its text is (SPDX), and
whether a PEP 639 license expression names it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

# Checked in order, so the specific variants come before the general ones. Each entry is the
# SPDX identifier and phrases that all appear in the opening of its text (lowercase, single
# spaces): only the opening, because the GPL's body names the Affero and Lesser GPLs too.
LICENSE_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("MIT", ("permission is hereby granted, free of charge", "the above copyright notice")),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
    ("CC-BY-NC-SA-4.0", ("attribution-noncommercial-sharealike 4.0 international",)),
    ("CC-BY-NC-4.0", ("attribution-noncommercial 4.0 international",)),
    ("CC-BY-SA-4.0", ("attribution-sharealike 4.0 international",)),
    ("CC-BY-4.0", ("attribution 4.0 international",)),
    ("LicenseRef-Proprietary", ("all rights reserved",)),
)
OPENING_CHARACTERS = 1500
# Identifiers whose texts are the same for every variant (-only, -or-later).
GNU_VARIANTS = re.compile(r"^((?:A|L)?GPL-\d\.\d)(?:-only|-or-later|\+)?$")


def recognise_license(text: str) -> str | None:
    """The SPDX identifier of a license text (GNU ones without -only/-or-later), if known."""
    flat = " ".join(text.lower().split())[:OPENING_CHARACTERS]
    for identifier, phrases in LICENSE_PHRASES:
        if all(phrase in flat for phrase in phrases):
            return identifier
    return None


def expression_identifiers(expression: str) -> set[str]:
    """The license identifiers an SPDX expression names, GNU variants reduced to their base."""
    words = re.findall(r"[A-Za-z0-9.+:-]+", expression)
    identifiers = {w for w in words if w.upper() not in {"AND", "OR", "WITH"}}
    return {GNU_VARIANTS.sub(r"\1", identifier) for identifier in identifiers}


# Finding the license file: one rule for check and adopt.
#
# Any root file whose name contains LICENSE, LICENCE or COPYING (any case) is a candidate; the
# file stays where it is and pyproject.toml's license-files names it. Names that say they
# license something else (LICENSE-weights, DATA_LICENSE, LICENSE.dataset, THIRD_PARTY_LICENSES)
# are never the code's license, even when nothing else exists: declaring a weights or data
# license (often non-commercial) as the code's would be wrong, so such a repository has no code
# license and is told so (other_license_files says which files were passed over).
LICENSE_WORD = re.compile(r"licen[cs]es?|copying", re.IGNORECASE)
EXACT_STEMS = {"license", "licence", "copying"}
OTHER_SUBJECTS = frozenset(
    "weight weights model models checkpoint checkpoints pretrained data dataset datasets "
    "doc docs documentation image images asset assets media font fonts content "
    "third party thirdparty 3rd 3rdparty vendor vendored".split()
)
# Files that mention a license in their name but are code, configuration or pictures.
NOT_LICENSE_TEXT_SUFFIXES = frozenset(
    ".py .pyc .pyi .ipynb .json .yaml .yml .toml .cfg .ini .sh .bat .js .ts .html .css .c .h "
    ".cpp .png .jpg .jpeg .gif .svg .pdf .csv .lock".split()
)


def is_license_name(name: str) -> bool:
    """Whether a root file name looks like a license text (``MIT-LICENSE``, ``COPYING``...)."""
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    return bool(LICENSE_WORD.search(name)) and suffix not in NOT_LICENSE_TEXT_SUFFIXES


def name_words(name: str) -> list[str]:
    """The lowercase words of a license file's name besides the license word itself."""
    return [word for word in re.split(r"[^a-z0-9]+", LICENSE_WORD.sub(" ", name.lower())) if word]


def licenses_something_else(name: str) -> bool:
    """Whether a license file's name says it covers weights, data, docs or others' code."""
    return any(word in OTHER_SUBJECTS for word in name_words(name))


def has_exact_stem(name: str) -> bool:
    """``LICENSE``, ``licence.md``, ``COPYING.txt``: nothing but the license word."""
    return name.split(".", 1)[0].lower() in EXACT_STEMS


def choose_code_license(texts: Mapping[str, str]) -> str | None:
    """The code's license file among root files (name → text); ``None`` when there is none.

    A recognised text wins over an unrecognised one, then an exact stem (``LICENSE`` over
    ``MIT-LICENSE``), then the name in sorted order, so the choice never depends on the
    order files are listed in.
    """
    candidates = [
        name for name in texts if is_license_name(name) and not licenses_something_else(name)
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda name: (recognise_license(texts[name]) is None, not has_exact_stem(name), name),
    )


def other_license_files(names: Iterable[str]) -> list[str]:
    """Root license files whose names say they license something other than the code."""
    return sorted(n for n in names if is_license_name(n) and licenses_something_else(n))


def code_license_texts(root: Path) -> dict[str, str]:
    """The text of every root file of ``root`` that may license its code."""
    if not root.is_dir():
        return {}
    return {
        path.name: path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(root.iterdir())
        if is_license_name(path.name) and not licenses_something_else(path.name) and path.is_file()
    }


def find_code_license(root: Path) -> str | None:
    """The name of the root file of ``root`` that licenses its code (see choose_code_license)."""
    return choose_code_license(code_license_texts(root))
