"""Recognising a license text and comparing it with a PEP 639 license expression."""

from __future__ import annotations

import re

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
