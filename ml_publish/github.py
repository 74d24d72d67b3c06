"""The GitHub REST adapter (releases, and the Actions runs a release waits for): the only
module that speaks to GitHub.

Every request carries the token, GitHub's media type and API version. Transient failures (5xx,
dropped connections, timeouts) are retried with bounded exponential backoff and rate limits are
waited out, except for uploads: a failed upload leaves a ``starter`` asset holding the name, so
the caller must clean it up before trying again and gets a ``TransientFailure`` to do so.
The token never appears in an error message.

The transport is ``http.client``, by hand, rather than urllib3 (which twine brings along):
an upload is ``sendfile(2)`` straight from the page cache to the socket on plain HTTP and
16 MiB blocks through TLS, which keeps ``benchmarks/upload.py`` at curl's pace with one block of
memory, and proxies cost a few lines here because ``http.client`` already speaks ``CONNECT``
(``set_tunnel``): which proxy, and which CA certificates, come from ``ml_publish.network``.
With urllib3 the same needs would be its pool and proxy managers, its own timeout, retry and
body-streaming objects around a copy loop we would still tune, and ``NO_PROXY`` done by hand
anyway (urllib3 reads no environment): more code, not less, for the same behaviour.
"""

from __future__ import annotations

import http.client
import io
import itertools
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import SplitResult, quote, urlencode, urlsplit

from ml_publish import __version__
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.transport import network

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
MEDIA_TYPE = "application/vnd.github+json"
USER_AGENT = f"ml-publish/{__version__}"
NO_TOKEN = "no GitHub token: set GH_TOKEN or GITHUB_TOKEN (it needs contents: write)"
PER_PAGE = 100
# Large blocks keep a 2 GB upload to a few hundred system calls; memory stays at one block.
UPLOAD_BLOCK = 16 * 1024 * 1024
# GitHub's advice when a secondary rate limit names no time: wait at least a minute.
SECONDARY_RATE_LIMIT_WAIT = 60.0
NEXT_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
Progress = Callable[[int], None]


class GitHubError(OperationFailed):
    """GitHub refused or kept failing a request; the message says what to do next."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientFailure(GitHubError):
    """A request failed in a way that may pass on a later try (5xx, dropped connection, timeout)."""


class RateLimited(GitHubError):
    """GitHub's rate limit for this token resets later than a run is willing to wait."""


class ValidationFailed(GitHubError):
    """GitHub answered 422: the request was understood but refused (name taken, too large, ...)."""

    def __init__(self, message: str, github_message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message, 422)
        self.github_message = github_message
        self.errors = errors

    @property
    def already_exists(self) -> bool:
        """Whether the refusal is only that the name is taken (by an asset or a starter)."""
        return any(error.get("code") == "already_exists" for error in self.errors)


@dataclass(frozen=True)
class Asset:
    """A release asset as GitHub lists it; ``state`` is "uploaded" once all bytes arrived."""

    id: int
    name: str
    state: str
    size: int
    digest: str | None
    browser_download_url: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Asset:
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            state=str(data["state"]),
            size=int(data["size"]),
            digest=data.get("digest"),
            browser_download_url=str(data["browser_download_url"]),
        )


@dataclass(frozen=True)
class Release:
    """A release as GitHub shows it; drafts have no tag yet and ``untagged-`` download URLs."""

    id: int
    tag_name: str
    draft: bool
    immutable: bool
    upload_url: str
    html_url: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Release:
        return cls(
            id=int(data["id"]),
            tag_name=str(data["tag_name"]),
            draft=bool(data["draft"]),
            immutable=bool(data.get("immutable", False)),
            upload_url=str(data["upload_url"]),
            html_url=str(data["html_url"]),
        )


@dataclass(frozen=True)
class WorkflowRun:
    """One GitHub Actions workflow run as GitHub lists it; ``conclusion`` comes once ``status``
    is "completed". For a tag push, ``head_branch`` is the tag's name."""

    id: int
    name: str | None
    path: str
    head_branch: str | None
    head_sha: str
    event: str
    status: str
    conclusion: str | None
    html_url: str
    run_number: int
    run_attempt: int
    created_at: str
    updated_at: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WorkflowRun:
        return cls(
            id=int(data["id"]),
            name=data.get("name"),
            path=str(data["path"]),
            head_branch=data.get("head_branch"),
            head_sha=str(data["head_sha"]),
            event=str(data["event"]),
            status=str(data["status"]),
            conclusion=data.get("conclusion"),
            html_url=str(data["html_url"]),
            run_number=int(data["run_number"]),
            run_attempt=int(data.get("run_attempt", 1)),
            created_at=str(data["created_at"]),
            updated_at=str(data["updated_at"]),
        )

    @property
    def workflow_file(self) -> str:
        """``path`` without the ``@ref`` that GitHub's reference examples show after it."""
        return self.path.partition("@")[0]


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


def resolve_api_url(explicit: str | None = None) -> str:
    """The API root: ``explicit``, else ``GITHUB_API_URL`` (set in Actions), else GitHub's."""
    return (explicit or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")


def find_token() -> str:
    """``GH_TOKEN``, then ``GITHUB_TOKEN``, then what ``gh auth token`` prints, if gh is here."""
    for variable in ("GH_TOKEN", "GITHUB_TOKEN"):
        token = os.environ.get(variable, "").strip()
        if token:
            return token
    gh = shutil.which("gh")
    if gh is not None:
        try:
            result = subprocess.run(
                [gh, "auth", "token"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            result = None
        if result is not None and result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    raise UsageError(NO_TOKEN)


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def message(self) -> str:
        """GitHub's ``message`` for an error, or the raw start of an unexpected body."""
        try:
            parsed = self.json()
        except ValueError:
            parsed = None
        if isinstance(parsed, dict) and isinstance(parsed.get("message"), str):
            return str(parsed["message"])
        return self.body[:200].decode("utf-8", "replace").strip() or "no message"


class _Connections:
    """One keep-alive connection per origin, with separate connect and read timeouts, through
    the proxy the environment names: HTTPS in a ``CONNECT`` tunnel, plain HTTP asked of the
    proxy with the whole URL as the request target."""

    def __init__(self, connect_timeout: float, read_timeout: float) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._open: dict[tuple[str, str], http.client.HTTPConnection] = {}
        # Plain-HTTP origins reached through a proxy, which needs the whole URL in each request.
        self._relayed: dict[tuple[str, str], network.Proxy] = {}

    def get(self, url: SplitResult) -> tuple[http.client.HTTPConnection, bool]:
        """A connected connection to ``url``'s origin, and whether it was used before."""
        key = (url.scheme, url.netloc)
        connection = self._open.get(key)
        if connection is not None and connection.sock is not None:
            return connection, True
        proxy = network.proxy_for(url.geturl())
        address = url.netloc if proxy is None else proxy.address
        if url.scheme == "https":
            connection = http.client.HTTPSConnection(
                address, timeout=self.connect_timeout, context=network.tls_context()
            )
            if proxy is not None:
                connection.set_tunnel(url.hostname or "", url.port, headers=proxy.headers)
        else:
            connection = http.client.HTTPConnection(address, timeout=self.connect_timeout)
            if proxy is not None:
                self._relayed[key] = proxy
        try:
            connection.connect()
        except ssl.SSLCertVerificationError as error:
            connection.close()
            raise GitHubError(network.untrusted(error, url.netloc)) from None
        except OSError as error:
            connection.close()
            if proxy is None or isinstance(error, ssl.SSLError):  # TLS with the server failed
                raise
            raise network.tunnel_failure(error, proxy, url.netloc) from None
        assert connection.sock is not None
        connection.sock.settimeout(self.read_timeout)
        self._open[key] = connection
        return connection, False

    def target(self, url: SplitResult) -> tuple[str, dict[str, str]]:
        """The request target for ``url`` on its connection, and the proxy's headers if any."""
        proxy = self._relayed.get((url.scheme, url.netloc))
        if proxy is not None:
            return url.geturl(), proxy.headers
        return url.path + (f"?{url.query}" if url.query else ""), {}

    def drop(self, url: SplitResult) -> None:
        connection = self._open.pop((url.scheme, url.netloc), None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for connection in self._open.values():
            connection.close()
        self._open.clear()


class GitHubClient:
    """One repository's releases and Actions runs, as the token (``GH_TOKEN``, ...) sees them.

    Use it as a context manager so its keep-alive connections are closed.
    """

    def __init__(
        self,
        repository: str,
        *,
        api_url: str | None = None,
        token: str | None = None,
        retry: RetryPolicy | None = None,
        connect_timeout: float = 30,
        read_timeout: float = 300,
        per_page: int = PER_PAGE,
    ) -> None:
        self.repository = repository
        self.api_url = resolve_api_url(api_url)
        self.retry = retry or RetryPolicy()
        self.per_page = per_page
        self._token = token or find_token()
        self._connections = _Connections(connect_timeout, read_timeout)
        self._releases = f"{self.api_url}/repos/{repository}/releases"
        self._runs = f"{self.api_url}/repos/{repository}/actions/runs"

    def __repr__(self) -> str:  # the default would show the token
        return f"GitHubClient({self.repository!r}, api_url={self.api_url!r})"

    @property
    def read_timeout(self) -> float:
        """Seconds each read of an answer may wait; a change counts from the next connection."""
        return self._connections.read_timeout

    @read_timeout.setter
    def read_timeout(self, seconds: float) -> None:
        self._connections.read_timeout = seconds

    def __enter__(self) -> GitHubClient:
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

    def get_release_by_tag(self, tag: str) -> Release | None:
        """The published release for ``tag``, or None (GitHub does not find drafts by tag)."""
        reply = self._call("GET", f"{self._releases}/tags/{quote(tag, safe='')}")
        if reply.status == 404:
            return None
        return Release.from_json(self._expect(reply, 200, f"reading release {tag}"))

    def get_release(self, release_id: int) -> Release | None:
        """The release with this id, draft or not, or None if it is gone."""
        reply = self._call("GET", f"{self._releases}/{release_id}")
        if reply.status == 404:
            return None
        return Release.from_json(self._expect(reply, 200, f"reading release {release_id}"))

    def list_releases(self) -> list[Release]:
        """Every release, drafts included (with push access), newest first, all pages."""
        return [Release.from_json(item) for item in self._pages(self._releases, "releases")]

    def create_release(
        self, tag: str, *, draft: bool = True, name: str | None = None, body: str | None = None
    ) -> Release:
        """A new release for ``tag``; as a draft it stays invisible until published."""
        fields: dict[str, object] = {"tag_name": tag, "name": name or tag, "draft": draft}
        if body:
            fields["body"] = body
        reply = self._call("POST", self._releases, fields)
        return Release.from_json(self._expect(reply, 201, f"creating release {tag}"))

    def update_release(self, release_id: int, **fields: object) -> Release:
        """Change a release, e.g. ``draft=False`` to publish it."""
        reply = self._call("PATCH", f"{self._releases}/{release_id}", dict(fields))
        return Release.from_json(self._expect(reply, 200, f"updating release {release_id}"))

    def list_assets(self, release_id: int) -> list[Asset]:
        """Every asset of the release, starters included, all pages."""
        url = f"{self._releases}/{release_id}/assets"
        return [Asset.from_json(item) for item in self._pages(url, "release assets")]

    def list_workflow_runs(
        self, *, branch: str | None = None, event: str | None = None
    ) -> list[WorkflowRun]:
        """The repository's Actions runs, newest first, all pages; ``branch`` also takes a tag."""
        query = {key: value for key, value in (("branch", branch), ("event", event)) if value}
        pages = self._pages(self._runs, "workflow runs", query, key="workflow_runs")
        return [WorkflowRun.from_json(item) for item in pages]

    def delete_release(self, release_id: int) -> None:
        """Delete a release and its assets (the tag, if any, stays)."""
        reply = self._call("DELETE", f"{self._releases}/{release_id}")
        self._expect(reply, 204, f"deleting release {release_id}")

    def delete_asset(self, asset_id: int) -> None:
        reply = self._call("DELETE", f"{self._releases}/assets/{asset_id}")
        self._expect(reply, 204, f"deleting asset {asset_id}")

    def rename_asset(self, asset_id: int, name: str) -> Asset:
        reply = self._call("PATCH", f"{self._releases}/assets/{asset_id}", {"name": name})
        return Asset.from_json(self._expect(reply, 200, f"renaming asset {asset_id} to {name}"))

    def upload_asset(
        self,
        upload_url: str,
        path: Path,
        name: str,
        *,
        offset: int = 0,
        length: int | None = None,
        on_progress: Progress | None = None,
    ) -> Asset:
        """Stream ``path`` (or ``length`` bytes of it from ``offset``: one part of a file too
        large for one asset) to the release's ``upload_url`` as asset ``name``.

        Rate limits are waited out here (GitHub refuses those before claiming the name); any
        other transient failure raises ``TransientFailure`` for the caller to clean up after.
        """
        url = upload_url.split("{", 1)[0] + "?" + urlencode({"name": name})
        what = f"uploading {name}"
        for attempt in itertools.count():
            try:
                reply = self._send_file(url, path, (offset, length), on_progress)
            except (OSError, http.client.HTTPException) as error:
                raise TransientFailure(self._scrub(f"{what} failed: {_describe(error)}")) from None
            wait = self._rate_limit_wait(reply)
            if wait is None:
                break
            self._pause(attempt, wait, f"{reply.status} {reply.message}", what)
        if reply.status >= 500:
            message = f"GitHub answered {reply.status} {reply.message} while {what}"
            raise TransientFailure(self._scrub(message), reply.status)
        return Asset.from_json(self._expect(reply, 201, what))

    def _send_file(
        self,
        url: str,
        path: Path,
        span: tuple[int, int | None],
        on_progress: Progress | None,
    ) -> _Reply:
        parts = urlsplit(url)
        # A fresh connection: a keep-alive one gone stale would fail only after the headers.
        self._connections.drop(parts)
        connection, _ = self._connections.get(parts)
        offset, length = span
        try:
            with path.open("rb") as source:
                size = os.fstat(source.fileno()).st_size - offset if length is None else length
                target, proxy_headers = self._connections.target(parts)
                connection.putrequest("POST", target)
                headers = self._headers("application/octet-stream") | proxy_headers
                headers["Content-Length"] = str(size)
                for header, value in headers.items():
                    connection.putheader(header, value)
                connection.endheaders()
                assert connection.sock is not None
                try:
                    _send_body(connection.sock, source, offset, size, on_progress)
                except OSError:
                    # GitHub may refuse (422, 401) and hang up before reading the whole body;
                    # its answer says more than the broken pipe does, if it sent one.
                    early = self._read_reply(connection)
                    self._connections.drop(parts)
                    return early
            return self._read_reply(connection)
        except BaseException:
            self._connections.drop(parts)
            raise

    @staticmethod
    def _read_reply(connection: http.client.HTTPConnection) -> _Reply:
        response = connection.getresponse()
        return _Reply(response.status, response.headers, response.read())

    def _headers(self, content_type: str | None = None) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Accept": MEDIA_TYPE,
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": USER_AGENT,
        }
        if content_type is not None:
            headers["Content-Type"] = content_type
        return headers

    def _pages(
        self, url: str, what: str, query: dict[str, str] | None = None, key: str | None = None
    ) -> Iterator[Any]:
        """The items of every page of a list endpoint, following GitHub's ``Link`` header.

        Most lists are a JSON array; some (Actions runs) are an object holding it under ``key``.
        """
        next_url: str | None = f"{url}?{urlencode({**(query or {}), 'per_page': self.per_page})}"
        origin = urlsplit(url)[:2]
        while next_url is not None:
            reply = self._call("GET", next_url)
            body = self._expect(reply, 200, f"listing {what}")
            items = body.get(key) if key is not None and isinstance(body, dict) else body
            if not isinstance(items, list):
                raise GitHubError(f"GitHub answered listing {what} with something not a list")
            yield from items
            found = NEXT_LINK.search(reply.headers.get("Link", ""))
            # The token goes only where it came from.
            next_url = found[1] if found and urlsplit(found[1])[:2] == origin else None

    def _call(self, method: str, url: str, payload: dict[str, object] | None = None) -> _Reply:
        """One API request, retried through transient failures and rate limits."""
        body = None if payload is None else json.dumps(payload).encode()
        content_type = None if body is None else "application/json"
        what = f"{method} {urlsplit(url).path}"
        for attempt in itertools.count():
            try:
                reply = self._exchange(method, url, body, content_type)
            except (OSError, http.client.HTTPException) as error:
                wait, problem = None, _describe(error)
            else:
                wait = self._rate_limit_wait(reply)
                if wait is None and reply.status < 500:
                    return reply
                problem = f"{reply.status} {reply.message}"
            self._pause(attempt, wait, problem, what)
        raise AssertionError("unreachable")

    def _exchange(
        self, method: str, url: str, body: bytes | None, content_type: str | None
    ) -> _Reply:
        parts = urlsplit(url)
        connection, reused = self._connections.get(parts)
        target, proxy_headers = self._connections.target(parts)
        try:
            headers = self._headers(content_type) | proxy_headers
            connection.request(method, target, body=body, headers=headers)
            return self._read_reply(connection)
        except (OSError, http.client.HTTPException) as error:
            self._connections.drop(parts)
            if reused and not isinstance(error, TimeoutError):
                # The server closed the idle keep-alive connection; that is no failure of ours.
                return self._exchange(method, url, body, content_type)
            raise

    def _rate_limit_wait(self, reply: _Reply) -> float | None:
        """Seconds GitHub asks us to wait before trying again, or None if it is no rate limit."""
        if reply.status not in (403, 429):
            return None
        retry_after = reply.headers.get("Retry-After", "").strip()
        if retry_after.isdigit():
            return float(retry_after)
        reset = reply.headers.get("x-ratelimit-reset", "").strip()
        if reply.headers.get("x-ratelimit-remaining", "").strip() == "0" and reset.isdigit():
            # The reset time is whole seconds; one more second makes sure it has passed.
            return max(float(reset) - self.retry.clock(), 0.0) + 1
        if reply.status == 429 or "secondary rate limit" in reply.message.lower():
            return SECONDARY_RATE_LIMIT_WAIT
        return None

    def _pause(self, attempt: int, wait: float | None, problem: str, what: str) -> None:
        """Sleep before the next attempt, or give up when attempts or patience run out."""
        if attempt + 1 >= self.retry.attempts:
            message = (
                f"GitHub kept failing {what} ({problem}) after {self.retry.attempts} attempts; "
                "try again later (a re-run resumes where this one stopped)"
            )
            raise TransientFailure(self._scrub(message))
        delay = self.retry.backoff(attempt) if wait is None else wait
        if delay > self.retry.longest_wait:
            message = (
                f"GitHub's rate limit for this token allows {what} again in {delay / 60:.0f} "
                "minutes; try again then (a re-run resumes where this one stopped)"
            )
            raise RateLimited(self._scrub(message), 403)
        self.retry.sleep(delay)

    def _expect(self, reply: _Reply, status: int, what: str) -> Any:
        """The parsed body of a reply with the ``status`` expected, or the error GitHub gave."""
        if reply.status == status:
            try:
                return reply.json()
            except ValueError:
                raise GitHubError(f"GitHub answered {what} with a body that is not JSON") from None
        message = self._scrub(reply.message)
        if reply.status in (401, 403):
            raise GitHubError(
                f"GitHub refused {what} in {self.repository} ({reply.status} {message}): the "
                "token is missing or lacks contents: write; set GH_TOKEN or GITHUB_TOKEN to a "
                "token that has it",
                reply.status,
            )
        if reply.status == 404:
            raise GitHubError(
                f"GitHub found nothing for {what} (404): check that {self.repository} exists "
                "and the token can see it",
                404,
            )
        if reply.status == 422:
            try:
                parsed = reply.json()
            except ValueError:
                parsed = None
            errors = parsed.get("errors", []) if isinstance(parsed, dict) else []
            details = "; ".join(_error_text(error) for error in errors) or message
            raise ValidationFailed(
                self._scrub(f"GitHub refused {what}: {details}"), message, list(errors)
            )
        raise GitHubError(f"GitHub answered {reply.status} {message} to {what}", reply.status)

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text


def _send_body(
    sock: socket.socket,
    source: io.BufferedReader,
    offset: int,
    size: int,
    on_progress: Progress | None,
) -> None:
    """Send ``size`` bytes of ``source`` from ``offset``: zero-copy on plain TCP, large blocks
    through TLS."""
    sent = 0
    if isinstance(sock, ssl.SSLSocket):
        buffer = bytearray(UPLOAD_BLOCK)
        view = memoryview(buffer)
        source.seek(offset)
        while sent < size and (read := source.readinto(view[: min(UPLOAD_BLOCK, size - sent)])):
            sock.sendall(view[:read])
            sent += read
            if on_progress is not None:
                on_progress(read)
    else:
        while sent < size:
            count = sock.sendfile(source, offset + sent, min(UPLOAD_BLOCK, size - sent))
            if count == 0:
                break
            sent += count
            if on_progress is not None:
                on_progress(count)
    if sent != size:
        raise OperationFailed(f"{source.name} changed while it was being uploaded; upload it again")


def _error_text(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    if isinstance(error.get("message"), str):
        return str(error["message"])
    return " ".join(str(error.get(key, "")) for key in ("field", "code")).strip()


def _describe(error: BaseException) -> str:
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
