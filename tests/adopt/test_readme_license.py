"""The license a README names, for the "needs a person" line of a repository without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.adopt.adoption import plan_adoption
from ml_publish.adopt.readme_license import licenses_named, named_license_item
from tests.support.abandoned_metadata import BADGE_README
from tests.support.abandoned_repos import write_abandoned_repository

UNLICENSED = "a LICENSE: adopt never picks one"


@pytest.mark.parametrize(
    ("readme", "expected"),
    [
        ("License: MIT\n", [("MIT", "License: MIT")]),
        ("**License:** Apache 2.0\n", [("Apache-2.0", "**License:** Apache 2.0")]),
        ("Licence - MIT\n", [("MIT", "Licence - MIT")]),
        (
            "This project is licensed under the Apache License, Version 2.0 (the License).",
            [("Apache-2.0", "licensed under the Apache License, Version 2.0")],
        ),
        (
            "[![License](https://img.shields.io/badge/License-BSD_3--Clause-blue.svg)](LICENSE)",
            [("BSD-3-Clause", "a license badge: BSD 3-Clause")],
        ),
        (
            "![license](https://img.shields.io/badge/license-Apache%202.0-blue)",
            [("Apache-2.0", "a license badge: Apache 2.0")],
        ),
        ("## License\n\nGPLv3, see COPYING.\n", [("GPL-3.0", "## License GPLv3, see COPYING")]),
        ("License\n-------\n\nMIT\n", [("MIT", "License ------- MIT")]),
        (
            "The code is released under the MIT license; the weights under CC BY-NC 4.0.",
            [("MIT", "released under the MIT license")],
        ),
        ("We look under the hood of the licensing debate.\n", []),
        ("# Whale ID\n\nOur 12th place solution.\n", []),
    ],
)
def test_licenses_a_readme_names(readme: str, expected: list[tuple[str, str]]) -> None:
    assert licenses_named(readme) == expected


def test_the_badge_and_the_sentence_name_one_license() -> None:
    assert licenses_named(BADGE_README) == [("MIT", "a license badge: MIT")]


def test_the_line_names_the_answer_or_the_text_to_add() -> None:
    assert named_license_item(UNLICENSED, "README.md", [("GPL-3.0", "GPLv3")]) == (
        "a LICENSE: adopt never picks one; README.md names GPL-3.0 ('GPLv3'): if that is the "
        "code's license, pass license=GPL-3.0-only to add its text"
    )
    assert named_license_item(UNLICENSED, "README.rst", [("MPL-2.0", "MPL 2.0")]) == (
        "a LICENSE: adopt never picks one; README.rst names MPL-2.0 ('MPL 2.0'): if that is the "
        "code's license, add its text as LICENSE"
    )
    two = [("MIT", "License: MIT"), ("CC-BY-NC-4.0", "CC BY-NC 4.0")]
    assert named_license_item(UNLICENSED, "README.md", two) == (
        "a LICENSE: adopt never picks one; README.md names MIT, CC-BY-NC-4.0: pass the code's "
        "with license= (or add its text as LICENSE)"
    )


def test_adopt_names_the_answer_and_still_picks_none(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "leaf-counter", ["license-named-in-readme"])

    plan = plan_adoption(root, package=None, answers={}, allow_dirty=False)

    assert plan.needs_a_person[-1] == (
        "a LICENSE: adopt never picks one; README.md names MIT ('a license badge: MIT'): if "
        "that is the code's license, pass license=MIT to add its text"
    )
    assert not any(getattr(op, "path", None) == "LICENSE" for op in plan.operations)
    answered = plan_adoption(root, package=None, answers={"license": "MIT"}, allow_dirty=False)
    assert not [item for item in answered.needs_a_person if item.startswith(UNLICENSED)]


def test_a_readme_naming_no_license_keeps_the_plain_line(tmp_path: Path) -> None:
    root = write_abandoned_repository(tmp_path / "whale-id", ["flat-scripts", "existing-files"])

    plan = plan_adoption(root, package=None, answers={}, allow_dirty=False)

    assert f"{UNLICENSED}; pass license=MIT (or another) to add it" in plan.needs_a_person
