"""What the transport raises when a request fails, and how a failure of the network is told in a
message: in a few words, never with a header or a token in them.

Adapters turn these into their own errors (``GitHubError`` and its kind), so a command's error
names the service it was speaking to; the messages are already written in that service's name.
"""

from __future__ import annotations

import http.client

from ml_publish.errors import OperationFailed
from ml_publish.transport import network


class HttpFailure(OperationFailed):
    """A request failed in a way that trying again will not mend; the message says why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TemporaryFailure(HttpFailure):
    """A request failed in a way that may pass on a later try (5xx, dropped connection, timeout):
    the retries ran out, or it was an upload, which the caller cleans up after first."""


class RateLimitTooLong(HttpFailure):
    """The server allows the request again only later than a run is willing to wait."""


def describe(error: BaseException) -> str:
    """A short account of a network failure, for messages (never a header or the token)."""
    if isinstance(error, network.ProxyTrouble):
        return str(error)
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, http.client.RemoteDisconnected):
        return "the connection closed without an answer"
    if isinstance(error, ConnectionResetError):
        return "the connection was reset"
    if isinstance(error, BrokenPipeError):
        return "the connection closed while sending"
    return f"{type(error).__name__}: {error}"
