"""How the transport tells a failure of the network in a message."""

from __future__ import annotations

import http.client

import pytest

from ml_publish.transport.failures import HttpFailure, RateLimitTooLong, TemporaryFailure, describe
from ml_publish.transport.network import ProxyTrouble


@pytest.mark.parametrize(
    ("error", "told"),
    [
        (TimeoutError("read timed out after 300 s"), "timed out"),
        (http.client.RemoteDisconnected("closed"), "the connection closed without an answer"),
        (ConnectionResetError(104, "Connection reset by peer"), "the connection was reset"),
        (BrokenPipeError(32, "Broken pipe"), "the connection closed while sending"),
        (ProxyTrouble("cannot reach the proxy http://p:1 (from HTTPS_PROXY)"),
         "cannot reach the proxy http://p:1 (from HTTPS_PROXY)"),
        (OSError(113, "No route to host"), "OSError: [Errno 113] No route to host"),
    ],
)  # fmt: skip
def test_a_network_failure_is_told_in_a_few_words(error: BaseException, told: str) -> None:
    assert describe(error) == told


def test_every_failure_keeps_its_status_and_is_an_operation_failure() -> None:
    for kind in (HttpFailure, TemporaryFailure, RateLimitTooLong):
        failure = kind("the server said no", 503)
        assert (str(failure), failure.status, failure.exit_code) == ("the server said no", 503, 1)
