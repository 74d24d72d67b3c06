"""The version a release asks for, and the options that cannot go together."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from ml_publish.errors import UsageError
from ml_publish.release.release_settings import BUMPS, ReleaseSettings, next_version
from tests.support.fuzzing import fuzzed


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ("0.1.0", "patch", "0.1.1"),
        ("0.1.9", "minor", "0.2.0"),
        ("1.4.2", "major", "2.0.0"),
        ("2", "patch", "2.0.1"),
        ("1.2.0rc1", "patch", "1.2.0"),
        ("1.2.0.post3", "patch", "1.2.1"),
        ("1!2.0", "patch", "1!2.0.1"),
        ("1.2.3.4rc1", "patch", "1.2.3.4"),
        ("1.2.0.post1.dev3", "patch", "1.2.1"),
        ("1.0.dev0", "minor", "1.1.0"),
    ],
)
def test_bump(current: str, bump: str, expected: str) -> None:
    assert next_version(current, bump=bump, version=None) == expected


def test_an_exact_version_must_be_higher_valid_and_public() -> None:
    assert next_version("0.1.0", bump=None, version="v0.2.0rc1") == "0.2.0rc1"
    for version, problem in [
        ("0.1.0", "not greater than the current 0.1.0"),
        ("0.0.9", "not greater"),
        ("next", "not a valid version (PEP 440)"),
        ("0.2.0+local", "local part (+local)"),
    ]:
        with pytest.raises(UsageError) as raised:
            next_version("0.1.0", bump=None, version=version)
        assert problem in str(raised.value)


def test_options_refuse_bump_with_version_and_unknown_modes() -> None:
    with pytest.raises(UsageError, match="not both"):
        ReleaseSettings(bump="patch", version="1.0.0")
    with pytest.raises(UsageError, match="--bump takes patch, minor, major"):
        ReleaseSettings(bump="huge")
    with pytest.raises(UsageError, match="publish must be local or workflow"):
        ReleaseSettings(publish="elsewhere")


# Every form PEP 440 allows: epochs, any number of release parts, pre-, post- and dev-releases,
# local parts, and the spellings packaging normalizes (v1.0, 1.0-RC.1, 1.0_post2, ...).
numbers = st.integers(min_value=0, max_value=10**12) | st.integers(0, 12)
pep440_versions = st.builds(
    lambda prefix, epoch, release, pre, post, dev, local: (
        f"{prefix}{epoch}{'.'.join(map(str, release))}{pre}{post}{dev}{local}"
    ),
    st.sampled_from(["", "v", "V"]),
    st.sampled_from(["", "0!", "1!", "12!"]),
    st.lists(numbers, min_size=1, max_size=5),
    st.sampled_from(["", "a1", "b2", "rc3", "-RC.1", "c4", "alpha5", "pre6", "preview1"]),
    st.sampled_from(["", ".post1", "-2", "_post3", ".rev4", ".r5"]),
    st.sampled_from(["", ".dev0", "-dev7", "dev"]),
    st.sampled_from(["", "+local", "+ubuntu.1", "+cu121"]),
)
version_texts = pep440_versions | st.text(max_size=12)


def refused_in_one_line(attempt: Callable[[], str]) -> str | None:
    """What ``attempt`` returned, or None after checking it refused as a one-line usage error."""
    try:
        return attempt()
    except UsageError as error:
        assert error.exit_code == 2 and str(error) and "\n" not in str(error)
        return None


@fuzzed
@given(current=version_texts, bump=st.sampled_from(BUMPS))
def test_a_bump_always_gives_a_public_final_version_above_the_current_one(
    current: str, bump: str
) -> None:
    bumped = refused_in_one_line(lambda: next_version(current, bump=bump, version=None))
    if bumped is None:
        return
    new, now = Version(bumped), Version(current)
    assert new > now and str(new) == bumped
    assert new.local is None and not new.is_prerelease and not new.is_postrelease
    assert new.epoch == now.epoch


@fuzzed
@given(current=version_texts, asked=version_texts)
def test_an_asked_version_is_taken_as_written_only_when_valid_public_and_higher(
    current: str, asked: str
) -> None:
    chosen = refused_in_one_line(lambda: next_version(current, bump=None, version=asked))
    if chosen is None:
        return
    wanted = Version(asked.removeprefix("v"))
    assert chosen == str(wanted) and wanted > Version(current) and wanted.local is None
