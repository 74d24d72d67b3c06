"""A local weights server for the tests: no test touches the network."""

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import pretrained
from tests.weights_server import RELEASE_PATH


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server and the release directory it serves."""
    root = tmp_path / "served"
    (root / RELEASE_PATH).mkdir(parents=True)
    handler = partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", root / RELEASE_PATH
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def mirror(
    served: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Point weight URLs at the local server, as a mirror would."""
    url, directory = served
    monkeypatch.setenv(pretrained.MIRROR_VARIABLE, url)
    return directory
