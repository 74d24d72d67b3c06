"""CITATION.cff and the README's DOI badge, as a release edits them: line by line, in place."""

from __future__ import annotations

from datetime import date

import pytest

from ml_publish.errors import UsageError
from ml_publish.release.citation import bare_doi, cited_release, with_doi_badge

BADGES = (
    "# Leaf\n\n[![CI](https://ci/badge.svg)](https://ci)\n[![PyPI](https://p.svg)](https://p)\n"
)
OLD_BADGE = (
    "[![DOI](https://zenodo.org/badge/DOI/10.5281/zenodo.1.svg)](https://doi.org/10.5281/zenodo.1)"
)
NEW_BADGE = (
    "[![DOI](https://zenodo.org/badge/DOI/10.5281/zenodo.2.svg)](https://doi.org/10.5281/zenodo.2)"
)


def test_a_doi_is_taken_bare_from_its_usual_spellings() -> None:
    for spelling in (
        "10.5281/zenodo.2",
        "https://doi.org/10.5281/zenodo.2",
        "doi:10.5281/zenodo.2",
    ):
        assert bare_doi(spelling) == "10.5281/zenodo.2"
    with pytest.raises(UsageError, match="^--doi takes a DOI like 10.5281/zenodo.1234567, not"):
        bare_doi("zenodo.2")


def test_the_badge_joins_the_other_badges_or_replaces_the_old_one() -> None:
    assert with_doi_badge(BADGES + "\nText.\n", "10.5281/zenodo.2") == (
        BADGES + NEW_BADGE + "\n\nText.\n"
    )
    with_old = BADGES + OLD_BADGE + "\n\nText.\n"
    assert with_doi_badge(with_old, "10.5281/zenodo.2") == BADGES + NEW_BADGE + "\n\nText.\n"


def test_only_top_level_keys_change_and_comments_stay() -> None:
    citation = (
        "# Keep this comment.\ncff-version: 1.2.0\ntitle: T\nversion: 0.1.0  # old\n"
        "preferred-citation:\n  type: article\n  doi: 10.1000/paper\n"
    )
    cited = cited_release(citation, "0.2.0", date(2026, 2, 3), "10.5281/zenodo.2")
    assert cited == (
        '# Keep this comment.\ncff-version: 1.2.0\ntitle: T\nversion: "0.2.0"\n'
        'date-released: "2026-02-03"\npreferred-citation:\n  type: article\n'
        '  doi: 10.1000/paper\ndoi: "10.5281/zenodo.2"\n'
    )
    assert cited_release(cited, "0.2.0", date(2026, 2, 3), "10.5281/zenodo.2") == cited
