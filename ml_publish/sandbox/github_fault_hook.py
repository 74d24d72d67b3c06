"""Where tests break the GitHub emulator on purpose: the hook it consults, and the no-op default.

``release --sandbox`` and ``demo`` run the emulator with ``NO_FAULTS``: nothing is injected. The
tests pass in an object of their own (tests/support/github_faults.py queues failures for the
next matching requests). At each point where GitHub can fail, the emulator asks the hook for a
fault of the kinds it could act on there, and acts on what it gets as GitHub would:

- ``hold``: ``block()`` before serving the request, ``finish()`` once it is handled;
- ``delay``: wait ``amount`` seconds first (cut short when the emulator closes);
- ``throttle``: a secondary rate limit, ``status`` 403 or 429 with ``Retry-After: amount``;
- ``rate_limit``: 403, the hourly quota spent until ``amount`` (epoch seconds);
- ``server_error``: answer an API request with ``status``; ``hang_up``: close it unanswered;
- ``cut``: drop an upload's connection after ``amount`` bytes; ``bad_gateway``: read an upload,
  then answer 502;
- ``download_error``: answer a download with ``status``; ``download_cut``: close it after
  ``amount`` bytes; ``download_pause``: send ``amount`` bytes, then ``block()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

FaultKind = Literal[
    "hold",
    "delay",
    "throttle",
    "rate_limit",
    "server_error",
    "hang_up",
    "cut",
    "bad_gateway",
    "download_error",
    "download_cut",
    "download_pause",
]


class InjectedFault(Protocol):
    """One firing of a fault, as the emulator acts on it."""

    @property
    def kind(self) -> str: ...

    @property
    def amount(self) -> float: ...

    @property
    def status(self) -> int: ...

    def block(self) -> None:
        """Wait where the fault says: a held request until it is let go, a paused download
        until the test lets it go on."""

    def finish(self) -> None:
        """The request this fault touched has been handled to its end."""


class FaultInjection(Protocol):
    """What the emulator asks at each point where GitHub can fail."""

    def take(
        self,
        kinds: Sequence[FaultKind],
        method: str,
        path: str,
        asset_name: str | None = None,
    ) -> InjectedFault | None:
        """The fault of one of ``kinds`` that hits this request, if any, used up by firing."""

    def release_holds(self) -> None:
        """Let every held request go: the emulator is closing."""


class NoFaults:
    """The hook of an emulator nobody breaks: every request is served as GitHub serves it."""

    def take(
        self,
        kinds: Sequence[FaultKind],
        method: str,
        path: str,
        asset_name: str | None = None,
    ) -> InjectedFault | None:
        return None

    def release_holds(self) -> None:
        return None


NO_FAULTS = NoFaults()
