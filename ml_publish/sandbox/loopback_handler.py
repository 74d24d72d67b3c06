"""What every stand-in host's request handler does alike, whatever service it plays.

The GitHub emulator's and the Hub stand-in's handlers each decide what a request means; this
base does the rest the same way for both: tracking the connection on its ``LoopbackHost``,
recording each request once before any answer can reach the client, holding and delaying a
request as the fault hook says, streaming, skipping and discarding bodies in chunks, hanging up
unanswered, and sending one byte range of a file with an optional pause. Part of the stand-ins
``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, BinaryIO, cast
from urllib.parse import parse_qs, urlsplit

from ml_publish.sandbox.github_fault_hook import FaultInjection, InjectedFault
from ml_publish.sandbox.loopback_host import LoopbackHost

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class RecordedRequest:
    """One request as a stand-in received it; ``host`` is the role of the host it reached."""

    host: str
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body_length: int


class LoopbackRequestHandler(BaseHTTPRequestHandler):
    """One connection to one stand-in host; subclasses serve it and keep what was recorded."""

    protocol_version = "HTTP/1.1"
    timeout = 60  # a stalled client must not hold a handler thread forever

    def setup(self) -> None:
        super().setup()
        self._host.track(self.connection, open_now=True)

    def finish(self) -> None:
        self._host.track(self.connection, open_now=False)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s %s", self._host.role, format % args)

    def version_string(self) -> str:
        return self.server_version

    @property
    def _host(self) -> LoopbackHost:
        return cast(LoopbackHost, self.server)

    def _keep(self, request: RecordedRequest) -> None:
        """Hand ``request`` to the stand-in that lists what it received."""
        raise NotImplementedError

    def _failure(self, status: int) -> Exception:
        """The service's own error answering ``status`` (a fault's 5xx) with its phrase."""
        raise NotImplementedError

    def _begin(self) -> None:
        """Take the path and query from the request line; nothing of the body is read yet."""
        url = urlsplit(self.path)
        self._path, self._query = url.path, parse_qs(url.query, keep_blank_values=True)
        self._body_length, self._body_read, self._recorded = 0, False, False

    @contextlib.contextmanager
    def _held_and_delayed(
        self,
        faults: FaultInjection,
        stopping: threading.Event,
        name: str | None,
        delay_name: str | None,
    ) -> Iterator[None]:
        """Hold and delay the request as a fault says, and record it however it ends. A delay
        that closing cut short ends in a hang-up: an answer then would race the closing's cut of
        every open connection, and reach the client whole or torn at random."""
        held = faults.take(["hold"], self.command, self._path, name)
        try:
            if held is not None:
                held.block()
            delay = faults.take(["delay"], self.command, self._path, delay_name)
            if delay is not None and stopping.wait(delay.amount):
                raise ConnectionAbortedError("closing ended a delayed request: hung up")
            yield
        finally:
            self._record()
            if held is not None:
                held.finish()

    def _record(self) -> None:
        """Add this request to ``requests`` once, before any answer can reach the client."""
        if self._recorded:
            return
        self._recorded = True
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = RecordedRequest(
            self._host.role, self.command, self._path, self._query, headers, self._body_length
        )
        self._keep(request)

    def _fail_by_fault(self, faults: FaultInjection, name: str | None = None) -> bool:
        """Answer a queued 5xx, or hang up unanswered; whether a fault took the request."""
        fault = faults.take(["server_error", "hang_up"], self.command, self._path, name)
        if fault is None:
            return False
        if fault.kind == "server_error":
            raise self._failure(fault.status)
        self._skip_body()
        self._drop_connection()
        return True

    def _drop_connection(self) -> None:
        """Answer nothing: the client sees the connection drop."""
        self._record()
        self.close_connection = True

    def _stream_body(self, wanted: int, consume: Callable[[bytes], object]) -> int:
        """Read up to ``wanted`` body bytes chunk by chunk into ``consume``; how many came.
        A client hanging up (or a write failing) ends it early."""
        self._body_read = True
        with contextlib.suppress(OSError):
            while self._body_length < wanted:
                chunk = self.rfile.read(min(CHUNK_SIZE, wanted - self._body_length))
                if not chunk:
                    break
                consume(chunk)
                self._body_length += len(chunk)
        return self._body_length

    def _skip_body(self) -> None:
        """Read and drop an unread body, so the answer reaches the client instead of a reset."""
        length = self.headers.get("Content-Length", "")
        if self._body_read or not length.isdigit():
            # A body of unknown length cannot be skipped; only closing ends it.
            self.close_connection = self.close_connection or not self._body_read
            return
        self._stream_body(int(length), lambda chunk: None)

    def _read_exactly(self, size: int) -> bytes:
        """``size`` body bytes; a client that hangs up before sending them all sent nothing
        (a server never acts on a cut request, as a cut commit must not half-happen)."""
        data = self.rfile.read(size)
        if len(data) < size:
            raise ConnectionResetError(f"the client hung up {len(data)} of {size} bytes in")
        return data

    def _read_chunked(self, *, keep: bool = True) -> bytes:
        """Read a chunked body to its end: its bytes, or nothing kept without ``keep``. A body
        cut before its last, empty chunk is a client that hung up, not a shorter body."""
        pieces = []
        while True:
            line = self.rfile.readline()
            if not line.endswith(b"\n"):
                raise ConnectionResetError("the client hung up inside a chunked body")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            piece = self._read_exactly(size)
            if keep:
                pieces.append(piece)
            self._read_exactly(2)  # the CRLF after each chunk (and after the last, empty one)
            if size == 0:
                return b"".join(pieces)

    def _send_headers(self, headers: dict[str, str]) -> None:
        """Send ``headers`` (saying ``Connection: close`` when closing) and end them."""
        if self.close_connection:
            headers = headers | {"Connection": "close"}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()


def send_file_part(
    handler: BaseHTTPRequestHandler,
    source: BinaryIO,
    first: int,
    remaining: int,
    pause: InjectedFault | None,
) -> None:
    """Send ``remaining`` bytes of ``source`` from ``first``, pausing where ``pause`` says."""
    sent, pause_at = 0, -1 if pause is None else int(pause.amount)
    source.seek(first)
    while remaining > 0:
        size = min(CHUNK_SIZE, remaining)
        if sent < pause_at:
            size = min(size, pause_at - sent)
        chunk = source.read(size)
        if not chunk:
            break
        handler.wfile.write(chunk)
        remaining -= len(chunk)
        sent += len(chunk)
        if sent == pause_at and pause is not None:
            handler.wfile.flush()  # what was sent reaches the client before the wait
            pause.block()


def asked_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte a single ``Range: bytes=A-B`` header asks for (the last no
    further than the end); None without such a header."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    start, _, end = header.removeprefix("bytes=").partition("-")
    try:
        first = int(start) if start else max(size - int(end), 0)
        last = min(int(end), size - 1) if start and end else size - 1
    except ValueError:
        return None
    return first, last


def served_range(header: str | None, size: int) -> tuple[int, int]:
    """The first and last byte to send for a ``Range`` header: all of it when it asks for
    none, or for a range that cannot be served."""
    asked = asked_range(header, size)
    if asked is None or not 0 <= asked[0] <= asked[1]:
        return 0, size - 1
    return asked
