"""PEP 440 versions, and the public ones PyPI accepts."""

from __future__ import annotations

import pytest

from ml_publish.versions import is_public_version, is_version


@pytest.mark.parametrize(
    "text", ["1.0", "0.1.0", "2!1.0", "1.0rc1", "1.0.post2.dev3", "v1.2", "1.0-1"]
)
def test_public_versions(text: str) -> None:
    assert is_version(text) and is_public_version(text)


@pytest.mark.parametrize("text", ["1.0+cu121", "2.1.0+cpu.1"])
def test_local_versions_are_versions_pypi_refuses(text: str) -> None:
    assert is_version(text) and not is_public_version(text)


@pytest.mark.parametrize("text", ["", "one", "1.0-final", "1..0", "1.0+", "latest"])
def test_not_versions(text: str) -> None:
    assert not is_version(text) and not is_public_version(text)
