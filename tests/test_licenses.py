"""Finding the file that licenses the code, recognising license texts, comparing them with
SPDX expressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.licenses import (
    choose_code_license,
    expression_identifiers,
    find_code_license,
    is_license_name,
    licenses_something_else,
    other_license_files,
    recognise_license,
)
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


MIT = (TEMPLATE_LICENSES / "MIT.txt").read_text()
APACHE = (TEMPLATE_LICENSES / "Apache-2.0.txt").read_text()
CC_BY_NC = "Attribution-NonCommercial 4.0 International\n\nCreative Commons Corporation ...\n"


@pytest.mark.parametrize("name", ["MIT-LICENSE", "LICENCE", "LICENSE.txt", "license.md", "COPYING"])
def test_any_root_file_named_for_a_license_is_the_code_license(name: str) -> None:
    assert choose_code_license({name: MIT, "README.md": "# P\n"}) == name


@pytest.mark.parametrize(
    "name", ["LICENSE-weights", "LICENSE_DATA", "LICENSE-model", "LICENSE.dataset", "DOCS_LICENSE"]
)
def test_a_license_named_for_something_else_is_never_the_code_license(name: str) -> None:
    assert licenses_something_else(name)
    # Not even when it is the only one: a weights license declared for the code would be wrong.
    assert choose_code_license({name: CC_BY_NC}) is None
    assert choose_code_license({name: CC_BY_NC, "MIT-LICENSE": MIT}) == "MIT-LICENSE"
    assert other_license_files([name, "MIT-LICENSE", "README.md"]) == [name]


def test_a_recognised_text_wins_then_an_exact_stem_then_the_name() -> None:
    unknown = "Ask me before you use this.\n"

    assert choose_code_license({"LICENSE": unknown, "LICENSE-MIT": MIT}) == "LICENSE-MIT"
    assert choose_code_license({"MIT-LICENSE": MIT, "LICENSE": APACHE}) == "LICENSE"
    assert choose_code_license({"LICENSE-MIT": MIT, "LICENSE-APACHE": APACHE}) == "LICENSE-APACHE"
    # An unrecognised text is still the license when it is the only one (DOC106 says so).
    assert choose_code_license({"COPYING": unknown}) == "COPYING"


def test_the_choice_does_not_depend_on_the_order_files_are_listed_in() -> None:
    texts = {"LICENSE.md": MIT, "LICENSE": MIT, "COPYING": APACHE, "MIT-LICENSE": MIT}

    assert choose_code_license(dict(reversed(texts.items()))) == choose_code_license(texts)
    assert choose_code_license(texts) == "COPYING"


def test_code_and_configuration_that_mention_licenses_are_not_license_texts() -> None:
    assert not is_license_name("check_license.py")
    assert not is_license_name("licenses.json")
    assert is_license_name("COPYING.LESSER") and is_license_name("Licence.rst")
    assert not is_license_name("README.md")


def test_find_code_license_reads_the_root_of_a_directory(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "LICENSE").write_text(MIT)
    (tmp_path / "LICENSE-weights").write_text(CC_BY_NC)

    assert find_code_license(tmp_path) is None
    (tmp_path / "MIT-LICENSE").write_text(MIT)
    assert find_code_license(tmp_path) == "MIT-LICENSE"
    assert find_code_license(tmp_path / "missing") is None
