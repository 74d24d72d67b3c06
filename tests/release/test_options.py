"""The version a release asks for, and the options that cannot go together."""

from __future__ import annotations

import pytest

from ml_publish.errors import UsageError
from ml_publish.release.options import ReleaseOptions, next_version


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ("0.1.0", "patch", "0.1.1"),
        ("0.1.9", "minor", "0.2.0"),
        ("1.4.2", "major", "2.0.0"),
        ("2", "patch", "2.0.1"),
        ("1.2.0rc1", "patch", "1.2.0"),
        ("1.2.0.post3", "patch", "1.2.1"),
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
        ReleaseOptions(bump="patch", version="1.0.0")
    with pytest.raises(UsageError, match="--bump takes patch, minor, major"):
        ReleaseOptions(bump="huge")
    with pytest.raises(UsageError, match="publish must be local or workflow"):
        ReleaseOptions(publish="elsewhere")
