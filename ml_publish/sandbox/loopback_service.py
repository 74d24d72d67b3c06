"""A stand-in service: a few ``LoopbackHost``s that share one state and one temporary directory,
started and closed together, recording every request they receive.

The GitHub emulator and the Hub stand-in are both this; each says which hosts it has and what
state they share (``_open_hosts``). Part of the stand-ins ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
from pathlib import Path
from typing import ClassVar, TypeVar

from ml_publish.sandbox.github_fault_hook import FaultInjection
from ml_publish.sandbox.loopback_handler import RecordedRequest
from ml_publish.sandbox.loopback_host import (
    LoopbackHost,
    StartedInBlock,
    serve_in_background,
    stop_together,
)

# Subclasses (the tests' own, with faults) get their own type back from ``with``.
ServiceT = TypeVar("ServiceT", bound="LoopbackService")


class LoopbackService(StartedInBlock):
    """Hosts on free loopback ports, served from background threads until ``close``; use it
    as a context manager. ``tls`` makes every host speak HTTPS; ``faults`` is the hook tests
    break it through."""

    # How errors name the service, the prefix of its threads' and its directory's names.
    service_name: ClassVar[str]
    thread_prefix: ClassVar[str]
    storage_prefix: ClassVar[str]

    def __init__(self, *, tls: ssl.SSLContext | None, faults: FaultInjection) -> None:
        self.tls = tls
        self.faults = faults
        self.requests: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._hosts: dict[str, LoopbackHost] = {}
        self._threads: list[threading.Thread] = []
        self._storage: Path | None = None
        self._lock = threading.Lock()

    def _open_hosts(self, storage: Path) -> dict[str, LoopbackHost]:
        """Make the shared state, kept in ``storage``, and bind the hosts, by role."""
        raise NotImplementedError

    def start(self: ServiceT) -> ServiceT:
        """Bind the hosts to free ports and serve them from background threads."""
        if self._hosts or self.stopping.is_set():
            raise RuntimeError(f"a {self.service_name} can be started only once")
        self._storage = Path(tempfile.mkdtemp(prefix=self.storage_prefix))
        self._hosts = self._open_hosts(self._storage)
        self._threads = serve_in_background(self._hosts, self.thread_prefix)
        return self

    def close(self) -> None:
        """Stop all hosts, close their sockets and delete the stored bytes."""
        self.stopping.set()
        self.faults.release_holds()
        stop_together(self._hosts.values(), self._threads)
        if self._storage is not None:
            shutil.rmtree(self._storage, ignore_errors=True)

    def record(self, request: RecordedRequest) -> None:
        """Keep ``request`` in ``requests`` for tests to inspect."""
        with self._lock:
            self.requests.append(request)

    def _host(self, role: str) -> LoopbackHost:
        if role not in self._hosts:
            raise RuntimeError(f"start the {self.service_name} first")
        return self._hosts[role]
