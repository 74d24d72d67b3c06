"""Recognising license texts, and comparing them with SPDX expressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.licenses import expression_identifiers, recognise_license
from ml_publish.template_files import template_dir

TEMPLATE_LICENSES = template_dir() / "templates" / "licenses"


@pytest.mark.parametrize(
    ("file_name", "identifier"),
    [
        ("MIT.txt", "MIT"),
        ("BSD-3-Clause.txt", "BSD-3-Clause"),
        ("Apache-2.0.txt", "Apache-2.0"),
        ("GPL-3.0-only.txt", "GPL-3.0"),
        ("Proprietary.txt", "LicenseRef-Proprietary"),
    ],
)
def test_the_template_license_texts_are_recognised(file_name: str, identifier: str) -> None:
    assert recognise_license((TEMPLATE_LICENSES / file_name).read_text()) == identifier


def test_wrapped_and_cased_differently_still_matches() -> None:
    text = "Creative Commons\nAttribution-NonCommercial 4.0\n   International Public License"

    assert recognise_license(text) == "CC-BY-NC-4.0"
    assert recognise_license("Do what you like with it.") is None


def test_expressions_name_their_identifiers_without_gnu_variants() -> None:
    assert expression_identifiers("MIT OR Apache-2.0") == {"MIT", "Apache-2.0"}
    assert expression_identifiers("GPL-3.0-or-later WITH Classpath-exception-2.0") == {
        "GPL-3.0",
        "Classpath-exception-2.0",
    }


def test_licenses_dir_is_where_the_template_keeps_them() -> None:
    assert Path(TEMPLATE_LICENSES, "MIT.txt").is_file()
