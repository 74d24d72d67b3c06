"""The transport's requests (``HttpSession``): retries with bounded exponential backoff, idle
connections reopened, rate limits, uploads streamed and not retried, the secret never shown;
against a scripted local server, in the name of a made-up service."""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from ml_publish.transport.failures import RateLimitTooLong, TemporaryFailure
from ml_publish.transport.session import (
    UNTIMED_RATE_LIMIT_WAIT,
    HttpSession,
    Reply,
    RetryPolicy,
    rate_limit_wait,
)
from tests.support.processes import READ_SECONDS, run
from tests.support.proxies import without_proxies
from tests.support.scripted_server import ScriptedReply, scripted_server

NOW = 1_800_000_000.0
SECRET = "ghp_never-show-this-token-0123456789"
ANSWER = {"id": 7, "name": "seven"}


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the machine running the tests."""
    without_proxies(monkeypatch)


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the session asked for; recorded instead of slept."""
    return []


def make_session(sleeps: list[float], **options: Any) -> HttpSession:
    retry = RetryPolicy(sleep=sleeps.append, clock=lambda: NOW)
    return HttpSession(
        "Example",
        headers={"Authorization": f"Bearer {SECRET}", "Accept": "application/json"},
        secret=SECRET,
        retry=retry,
        connect_timeout=30,
        read_timeout=READ_SECONDS,
        **options,
    )


def reply_with(status: int, headers: dict[str, str], body: bytes = b"") -> Reply:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return Reply(status, http.client.parse_headers(io.BytesIO(f"{lines}\r\n".encode())), body)


def test_requests_carry_the_services_headers_and_ml_publishs_user_agent(
    sleeps: list[float],
) -> None:
    with scripted_server(ScriptedReply(200, ANSWER)) as server:
        with make_session(sleeps) as session:
            reply = session.request("POST", f"{server.url}/things?x=1", b"{}", "application/json")

    assert (reply.status, reply.json()) == (200, ANSWER)
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/things?x=1")
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("ml-publish/")
    assert SECRET not in repr(session)


def test_server_errors_are_retried_with_exponential_backoff(sleeps: list[float]) -> None:
    failures = [ScriptedReply(status, {"message": "Server Error"}) for status in (502, 503, 500)]
    with scripted_server(*failures, ScriptedReply(200, ANSWER)) as server:
        with make_session(sleeps) as session:
            reply = session.request("GET", f"{server.url}/things/7")

    assert (reply.status, reply.json()) == (200, ANSWER)
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(server.requests) == 4


def test_the_last_failed_attempt_says_what_kept_failing_without_the_secret(
    sleeps: list[float],
) -> None:
    echoed = ScriptedReply(502, {"message": f"Bad Gateway for token {SECRET}"})
    with scripted_server(echoed) as server:
        with make_session(sleeps) as session:
            with pytest.raises(TemporaryFailure) as raised:
                session.request("GET", f"{server.url}/things/7")

    assert str(raised.value) == (
        "Example kept failing GET /things/7 (502 Bad Gateway for token ***) after 5 attempts; "
        "try again later (a re-run resumes where this one stopped)"
    )
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert len(server.requests) == 5


def test_the_backoff_grows_exponentially_up_to_a_bound() -> None:
    policy = RetryPolicy()
    assert [policy.backoff(attempt) for attempt in range(8)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_dropped_connection_is_retried(sleeps: list[float]) -> None:
    with scripted_server(ScriptedReply(0), ScriptedReply(200, ANSWER)) as server:
        with make_session(sleeps) as session:
            assert session.request("GET", f"{server.url}/things/7").json() == ANSWER
    assert sleeps == [1.0]


def test_an_idle_connection_the_server_closed_is_reopened_without_waiting(
    sleeps: list[float],
) -> None:
    replies = [ScriptedReply(200, ANSWER), ScriptedReply(0), ScriptedReply(200, ANSWER)]
    with scripted_server(*replies) as server:
        with make_session(sleeps) as session:
            session.request("GET", f"{server.url}/things/7")
            assert session.request("GET", f"{server.url}/things/7").json() == ANSWER
    assert sleeps == []
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {"Retry-After": "7"}, 7.0),
        (403, {"Retry-After": "7"}, 7.0),
        (403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) + 120)}, 121.0),
        (429, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW) - 5)}, 1.0),
        (429, {}, UNTIMED_RATE_LIMIT_WAIT),
        (403, {}, None),
        (403, {"x-ratelimit-remaining": "4999", "x-ratelimit-reset": str(int(NOW))}, None),
        (503, {"Retry-After": "7"}, None),
        (200, {"Retry-After": "7"}, None),
    ],
)  # fmt: skip
def test_a_rate_limit_is_read_from_retry_after_then_the_ratelimit_headers(
    status: int, headers: dict[str, str], expected: float | None
) -> None:
    assert rate_limit_wait(reply_with(status, headers), lambda: NOW) == expected


def test_a_throttled_request_waits_as_long_as_it_is_told(sleeps: list[float]) -> None:
    throttled = ScriptedReply(429, {"message": "slow down"}, {"Retry-After": "3"})
    with scripted_server(throttled, ScriptedReply(200, ANSWER)) as server:
        with make_session(sleeps) as session:
            assert session.request("GET", f"{server.url}/things").json() == ANSWER
    assert sleeps == [3.0]


def test_a_rate_limit_waiting_longer_than_a_run_will_ends_it_at_once(sleeps: list[float]) -> None:
    with scripted_server(ScriptedReply(429, {}, {"Retry-After": "3600"})) as server:
        with make_session(sleeps) as session:
            with pytest.raises(RateLimitTooLong) as raised:
                session.request("GET", f"{server.url}/things")

    assert str(raised.value).startswith(
        "Example's rate limit for this token allows GET /things again in 60 minutes; try again"
    )
    assert (sleeps, len(server.requests)) == ([], 1)


def test_an_adapter_can_read_rate_limits_its_own_way(sleeps: list[float]) -> None:
    def every_418_waits_five(reply: Reply, clock: Any) -> float | None:
        return 5.0 if reply.status == 418 else None

    with scripted_server(ScriptedReply(418, {}), ScriptedReply(200, ANSWER)) as server:
        with make_session(sleeps, rate_limit=every_418_waits_five) as session:
            assert session.request("GET", f"{server.url}/teapot").json() == ANSWER
    assert sleeps == [5.0]


def test_the_next_page_is_followed_only_on_the_first_pages_origin() -> None:
    first = "https://api.example.org/things?per_page=2"
    same = '<https://api.example.org/things?page=2>; rel="next", <x>; rel="last"'
    foreign = '<https://elsewhere.example.org/things?page=2>; rel="next"'

    assert reply_with(200, {"Link": same}).next_page(first) == (
        "https://api.example.org/things?page=2"
    )
    assert reply_with(200, {"Link": foreign}).next_page(first) is None
    assert reply_with(200, {"Link": '<x>; rel="last"'}).next_page(first) is None
    assert reply_with(200, {}).next_page(first) is None


@pytest.fixture
def weights(tmp_path: Path) -> Path:
    path = tmp_path / "w.bin"
    path.write_bytes(os.urandom(1_000_000))
    return path


def test_an_upload_sends_the_span_of_the_file_it_is_given(
    sleeps: list[float], weights: Path
) -> None:
    sent: list[int] = []
    with scripted_server(ScriptedReply(201, ANSWER)) as server:
        with make_session(sleeps) as session:
            reply = session.upload(
                f"{server.url}/files?name=w.bin",
                weights,
                what="uploading w.bin",
                span=(1000, 5000),
                on_progress=sent.append,
            )

    assert (reply.status, reply.json(), sent) == (201, ANSWER, [5000])
    (request,) = server.requests
    assert request.body_sha256 == hashlib.sha256(weights.read_bytes()[1000:6000]).hexdigest()
    assert request.headers["content-length"] == "5000"
    assert request.headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (ScriptedReply(502, {"message": "Bad Gateway"}), "Example answered 502 Bad Gateway while "),
        (ScriptedReply(0), "uploading w.bin failed: the connection closed without an answer"),
    ],
)
def test_a_failed_upload_is_left_to_the_caller_not_retried(
    sleeps: list[float], weights: Path, reply: ScriptedReply, message: str
) -> None:
    with scripted_server(reply) as server:
        with make_session(sleeps) as session:
            with pytest.raises(TemporaryFailure) as raised:
                session.upload(f"{server.url}/files", weights, what="uploading w.bin")

    assert str(raised.value).startswith(message)
    assert (sleeps, len(server.requests)) == ([], 1)


def test_a_throttled_upload_waits_then_uploads(sleeps: list[float], weights: Path) -> None:
    throttled = ScriptedReply(403, {"message": "slow down"}, {"Retry-After": "3"})
    with scripted_server(throttled, ScriptedReply(201, ANSWER)) as server:
        with make_session(sleeps) as session:
            reply = session.upload(f"{server.url}/files", weights, what="uploading w.bin")

    assert reply.status == 201
    assert sleeps == [3.0]
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    assert [request.body_sha256 for request in server.requests] == [digest, digest]


@pytest.fixture
def trusted_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key, that this process trusts."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "openssl is needed to make the test certificate"
    certificate, key = tmp_path / "certificate.pem", tmp_path / "key.pem"
    run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", certificate,
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
    return certificate, key


def test_uploads_over_tls_stream_in_large_blocks(
    trusted_certificate: tuple[Path, Path], sleeps: list[float], tmp_path: Path
) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(40 * 1024 * 1024 + 5))
    reported: list[int] = []

    with scripted_server(ScriptedReply(201, ANSWER), tls=trusted_certificate) as server:
        assert server.url.startswith("https://")
        with make_session(sleeps) as session:
            url = f"{server.url}/repos/o/r/releases/7/assets?name=big.bin"
            reply = session.upload(url, big, what="uploading big.bin", on_progress=reported.append)

    assert reply.status == 201
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/repos/o/r/releases/7/assets?name=big.bin")
    assert request.body_sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
    assert request.headers["content-length"] == str(big.stat().st_size)
    assert reported == [16 * 1024 * 1024, 16 * 1024 * 1024, 8 * 1024 * 1024 + 5]
