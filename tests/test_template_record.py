"""The template record's rules."""

from __future__ import annotations

import pytest

from ml_publish.template_record import record_problem


@pytest.mark.parametrize("version", ["latest", "1.0.0.beta.x", "", 1.0])
def test_a_record_whose_version_is_not_one(version: object) -> None:
    answers = {"license": "MIT"}
    assert "must be the ml-publish version" in str(
        record_problem({"version": version, "answers": answers})
    )


def test_a_sound_record_and_broken_ones() -> None:
    answers = {"license": "MIT", "include_notebook": True, "line_length": 100}
    assert record_problem({"version": "0.1.0", "answers": answers}) is None
    assert "pending-version" in str(
        record_problem({"version": "0.1.0", "pending-version": "next", "answers": answers})
    )
    assert "must be text" in str(record_problem({"version": "0.1.0", "answers": {"a": [1]}}))
