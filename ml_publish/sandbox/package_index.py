"""A real pypiserver on 127.0.0.1 (a port the OS picks), for tests and ``release --sandbox``.

pypiserver's WSGI app runs in-process behind the standard library's threading WSGI server, with
upload authentication from an htpasswd file, exactly as ``pypi-server run -P htpasswd`` would.
A thin layer around it records every upload (when, and what the GitHub side looked like at
that moment, through ``on_upload``) and injects the failures a release must survive.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

USERNAME = "sandbox"
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


@dataclass(frozen=True)
class ReceivedUpload:
    """One upload request the index accepted or refused, and what ``on_upload`` noted."""

    time: float
    status: int
    note: object


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class PackageIndex:
    """pypiserver serving a temporary directory; use it as a context manager.

    ``upload_url`` is what twine's ``--repository-url`` takes; ``simple_url`` is what pip's
    ``--index-url`` takes. Uploads need ``username`` and ``password``; reads need nothing.
    """

    def __init__(self, on_upload: Callable[[], object] | None = None) -> None:
        self.password = secrets.token_urlsafe(16)
        self.username = USERNAME
        self.uploads: list[ReceivedUpload] = []
        self.on_upload = on_upload
        self._failures_to_come = 0
        self._successes_first = 0
        self._lock = threading.Lock()
        self._root: Path | None = None
        self._server: _ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> PackageIndex:
        self._root = Path(tempfile.mkdtemp(prefix="package-index-"))
        packages = self._root / "packages"
        packages.mkdir()
        with warnings.catch_warnings():
            # pypiserver's bundled bottle imports cgi and installs an old-style import hook:
            # both warn on current Pythons, and neither is ours to fix.
            warnings.simplefilter("ignore")
            import pypiserver
            from passlib.apache import HtpasswdFile

            htpasswd = HtpasswdFile(str(self._root / "htpasswd"), new=True)
            htpasswd.set_password(self.username, self.password)
            htpasswd.save()
            app = pypiserver.app(
                roots=[str(packages)],
                password_file=str(self._root / "htpasswd"),
                authenticate=["update"],
                # Never redirect a missing project to pypi.org: a sandbox answers for itself.
                disable_fallback=True,
            )
        self._server = make_server(
            "127.0.0.1",
            0,
            self._recording(app),
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
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> PackageIndex:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

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

    def files(self) -> dict[str, bytes]:
        """The files the index holds, by name."""
        if self._root is None:
            raise RuntimeError("start the PackageIndex first")
        return {path.name: path.read_bytes() for path in (self._root / "packages").iterdir()}

    def add_file(self, path: Path) -> None:
        """Put a file on the index directly, as if someone had uploaded it earlier."""
        if self._root is None:
            raise RuntimeError("start the PackageIndex first")
        shutil.copy2(path, self._root / "packages" / path.name)

    def fail_uploads(self, times: int = 1, *, after: int = 0) -> None:
        """Answer ``times`` uploads 503 without storing them, once ``after`` more succeeded."""
        with self._lock:
            self._successes_first = after
            self._failures_to_come += times

    def accepted_uploads(self) -> list[ReceivedUpload]:
        return [upload for upload in self.uploads if upload.status < 300]

    def _recording(self, app: WsgiApp) -> WsgiApp:
        def handle(environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
            if environ["REQUEST_METHOD"] != "POST":
                return app(environ, start_response)
            note = self.on_upload() if self.on_upload is not None else None
            with self._lock:
                failing = self._failures_to_come > 0 and self._successes_first == 0
                self._failures_to_come -= failing
                self._successes_first = max(self._successes_first - 1, 0)
            if failing:
                _drain(environ)
                self.uploads.append(ReceivedUpload(time.time(), 503, note))
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"the index is unavailable; try again later\n"]
            statuses: list[int] = []

            def recording_start(status: str, headers: Any, *args: Any) -> Any:
                statuses.append(int(status.split()[0]))
                return start_response(status, headers, *args)

            body = list(app(environ, recording_start))
            self.uploads.append(ReceivedUpload(time.time(), statuses[0] if statuses else 0, note))
            return body

        return handle


def _drain(environ: Environ) -> None:
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    while remaining > 0:
        chunk = stream.read(min(remaining, 1 << 20))
        if not chunk:
            break
        remaining -= len(chunk)
