"""The failures the Hugging Face Hub answers instead of a resource, in the shape its client reads.

The Hub says what went wrong twice: an ``X-Error-Code`` header that ``huggingface_hub`` turns into
its exception classes (``RepoNotFound``, ``RevisionNotFound``, ``EntryNotFound``), and a JSON body
``{"error": "..."}`` (with ``X-Error-Message``) whose text the client puts in the message. Part of
the Hub stand-in that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JsonObject = dict[str, Any]


class HubError(Exception):
    """A failure the Hub answers instead of the resource: status, message, error code."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})

    def answer_headers(self) -> dict[str, str]:
        """The headers the Hub sends with this error, besides the JSON body."""
        headers = {"X-Error-Message": self.message} | self.headers
        if self.code is not None:
            headers["X-Error-Code"] = self.code
        return headers


def repo_not_found(repo_id: str) -> HubError:
    """No such repository (or one the caller may not see: the Hub does not tell them apart)."""
    return HubError(404, f"Repository {repo_id} not found", "RepoNotFound")


def revision_not_found(revision: str) -> HubError:
    """The repository exists, the branch, tag or commit does not."""
    return HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")


def entry_not_found(path: str, commit: str) -> HubError:
    """The revision exists, the file does not; the Hub still names the commit it looked in."""
    return HubError(
        404, f"Entry not found: {path}", "EntryNotFound", headers={"X-Repo-Commit": commit}
    )


def bad_request(message: str) -> HubError:
    """A request the Hub refuses as malformed."""
    return HubError(400, message)
