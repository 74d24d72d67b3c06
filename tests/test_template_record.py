"""The template record's rules, and PEP 440 ordering without packaging (for check's start-up)."""

from __future__ import annotations

import itertools

import pytest
from packaging.version import Version

from ml_publish.template_record import is_version, record_problem, version_key

VERSIONS = [
    "1.0.dev1", "1.0a1", "1.0a2.dev3", "1.0a2", "1.0b1", "1.0c2", "1.0rc1", "1.0rc1.post1",
    "1.0", "1.0.0", "1.0.post1.dev0", "1.0.post1", "1.0-2", "1.0.rev3", "1.0.1", "1.1", "2!0.1",
    "0.1.0", "0.2.0", "v0.10",
]  # fmt: skip


def test_versions_are_ordered_as_packaging_orders_them() -> None:
    for one, other in itertools.product(VERSIONS, repeat=2):
        ours, theirs = version_key(one), version_key(other)
        assert ours is not None and theirs is not None
        assert (ours < theirs, ours == theirs) == (
            Version(one) < Version(other),
            Version(one) == Version(other),
        ), (one, other)


@pytest.mark.parametrize("text", ["latest", "1.0.0.beta.x", "", "0.1 0", 1.0])
def test_what_is_not_a_version(text: object) -> None:
    assert not is_version(text)


def test_a_sound_record_and_broken_ones() -> None:
    answers = {"license": "MIT", "include_notebook": True, "line_length": 100}
    assert record_problem({"version": "0.1.0", "answers": answers}) is None
    assert "pending-version" in str(
        record_problem({"version": "0.1.0", "pending-version": "next", "answers": answers})
    )
    assert "must be text" in str(record_problem({"version": "0.1.0", "answers": {"a": [1]}}))
