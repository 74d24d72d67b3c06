"""Requests to one service's HTTP API: retried through transient failures (5xx, dropped
connections, timeouts) with bounded exponential backoff, rate limits waited out, and error text
that never contains the secret the requests carry.

An adapter (``ml_publish.github``) makes one ``HttpSession`` with the headers every request to
its service carries, then speaks its API through ``request`` and ``upload``. Uploads are not
retried, only their rate limits waited out (a server refuses those before it reads the body): a
failed upload may have left something behind on the server that the caller must deal with
before it tries again, so it gets a ``TemporaryFailure`` to do so.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from ml_publish import __version__
from ml_publish.transport.connections import Connections, Progress, send_body
from ml_publish.transport.failures import RateLimitTooLong, TemporaryFailure, describe

USER_AGENT = f"ml-publish/{__version__}"
# When a rate limit names no time, wait a minute (GitHub's advice for its secondary limits).
UNTIMED_RATE_LIMIT_WAIT = 60.0
NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


@dataclass(frozen=True)
class Reply:
    """A server's whole answer to one request."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (None for an empty body); ``ValueError`` if it is not."""
        return json.loads(self.body) if self.body else None

    def json_or_none(self) -> Any:
        """The body parsed as JSON, or None if it is empty or not JSON."""
        try:
            return self.json()
        except ValueError:
            return None

    @property
    def message(self) -> str:
        """The ``message`` of a JSON error (GitHub's shape, and many APIs'), or the raw start of
        an unexpected body."""
        parsed = self.json_or_none()
        if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
            return str(parsed["message"])
        return self.body[:200].decode("utf-8", "replace").strip() or "no message"

    def next_page(self, first_page: str) -> str | None:
        """The next page of a list, from the ``Link`` header (RFC 8288, as GitHub and the Hugging
        Face Hub paginate), if it is on ``first_page``'s origin: the secret goes only where it
        came from."""
        found = NEXT_LINK.search(self.headers.get("Link", ""))
        return found[1] if found and urlsplit(found[1])[:2] == urlsplit(first_page)[:2] else None


@dataclass(frozen=True)
class RetryPolicy:
    """How often to retry and how long to wait; ``sleep`` and ``clock`` are injectable for tests."""

    attempts: int = 5
    first_delay: float = 1.0
    max_delay: float = 30.0
    # Longer waits (an hourly quota spent) end the run instead: a re-run resumes later.
    longest_wait: float = 900.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (counting from 0)."""
        return float(min(self.max_delay, self.first_delay * 2**attempt))


# Seconds a reply asks to be waited before trying again, or None if it is no rate limit; it is
# given the retry policy's clock.
RateLimitRule = Callable[[Reply, Callable[[], float]], float | None]


def rate_limit_wait(reply: Reply, clock: Callable[[], float]) -> float | None:
    """The wait a throttled answer (403 or 429) asks for: its ``Retry-After``, else until
    ``X-RateLimit-Reset`` once ``X-RateLimit-Remaining`` is 0, else a minute for a 429."""
    if reply.status not in (403, 429):
        return None
    retry_after = reply.headers.get("Retry-After", "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    reset = reply.headers.get("x-ratelimit-reset", "").strip()
    if reply.headers.get("x-ratelimit-remaining", "").strip() == "0" and reset.isdigit():
        # The reset time is whole seconds; one more second makes sure it has passed.
        return max(float(reset) - clock(), 0.0) + 1
    if reply.status == 429:
        return UNTIMED_RATE_LIMIT_WAIT
    return None


class HttpSession:
    """Requests to one service (named ``service`` in messages), each carrying ``headers``.

    ``secret`` (the token inside ``headers``) is scrubbed from every message. Use it as a
    context manager so its keep-alive connections are closed.
    """

    def __init__(
        self,
        service: str,
        *,
        headers: Mapping[str, str],
        secret: str,
        retry: RetryPolicy,
        connect_timeout: float,
        read_timeout: float,
        rate_limit: RateLimitRule = rate_limit_wait,
    ) -> None:
        self.service = service
        self.retry = retry
        self.rate_limit = rate_limit
        self._headers = {**headers, "User-Agent": USER_AGENT}
        self._secret = secret
        self._connections = Connections(connect_timeout, read_timeout)

    def __repr__(self) -> str:  # the default would show the headers, the secret among them
        return f"HttpSession({self.service!r})"

    @property
    def read_timeout(self) -> float:
        """Seconds each read of an answer may wait; a change counts from the next connection."""
        return self._connections.read_timeout

    @read_timeout.setter
    def read_timeout(self, seconds: float) -> None:
        self._connections.read_timeout = seconds

    def __enter__(self) -> HttpSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._connections.close()

    def scrub(self, text: str) -> str:
        """``text`` with the secret replaced by ``***``."""
        return text.replace(self._secret, "***") if self._secret else text

    def request(
        self, method: str, url: str, body: bytes | None = None, content_type: str | None = None
    ) -> Reply:
        """One request, retried through transient failures and rate limits; any answer below
        500 that is no rate limit is returned for the caller to read."""
        what = f"{method} {urlsplit(url).path}"
        for attempt in itertools.count():
            try:
                reply = self._exchange(method, url, body, content_type)
            except (OSError, http.client.HTTPException) as error:
                wait, problem = None, describe(error)
            else:
                wait = self.rate_limit(reply, self.retry.clock)
                if wait is None and reply.status < 500:
                    return reply
                problem = f"{reply.status} {reply.message}"
            self._pause(attempt, wait, problem, what)
        raise AssertionError("unreachable")

    def upload(
        self,
        url: str,
        path: Path,
        *,
        what: str,
        method: str = "POST",
        span: tuple[int, int | None] = (0, None),
        content_type: str = "application/octet-stream",
        on_progress: Progress | None = None,
    ) -> Reply:
        """Stream ``path`` from disk to ``url`` as the body of a ``method`` request; with
        ``span`` = (offset, length), only that many bytes of it from offset (None: to the end).

        Rate limits are waited out; any other transient failure, a 5xx answer included, raises
        ``TemporaryFailure`` naming ``what`` (e.g. "uploading model.pt") at once.
        """
        for attempt in itertools.count():
            try:
                reply = self._send_file(method, url, path, span, content_type, on_progress)
            except (OSError, http.client.HTTPException) as error:
                raise TemporaryFailure(self.scrub(f"{what} failed: {describe(error)}")) from None
            wait = self.rate_limit(reply, self.retry.clock)
            if wait is None:
                break
            self._pause(attempt, wait, f"{reply.status} {reply.message}", what)
        if reply.status >= 500:
            message = f"{self.service} answered {reply.status} {reply.message} while {what}"
            raise TemporaryFailure(self.scrub(message), reply.status)
        return reply

    def _send_file(
        self,
        method: str,
        url: str,
        path: Path,
        span: tuple[int, int | None],
        content_type: str,
        on_progress: Progress | None,
    ) -> Reply:
        parts = urlsplit(url)
        # A fresh connection: a keep-alive one gone stale would fail only after the headers.
        self._connections.drop(parts)
        connection, _ = self._connections.get(parts)
        offset, length = span
        try:
            with path.open("rb") as source:
                size = os.fstat(source.fileno()).st_size - offset if length is None else length
                target, proxy_headers = self._connections.target(parts)
                connection.putrequest(method, target)
                headers = self._headers_for(content_type) | proxy_headers
                headers["Content-Length"] = str(size)
                for header, value in headers.items():
                    connection.putheader(header, value)
                connection.endheaders()
                assert connection.sock is not None
                try:
                    send_body(connection.sock, source, offset, size, on_progress)
                except OSError:
                    # The server may refuse (422, 401) and hang up before reading the whole
                    # body; its answer says more than the broken pipe does, if it sent one.
                    early = _read_reply(connection)
                    self._connections.drop(parts)
                    return early
            return _read_reply(connection)
        except BaseException:
            self._connections.drop(parts)
            raise

    def _exchange(
        self, method: str, url: str, body: bytes | None, content_type: str | None
    ) -> Reply:
        parts = urlsplit(url)
        connection, reused = self._connections.get(parts)
        target, proxy_headers = self._connections.target(parts)
        try:
            headers = self._headers_for(content_type) | proxy_headers
            connection.request(method, target, body=body, headers=headers)
            return _read_reply(connection)
        except (OSError, http.client.HTTPException) as error:
            self._connections.drop(parts)
            if reused and not isinstance(error, TimeoutError):
                # The server closed the idle keep-alive connection; that is no failure of ours.
                return self._exchange(method, url, body, content_type)
            raise

    def _headers_for(self, content_type: str | None) -> dict[str, str]:
        if content_type is None:
            return dict(self._headers)
        return {**self._headers, "Content-Type": content_type}

    def _pause(self, attempt: int, wait: float | None, problem: str, what: str) -> None:
        """Sleep before the next attempt, or give up when attempts or patience run out."""
        if attempt + 1 >= self.retry.attempts:
            message = (
                f"{self.service} kept failing {what} ({problem}) after {self.retry.attempts} "
                "attempts; try again later (a re-run resumes where this one stopped)"
            )
            raise TemporaryFailure(self.scrub(message))
        delay = self.retry.backoff(attempt) if wait is None else wait
        if delay > self.retry.longest_wait:
            message = (
                f"{self.service}'s rate limit for this token allows {what} again in "
                f"{delay / 60:.0f} minutes; try again then (a re-run resumes where this one "
                "stopped)"
            )
            raise RateLimitTooLong(self.scrub(message), 403)
        self.retry.sleep(delay)


def _read_reply(connection: http.client.HTTPConnection) -> Reply:
    response = connection.getresponse()
    return Reply(response.status, response.headers, response.read())
