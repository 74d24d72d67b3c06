"""The GitHub REST adapter (releases, and the Actions runs a release waits for): the only
module that speaks to GitHub, over the HTTP transport (``ml_publish.transport``: proxies,
retries, rate limits, streamed uploads).

Every request carries the token, GitHub's media type and API version. Uploads are not retried:
a failed upload leaves a ``starter`` asset holding the name, so the caller must clean it up
before trying again and gets a ``TransientFailure`` to do so. The token never appears in an
error message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from ml_publish.errors import UsageError
from ml_publish.transport.connections import Progress
from ml_publish.transport.failures import HttpFailure, RateLimitTooLong, TemporaryFailure
from ml_publish.transport.session import HttpSession, Reply, RetryPolicy, rate_limit_wait

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
MEDIA_TYPE = "application/vnd.github+json"
GITHUB_HEADERS = {"Accept": MEDIA_TYPE, "X-GitHub-Api-Version": API_VERSION}
NO_TOKEN = "no GitHub token: set GH_TOKEN or GITHUB_TOKEN (it needs contents: write)"
PER_PAGE = 100
# GitHub's advice when a secondary rate limit names no time: wait at least a minute.
SECONDARY_RATE_LIMIT_WAIT = 60.0


class GitHubError(HttpFailure):
    """GitHub refused or kept failing a request; the message says what to do next."""


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
        token = token or find_token()
        self._session = HttpSession(
            "GitHub",
            headers={"Authorization": f"Bearer {token}", **GITHUB_HEADERS},
            secret=token,
            retry=self.retry,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            rate_limit=github_rate_limit_wait,
        )
        self._releases = f"{self.api_url}/repos/{repository}/releases"
        self._runs = f"{self.api_url}/repos/{repository}/actions/runs"

    def __repr__(self) -> str:  # the default would show the token
        return f"GitHubClient({self.repository!r}, api_url={self.api_url!r})"

    @property
    def read_timeout(self) -> float:
        """Seconds each read of an answer may wait; a change counts from the next connection."""
        return self._session.read_timeout

    @read_timeout.setter
    def read_timeout(self, seconds: float) -> None:
        self._session.read_timeout = seconds

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    def get_release_by_tag(self, tag: str) -> Release | None:
        """The published release for ``tag``, or None (GitHub does not find drafts by tag)."""
        return self._release_or_none(f"{self._releases}/tags/{quote(tag, safe='')}", tag)

    def get_release(self, release_id: int) -> Release | None:
        """The release with this id, draft or not, or None if it is gone."""
        return self._release_or_none(f"{self._releases}/{release_id}", str(release_id))

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
        with _as_github_errors():
            reply = self._session.upload(
                url, path, what=what, span=(offset, length), on_progress=on_progress
            )
        return Asset.from_json(self._expect(reply, 201, what))

    def _release_or_none(self, url: str, which: str) -> Release | None:
        reply = self._call("GET", url)
        if reply.status == 404:
            return None
        return Release.from_json(self._expect(reply, 200, f"reading release {which}"))

    def _pages(
        self, url: str, what: str, query: dict[str, str] | None = None, key: str | None = None
    ) -> Iterator[Any]:
        """The items of every page of a list endpoint, following GitHub's ``Link`` header.

        Most lists are a JSON array; some (Actions runs) are an object holding it under ``key``.
        """
        next_url: str | None = f"{url}?{urlencode({**(query or {}), 'per_page': self.per_page})}"
        while next_url is not None:
            reply = self._call("GET", next_url)
            body = self._expect(reply, 200, f"listing {what}")
            items = body.get(key) if key is not None and isinstance(body, dict) else body
            if not isinstance(items, list):
                raise GitHubError(f"GitHub answered listing {what} with something not a list")
            yield from items
            next_url = reply.next_page(url)

    def _call(self, method: str, url: str, payload: dict[str, object] | None = None) -> Reply:
        """One API request, retried through transient failures and rate limits."""
        body = None if payload is None else json.dumps(payload).encode()
        content_type = None if body is None else "application/json"
        with _as_github_errors():
            return self._session.request(method, url, body, content_type)

    def _expect(self, reply: Reply, status: int, what: str) -> Any:
        """The parsed body of a reply with the ``status`` expected, or the error GitHub gave."""
        if reply.status == status:
            try:
                return reply.json()
            except ValueError:
                raise GitHubError(f"GitHub answered {what} with a body that is not JSON") from None
        message = self._session.scrub(reply.message)
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
            parsed = reply.json_or_none()
            errors = parsed.get("errors", []) if isinstance(parsed, dict) else []
            details = "; ".join(_error_text(error) for error in errors) or message
            raise ValidationFailed(
                self._session.scrub(f"GitHub refused {what}: {details}"), message, list(errors)
            )
        raise GitHubError(f"GitHub answered {reply.status} {message} to {what}", reply.status)


def github_rate_limit_wait(reply: Reply, clock: Callable[[], float]) -> float | None:
    """The wait GitHub asks for: the transport's reading of ``Retry-After`` and the
    ``x-ratelimit-*`` headers, and a minute for a 403 that names a secondary rate limit."""
    wait = rate_limit_wait(reply, clock)
    if wait is None and reply.status == 403 and "secondary rate limit" in reply.message.lower():
        return SECONDARY_RATE_LIMIT_WAIT
    return wait


@contextmanager
def _as_github_errors() -> Iterator[None]:
    """The transport's failures as GitHub's errors; their messages already name GitHub."""
    try:
        yield
    except RateLimitTooLong as error:
        raise RateLimited(str(error), error.status) from None
    except TemporaryFailure as error:
        raise TransientFailure(str(error), error.status) from None
    except HttpFailure as error:
        raise GitHubError(str(error), error.status) from None


def _error_text(error: Any) -> str:
    if not isinstance(error, dict):
        return str(error)
    if isinstance(error.get("message"), str):
        return str(error["message"])
    return " ".join(str(error.get(key, "")) for key in ("field", "code")).strip()
