"""Reading weights back from where they are served: the size and SHA-256 behind a URL.

``weights verify --download`` and ``weights mirror add`` use it; nothing is written to disk,
and no more than the registered size is ever read. Requests go through the proxy and CA
certificates the environment names (``network``).
"""

from __future__ import annotations

import hashlib
import http.client
import socket
import urllib.error
from collections.abc import Callable, Sequence
from typing import Any

from ml_publish.transport import network

TIMEOUT_SECONDS = 60
BLOCK = 1 << 20


class SourceFailed(Exception):
    """A URL did not serve what was asked; the message says how, in a few words."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        # A 4xx or the wrong bytes: the URL is wrong. Otherwise trying later may work.
        self.permanent = permanent


def describe(error: BaseException, url: str) -> SourceFailed:
    """A network error as a short reason, and whether trying again could help."""
    if isinstance(error, urllib.error.HTTPError):
        return SourceFailed(network.describe_failure(error, url), permanent=error.code < 500)
    reason: object = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return SourceFailed("timed out", permanent=False)
    if isinstance(reason, http.client.IncompleteRead):
        return SourceFailed("the connection closed before the end", permanent=False)
    if isinstance(error, OSError):
        return SourceFailed(network.describe_failure(error, url), permanent=False)
    return SourceFailed(str(reason) or type(reason).__name__, permanent=False)


def served_size(url: str) -> int | None:
    """The size the server announces for ``url`` (``Content-Length``), if it announces one."""
    try:
        with network.open_url(url, timeout=TIMEOUT_SECONDS) as response:
            length = response.headers.get("Content-Length")
    except (OSError, http.client.HTTPException) as error:
        raise describe(error, url) from None
    return int(length) if length is not None and length.isdigit() else None


def served_sha256(
    url: str,
    size: int,
    *,
    also: Sequence[Any] = (),
    report: Callable[[int], None] | None = None,
) -> str:
    """The SHA-256 of the ``size`` bytes ``url`` serves; ``also`` are more digests to update,
    ``report`` is told each block's byte count (a progress display).

    Raises ``SourceFailed`` when the server fails or serves another number of bytes.
    """
    digest = hashlib.sha256()
    received = 0
    try:
        with network.open_url(url, timeout=TIMEOUT_SECONDS) as response:
            while chunk := response.read(min(BLOCK, size + 1 - received)):
                received += len(chunk)
                if received > size:
                    break
                digest.update(chunk)
                for other in also:
                    other.update(chunk)
                if report is not None:
                    report(len(chunk))
    except (OSError, http.client.HTTPException) as error:
        raise describe(error, url) from None
    if received != size:
        more = "more than" if received > size else f"{received} bytes, not"
        raise SourceFailed(f"served {more} the {size} bytes registered", permanent=True)
    return digest.hexdigest()
