"""A real pypiserver on 127.0.0.1 (a port the OS picks), for ``release --sandbox``, ``demo``
and the tests.

pypiserver runs in a process of its own (``pypiserver_process``), with upload authentication
from an htpasswd file, exactly as ``pypi-server run -P htpasswd`` would: this process never
imports it or its bundled bottle. Clients reach it through a thin layer in this process, on a
port of its own, which passes each request on. ``middleware`` is the hook tests wrap that
layer's WSGI app with, to record uploads and refuse them on purpose
(tests/support/index_faults.py); the sandbox runs it bare.
"""

from __future__ import annotations

import http.client
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import IO, Any, TypeVar
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from ml_publish.errors import OperationFailed
from ml_publish.sandbox.loopback_host import StartedInBlock

# Subclasses (the tests' own, with faults) get their own type back from ``with``.
IndexT = TypeVar("IndexT", bound="PackageIndex")
USERNAME = "sandbox"
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]
WsgiMiddleware = Callable[[WsgiApp], WsgiApp]
# Headers that belong to one connection, not to the request or answer passed on.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}
# Generous: the index answers from this machine, but a machine can be busy.
FORWARD_TIMEOUT = 300


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class PackageIndex(StartedInBlock):
    """pypiserver serving a temporary directory; use it as a context manager.

    ``upload_url`` is what twine's ``--repository-url`` takes; ``simple_url`` is what pip's
    ``--index-url`` takes. Uploads need ``username`` and ``password``; reads need nothing.
    ``middleware``, when given, wraps the WSGI app every request goes through.
    """

    def __init__(self, middleware: WsgiMiddleware | None = None) -> None:
        self.password = secrets.token_urlsafe(16)
        self.username = USERNAME
        self._middleware = middleware
        self._root: Path | None = None
        self._process: subprocess.Popen[str] | None = None
        self._server: _ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self: IndexT) -> IndexT:
        self._root = Path(tempfile.mkdtemp(prefix="package-index-"))
        (self._root / "packages").mkdir()
        self._process, port = _start_pypiserver(self._root, self.username, self.password)
        app = _forwarding_to(port)
        self._server = make_server(
            "127.0.0.1",
            0,
            app if self._middleware is None else self._middleware(app),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="package-index", daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        if self._process is not None:
            _stop(self._process)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("start the PackageIndex first")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def upload_url(self) -> str:
        return self.url + "/"

    @property
    def simple_url(self) -> str:
        return self.url + "/simple/"

    @property
    def packages_dir(self) -> Path:
        """The directory pypiserver serves: the files the index holds."""
        if self._root is None:
            raise RuntimeError("start the PackageIndex first")
        return self._root / "packages"

    def files(self) -> dict[str, bytes]:
        """The files the index holds, by name."""
        return {path.name: path.read_bytes() for path in self.packages_dir.iterdir()}


def _start_pypiserver(
    root: Path, username: str, password: str
) -> tuple[subprocess.Popen[str], int]:
    """pypiserver serving ``root`` in its own process, and the port it listens on."""
    log = root / "pypiserver.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "ml_publish.sandbox.pypiserver_process", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(f"{username}:{password}\n")
    process.stdin.flush()
    port = process.stdout.readline().strip()
    if not port.isdigit():
        _stop(process)
        last = (log.read_text(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise OperationFailed(f"pypiserver did not start: {last}")
    return process, int(port)


def _stop(process: subprocess.Popen[str]) -> None:
    """End pypiserver: closing its stdin is its signal to stop."""
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()
    try:
        process.wait(timeout=FORWARD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _forwarding_to(port: int) -> WsgiApp:
    """A WSGI app passing each request on to the server on ``port`` and its answer back."""

    def forward(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=FORWARD_TIMEOUT)
        target = quote(environ.get("PATH_INFO", "/"), safe="/", encoding="latin-1")
        if environ.get("QUERY_STRING"):
            target += "?" + environ["QUERY_STRING"]
        connection.putrequest(
            environ["REQUEST_METHOD"], target, skip_host=True, skip_accept_encoding=True
        )
        for name, value in _request_headers(environ):
            connection.putheader(name, value)
        connection.endheaders()
        _pass_body(environ, connection)
        answer = connection.getresponse()
        headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
        start_response(f"{answer.status} {answer.reason}", headers)
        return _body_of(answer, connection)

    return forward


def _request_headers(environ: Environ) -> Iterator[tuple[str, str]]:
    for key, value in environ.items():
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            yield key.replace("_", "-").title(), value
        elif key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").title()
            if name.lower() not in HOP_BY_HOP:
                yield name, value


def _pass_body(environ: Environ, connection: http.client.HTTPConnection) -> None:
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream: IO[bytes] = environ["wsgi.input"]
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            break
        connection.send(chunk)
        remaining -= len(chunk)


def _body_of(
    answer: http.client.HTTPResponse, connection: http.client.HTTPConnection
) -> Iterator[bytes]:
    try:
        while chunk := answer.read(1 << 20):
            yield chunk
    finally:
        connection.close()
