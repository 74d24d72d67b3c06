"""PEP 440 versions, the public ones PyPI accepts, and their order without packaging (for check's
start-up), held to packaging's."""

from __future__ import annotations

import itertools

import pytest
from packaging.version import InvalidVersion, Version

from ml_publish.versions import (
    BEFORE_EVERY_VERSION,
    is_public_version,
    is_version,
    latest_tagged_version,
    same_version,
    version_key,
)

VERSIONS = [
    "1.0.dev1", "1.0a1", "1.0a2.dev3", "1.0a2", "1.0b1", "1.0c2", "1.0rc1", "1.0rc1.post1",
    "1.0", "1.0.0", "1.0.post1.dev0", "1.0.post1", "1.0-2", "1.0.rev3", "1.0.1", "1.1", "2!0.1",
    "0.1.0", "0.2.0", "v0.10", "0!0.0.dev0",
]  # fmt: skip


@pytest.mark.parametrize(
    "text", ["1.0", "0.1.0", "2!1.0", "1.0rc1", "1.0.post2.dev3", "v1.2", "1.0-1", " 1.0 "]
)
def test_public_versions(text: str) -> None:
    assert is_version(text) and is_public_version(text)


@pytest.mark.parametrize("text", ["1.0+cu121", "2.1.0+cpu.1"])
def test_local_versions_are_versions_pypi_refuses(text: str) -> None:
    assert is_version(text) and not is_public_version(text)


@pytest.mark.parametrize(
    "text", ["", "one", "1.0-final", "1..0", "1.0+", "latest", "1.0.0.beta.x", "0.1 0", 1.0, None]
)
def test_not_versions(text: object) -> None:
    assert not is_version(text) and not is_public_version(text) and version_key(text) is None


def test_versions_are_ordered_as_packaging_orders_them() -> None:
    for one, other in itertools.product(VERSIONS, repeat=2):
        ours, theirs = version_key(one), version_key(other)
        assert ours is not None and theirs is not None
        assert (ours < theirs, ours == theirs) == (
            Version(one) < Version(other),
            Version(one) == Version(other),
        ), (one, other)


def test_a_local_part_is_not_compared() -> None:
    assert version_key("1.0+cu121") == version_key("1.0")


def test_non_versions_can_sort_before_every_version() -> None:
    keys = [version_key(text) for text in VERSIONS]

    assert all(key is not None and BEFORE_EVERY_VERSION < key for key in keys)


def test_the_latest_tag_is_the_highest_public_version() -> None:
    tags = ["v0.9.0", "v0.10.0rc1", "nightly", "v0.10.0", "v1.0+local", "v0.10.0.dev4"]

    assert latest_tagged_version(tags) == "0.10.0"
    assert latest_tagged_version(["nightly", "v1.0+local"]) is None


@pytest.mark.parametrize(
    "text",
    [*VERSIONS, "1.0+cu121", "2.1.0+cpu.1", "1.0+", "1..0", "1.0-final", "latest", "1.0_rc_1"],
)
def test_the_versions_are_the_ones_packaging_accepts(text: str) -> None:
    try:
        version: Version | None = Version(text)
    except InvalidVersion:
        version = None

    assert is_version(text) == (version is not None)
    assert is_public_version(text) == (version is not None and version.local is None)


SAME_OR_NOT = [
    ("1.0", "1.0.0"),
    ("v1.2", "1.2"),
    ("1.2.0rc1", "1.2.0-rc.1"),
    ("1.2.0", "1.2.1"),
    ("1.0+local.1", "1.0+LOCAL-01"),
    ("1.0+a", "1.0+b"),
    ("1.0+a", "1.0"),
    ("1.0.post1", "1.0-1"),
    ("not a version", "not a version"),
    ("not a version", "1.0"),
]


@pytest.mark.parametrize(("one", "other"), SAME_OR_NOT)
def test_the_same_version_as_packaging_says(one: str, other: str) -> None:
    try:
        expected = Version(one) == Version(other)
    except InvalidVersion:
        expected = one == other

    assert same_version(one, other) is expected
