"""The two releases ``update`` moves between, served by a real pypiserver, for the session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.index_faults import RecordingPackageIndex
from tests.support.template_versions import (
    CHECKOUT,
    Releases,
    build_wheels,
    edited_checkout,
    pip_environment,
    unpack_wheel,
)


@pytest.fixture(scope="session")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Releases]:
    """This checkout's wheel and the next release's, on an index pip is pointed at."""
    next_release = edited_checkout(tmp_path_factory.mktemp("next-release"))
    wheels = tmp_path_factory.mktemp("wheels")
    old_wheel, new_wheel = build_wheels([CHECKOUT, next_release], wheels)
    installed = unpack_wheel(new_wheel, tmp_path_factory.mktemp("next-release-installed"))
    with RecordingPackageIndex() as index:
        index.add_file(old_wheel)
        index.add_file(new_wheel)
        yield Releases(old_wheel, new_wheel, installed, pip_environment(index.simple_url))


@pytest.fixture(scope="session")
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user cache directory for the session: each release is downloaded once."""
    return tmp_path_factory.mktemp("user-cache")
