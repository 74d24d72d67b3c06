"""One stand-in host on a free loopback port, a set of them served and stopped together, and
the ``with`` block every stand-in runs in.

The GitHub emulator and the Hub stand-in each run a few hosts (API, uploads, storage, ...) that
share their owner's state; this is what every such host does alike: bind 127.0.0.1 on port 0,
speak HTTPS when given a server context, track open connections so ``stop`` can end idle
keep-alive ones, and log hang-ups quietly. Part of the stand-ins ``release --sandbox`` and
``demo`` run.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import sys
import threading
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, TypeVar

logger = logging.getLogger(__name__)
# Subclasses (the tests' own, with faults) get their own type back from ``with``.
StartedT = TypeVar("StartedT", bound="StartedInBlock")

# A short poll interval keeps stopping fast; the default would cost 0.5 s per host.
POLL_INTERVAL = 0.05


class StartedInBlock:
    """A stand-in that starts on entering a ``with`` block and closes on leaving it."""

    def start(self: StartedT) -> StartedT:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: StartedT) -> StartedT:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class LoopbackHost(ThreadingHTTPServer):
    """One host named ``role`` on a free port, served by ``handler``, over TLS with ``tls``."""

    def __init__(
        self, role: str, handler: type[BaseHTTPRequestHandler], tls: ssl.SSLContext | None
    ) -> None:
        self.role = role
        self.tls = tls
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), handler)
        if tls is not None:
            # The handshake happens in the handler's thread, on the first read, not in accept().
            self.socket = tls.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    @property
    def url(self) -> str:
        scheme = "http" if self.tls is None else "https"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"

    def track(self, connection: socket.socket, *, open_now: bool) -> None:
        with self._open_lock:
            if open_now:
                self._open.add(connection)
            else:
                self._open.discard(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients hanging up is routine (and what fault tests provoke); anything else is a bug.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            logger.debug("%s: %s hung up", self.role, client_address, exc_info=True)
        else:
            logger.exception("%s: request from %s failed", self.role, client_address)

    def stop(self) -> None:
        """Stop accepting, end idle keep-alive connections, and wait for handler threads."""
        self.shutdown()
        with self._open_lock:
            still_open = list(self._open)
        for connection in still_open:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.server_close()


def serve_in_background(hosts: Mapping[str, LoopbackHost], prefix: str) -> list[threading.Thread]:
    """Serve each host from a daemon thread named ``prefix-role``; the threads, started."""
    threads = []
    for role, host in hosts.items():
        thread = threading.Thread(
            target=host.serve_forever, args=(POLL_INTERVAL,), name=f"{prefix}-{role}", daemon=True
        )
        thread.start()
        threads.append(thread)
    return threads


def stop_together(hosts: Iterable[LoopbackHost], threads: Iterable[threading.Thread]) -> None:
    """Stop every host and wait for its serving ``threads`` to end."""
    # Each host waits up to one poll interval to notice; stopping them together pays it once.
    stoppers = [threading.Thread(target=host.stop) for host in hosts]
    for thread in stoppers:
        thread.start()
    for thread in [*stoppers, *threads]:
        thread.join()
