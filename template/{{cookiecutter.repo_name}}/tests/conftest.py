"""A local weights server for the tests: no test touches the network."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import pretrained
from tests.weights_server import Server, serve


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A local HTTP server that counts what it sends; it can hold one."""
    with serve(tmp_path / "served") as running:
        yield running


@pytest.fixture
def served(server: Server) -> tuple[str, Path]:
    """The local server's URL and the release directory it serves."""
    return server.url, server.release


@pytest.fixture
def mirror(
    served: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Point weight URLs at the local server, as a mirror would."""
    url, directory = served
    monkeypatch.setenv(pretrained.MIRROR_VARIABLE, url)
    return directory
