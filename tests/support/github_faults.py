"""Failures to inject into the GitHub emulator: the faults a reliable client must survive.

Each fault is queued for the next matching request(s) and used up when it fires, so a test
reads as a script: "the next upload of weights.pt drops after 1 MiB; the retry succeeds".
``Faults`` is the emulator's fault hook (ml_publish/sandbox/github_fault_hook.py) as the tests
fill it; ``GitHubEmulatorWithFaults`` is the emulator with one, at ``gh.faults``.
"""

from __future__ import annotations

import re
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from ml_publish.sandbox.github_emulator import GitHubEmulator


class Hold:
    """A request the emulator holds unanswered until ``release()``: a client provably waiting
    at a known request, for as long as a test needs, with no clock involved."""

    def __init__(self) -> None:
        self.reached = threading.Event()  # the request arrived and is being held
        self.done = threading.Event()  # the request, let go, has been handled to its end
        self._released = threading.Event()

    def release(self) -> None:
        """Let the held request (or the one still to come) be served as usual."""
        self._released.set()

    def wait_released(self) -> None:
        self.reached.set()
        self._released.wait()


@dataclass
class Fault:
    """One queued failure: what kind, how many more times, and which requests it hits."""

    kind: str
    times: int
    method: str | None = None
    path: str | None = None
    asset_name: str | None = None
    # Bytes before a cut, seconds of Retry-After or of delay, or the rate limit's reset epoch.
    amount: float = 0
    status: int = 0
    # Matching requests that pass untouched before this fault fires.
    after: int = 0
    hold: Hold | None = field(default=None, compare=False)
    # A paused download sends ``amount`` bytes, sets ``reached``, then waits for ``until``.
    until: threading.Event | None = None
    reached: threading.Event | None = None

    def block(self) -> None:
        """A held request waits to be let go; a paused download says so, then waits."""
        if self.hold is not None:
            self.hold.wait_released()
        if self.reached is not None and self.until is not None:
            self.reached.set()
            self.until.wait()

    def finish(self) -> None:
        """A held request, let go, has been handled to its end."""
        if self.hold is not None:
            self.hold.done.set()

    def matches(self, method: str, path: str, asset_name: str | None) -> bool:
        """Whether this fault applies to a request with this method, path and asset name."""
        return (
            self.method in (None, method)
            and (self.path is None or re.search(self.path, path) is not None)
            and self.asset_name in (None, asset_name)
        )


class Faults:
    """Failures queued for the next matching requests; each fires ``times`` times, then is gone.

    ``method`` and ``path`` (a regular expression searched in the URL path) narrow which
    requests a fault hits; upload faults are narrowed by the asset ``name`` instead.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: list[Fault] = []
        self._holds: list[Hold] = []

    def cut_upload(self, after_bytes: int, *, name: str | None = None, times: int = 1) -> None:
        """Drop an upload's connection unanswered after ``after_bytes``; a starter asset stays."""
        self._queue(Fault("cut", times, asset_name=name, amount=after_bytes))

    def bad_gateway_upload(self, *, name: str | None = None, times: int = 1) -> None:
        """Answer an upload 502 after reading it, leaving an empty starter asset, as GitHub may."""
        self._queue(Fault("bad_gateway", times, asset_name=name))

    def fail_download(self, status: int, *, name: str | None = None, times: int = 1) -> None:
        """Answer a download of asset ``name`` with ``status`` (a 404, a 503) instead of it."""
        if not 400 <= status <= 599:
            raise ValueError(f"a failed download answers 4xx or 5xx, not {status}")
        self._queue(Fault("download_error", times, asset_name=name, status=status))

    def cut_download(self, after_bytes: int, *, name: str | None = None, times: int = 1) -> None:
        """Close a download's connection after ``after_bytes`` of the announced length."""
        self._queue(Fault("download_cut", times, asset_name=name, amount=after_bytes))

    def server_error(
        self,
        status: int = 502,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer an API request with a 5xx instead of serving it, as GitHub does in an outage."""
        if not 500 <= status <= 599:
            raise ValueError(f"a server error is a 5xx status, not {status}")
        self._queue(Fault("server_error", times, method, path, status=status))

    def hang_up(
        self, *, method: str | None = None, path: str | None = None, times: int = 1
    ) -> None:
        """Close an API request's connection without answering it: a dropped connection."""
        self._queue(Fault("hang_up", times, method, path))

    def throttle(
        self,
        retry_after: int,
        *,
        status: int = 429,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
    ) -> None:
        """Refuse a request with a secondary rate limit: 403 or 429 and ``Retry-After``."""
        if status not in (403, 429):
            raise ValueError(f"GitHub throttles with 403 or 429, not {status}")
        self._queue(Fault("throttle", times, method, path, amount=retry_after, status=status))

    def exhaust_rate_limit(
        self,
        reset_at: int | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
    ) -> None:
        """Refuse a request with 403, the hourly quota spent until ``reset_at`` (epoch seconds)."""
        reset = time.time() + 60 if reset_at is None else reset_at
        self._queue(Fault("rate_limit", times, method, path, amount=int(reset), status=403))

    def delay(
        self, seconds: float, *, method: str | None = None, path: str | None = None, times: int = 1
    ) -> None:
        """Hold a request for ``seconds`` before answering it."""
        self._queue(Fault("delay", times, method, path, amount=seconds))

    def hold(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        name: str | None = None,
        after: int = 0,
    ) -> Hold:
        """Hold the next matching request (an upload of asset ``name``, say), once ``after``
        more have passed, until the returned ``Hold`` is released or the emulator closes."""
        hold = Hold()
        with self._lock:
            self._holds.append(hold)
        self._queue(Fault("hold", 1, method, path, name, after=after, hold=hold))
        return hold

    def release_holds(self) -> None:
        """Let every held request go: the emulator is closing."""
        with self._lock:
            holds = list(self._holds)
        for hold in holds:
            hold.release()

    def pause_download(
        self,
        after_bytes: int,
        *,
        reached: threading.Event,
        until: threading.Event,
        name: str | None = None,
        times: int = 1,
    ) -> None:
        """Send ``after_bytes`` of a download, set ``reached``, and send the rest once
        ``until`` is set: a test acts at a known point of a transfer."""
        self._queue(
            Fault(
                "download_pause",
                times,
                asset_name=name,
                amount=after_bytes,
                until=until,
                reached=reached,
            )
        )

    @property
    def queued(self) -> int:
        """How many firings are still to come, so a test can check its faults were all used."""
        with self._lock:
            return sum(fault.times for fault in self._queued)

    def take(
        self, kinds: Sequence[str], method: str, path: str, asset_name: str | None = None
    ) -> Fault | None:
        """Use up one firing of the first queued fault of ``kinds`` matching this request."""
        with self._lock:
            for fault in self._queued:
                if fault.kind in kinds and fault.matches(method, path, asset_name):
                    if fault.after > 0:
                        fault.after -= 1
                        continue
                    fault.times -= 1
                    if fault.times == 0:
                        self._queued.remove(fault)
                    return fault
        return None

    def _queue(self, fault: Fault) -> None:
        with self._lock:
            self._queued.append(fault)


class GitHubEmulatorOptions(TypedDict, total=False):
    """What ``GitHubEmulator`` takes besides its faults (its defaults stay the emulator's own)."""

    token: str
    immutable_releases: bool
    max_asset_size: int
    tls: ssl.SSLContext | None


class GitHubEmulatorWithFaults(GitHubEmulator):
    """The GitHub emulator with a ``Faults`` of its own, for a test to queue failures in."""

    def __init__(self, **options: Unpack[GitHubEmulatorOptions]) -> None:
        self.faults: Faults
        super().__init__(**options, faults=Faults())
