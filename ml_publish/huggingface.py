"""The Hugging Face Hub: the only module that speaks to it, and only through ``huggingface_hub``.

The library the Hub maintains does the protocol (preupload, LFS single and multipart uploads,
the commit, tags, paths-info); this module asks it for the few things a release needs and turns
its errors into one line each. The endpoint is ``HF_ENDPOINT`` (the library's own variable, a
sandbox's stand-in) or huggingface.co; the token is the library's (``HF_TOKEN``, then the login
``hf auth login`` stored, or a Trusted Publishers OIDC exchange when ``HF_OIDC_RESOURCE`` is set)
and never appears in any message: errors are scrubbed of it before they are raised.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml_publish.errors import OperationFailed, UsageError

DEFAULT_ENDPOINT = "https://huggingface.co"
# Whose exceptions a Hub request may raise besides OSError (httpx's are not OSErrors; the
# library's transport may be httpx or its successor httpx2, with httpcore or httpcore2).
LIBRARY_MODULES = ("httpx", "httpcore", "huggingface_hub")
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*\Z")
INSTALL_HINT = 'pip install "ml-publish[hf]"'
TOKEN_HINT = (
    "set HF_TOKEN to a write token (https://huggingface.co/settings/tokens) or run hf auth login"
)


class HubRefused(UsageError):
    """The Hub refused the request as asked (no such repository, a token without write access)."""


class HubFailed(OperationFailed):
    """The Hub or the connection to it failed; running the same command again resumes."""


@dataclass(frozen=True)
class HubFile:
    """A file in a Hub repository at a revision: its size and, when stored with LFS, its sha256."""

    path: str
    size: int
    sha256: str | None
    blob_id: str


def endpoint() -> str:
    """Where the Hub is: ``HF_ENDPOINT`` (a mirror, a sandbox) or huggingface.co."""
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def resolve_url(repo_id: str, revision: str, path: str, *, server: str | None = None) -> str:
    """The download URL of ``path`` at ``revision``: what the loader fetches from the Hub."""
    quoted = urllib.parse.quote(revision, safe="")
    return f"{server or endpoint()}/{repo_id}/resolve/{quoted}/{urllib.parse.quote(path)}"


def repo_id_problem(repo_id: str) -> str | None:
    """Why ``repo_id`` cannot name a Hub model repository, or ``None``."""
    if REPO_ID.match(repo_id) and ".." not in repo_id:
        return None
    return f'{repo_id!r} is not a Hugging Face Hub repository; write it as "owner/name"'


def library_problem() -> str | None:
    if importlib.util.find_spec("huggingface_hub") is None:
        return f"putting weights on the Hub needs huggingface_hub, not installed: {INSTALL_HINT}"
    return None


def find_token() -> str | None:
    """The token huggingface_hub would send: HF_TOKEN, the stored login, or OIDC in CI."""
    from huggingface_hub import get_token

    try:
        return get_token()
    except Exception as error:  # OIDC asked for (HF_OIDC_RESOURCE) and the exchange failed
        raise HubRefused(f"no Hugging Face token: {one_line(error)}; {TOKEN_HINT}") from None


def token_problem() -> str | None:
    """What is missing for the Hub to accept uploads from here, or ``None``; never the token."""
    missing = library_problem()
    if missing:
        return missing
    try:
        found = find_token()
    except HubRefused as refused:
        return str(refused)
    return None if found else f"no Hugging Face token found: {TOKEN_HINT}"


def follow_environment() -> None:
    """Apply ``HF_HUB_DISABLE_XET`` as it is now: the library reads it once, on import, and a
    sandbox sets it later (its Hub stand-in speaks LFS only, as the Hub still does)."""
    from huggingface_hub import constants

    value = os.environ.get("HF_HUB_DISABLE_XET")
    if value is not None:
        constants.HF_HUB_DISABLE_XET = value.strip().lower() in ("1", "on", "true", "yes")


def git_blob_id(data: bytes) -> str:
    """The git blob id of ``data``: what the Hub reports for a file not stored with LFS."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def one_line(error: BaseException, secret: str | None = None) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text.replace(secret, "***") if secret else text


class HubRepository:
    """One model repository on the Hub, spoken to with the token found for it."""

    def __init__(self, repo_id: str, *, token: str | None = None, server: str | None = None):
        problem = library_problem() or repo_id_problem(repo_id)
        if problem:
            raise UsageError(problem)
        from huggingface_hub import HfApi
        from huggingface_hub.utils.tqdm import disable_progress_bars

        disable_progress_bars()  # ml-publish draws its own progress; nothing on a pipe
        follow_environment()
        self.repo_id = repo_id
        self.server = server or endpoint()
        self._token = token if token is not None else find_token()
        if not self._token:
            raise UsageError(f"no Hugging Face token found: {TOKEN_HINT}")
        self._api = HfApi(endpoint=self.server, token=self._token)

    @contextlib.contextmanager
    def _asking(self, what: str) -> Iterator[None]:
        """Turn the library's failures into one line, the token scrubbed out."""
        from huggingface_hub.errors import HfHubHTTPError

        try:
            yield
        except HfHubHTTPError as error:
            status = error.response.status_code
            detail = one_line(error, self._token).split(" (Request ID")[0]
            if status in (401, 403, 404):
                raise HubRefused(
                    f"the Hub refused to {what} {self.repo_id} (HTTP {status}): {detail}; the "
                    "token needs write access to it"
                ) from None
            raise HubFailed(
                f"the Hub failed to {what} {self.repo_id}: {detail}; run the same command again, "
                "it resumes"
            ) from None
        except (OSError, ValueError, RuntimeError) as error:
            raise HubFailed(
                f"could not {what} {self.repo_id} on {self.server}: "
                f"{one_line(error, self._token)}; run the same command again, it resumes"
            ) from None
        except Exception as error:  # httpx's transport errors are not OSErrors
            if not type(error).__module__.startswith(LIBRARY_MODULES):
                raise
            raise HubFailed(
                f"could not {what} {self.repo_id} on {self.server}: "
                f"{one_line(error, self._token)}; run the same command again, it resumes"
            ) from None

    def ensure_exists(self) -> None:
        """Create the model repository unless it is there already."""
        with self._asking("create"):
            self._api.create_repo(self.repo_id, repo_type="model", exist_ok=True)

    def tag_commit(self, tag: str) -> str | None:
        """The commit ``tag`` names, or ``None`` when the repository has no such tag."""
        with self._asking("list the tags of"):
            refs = self._api.list_repo_refs(self.repo_id, repo_type="model")
        return next((ref.target_commit for ref in refs.tags if ref.name == tag), None)

    def files(self, paths: list[str], revision: str) -> dict[str, HubFile]:
        """The files among ``paths`` at ``revision``, by path; absent ones are left out."""
        with self._asking("read the files of"):
            infos: list[Any] = self._api.get_paths_info(
                self.repo_id, paths, revision=revision, repo_type="model"
            )
        found = {}
        for info in infos:
            if hasattr(info, "blob_id"):
                sha256 = info.lfs.sha256 if info.lfs is not None else None
                found[info.path] = HubFile(info.path, info.size, sha256, info.blob_id)
        return found

    def commit(
        self,
        files: list[tuple[str, Path | bytes]],
        message: str,
        *,
        known_sha256: dict[str, str] | None = None,
    ) -> str:
        """One commit on ``main`` adding ``files`` (path in the repository, content); its id.

        ``known_sha256`` holds the hex SHA-256 of files the caller has just hashed, by path:
        the library then reads those only to send them (it hashes a file it lacks a digest of).
        """
        from huggingface_hub import CommitOperationAdd

        operations = []
        for path, content in files:
            operation = CommitOperationAdd(path_in_repo=path, path_or_fileobj=content)
            digest = (known_sha256 or {}).get(path)
            # Libraries before the lazy digest (no ``is_hashed``) have hashed the file already.
            lazy = getattr(operation.upload_info, "is_hashed", True) is False
            if digest is not None and lazy:
                operation.upload_info.sha256 = bytes.fromhex(digest)
            operations.append(operation)
        with self._asking("commit to"):
            info: Any = self._api.create_commit(
                self.repo_id, operations, commit_message=message, repo_type="model"
            )
        return str(info.oid)

    def tag(self, tag: str, revision: str, message: str) -> None:
        """Tag ``revision`` as ``tag``; a tag already there is left as it is."""
        with self._asking(f"tag {tag} in"):
            self._api.create_tag(
                self.repo_id,
                tag=tag,
                revision=revision,
                tag_message=message,
                repo_type="model",
                exist_ok=True,
            )

    def delete_tag(self, tag: str) -> None:
        with self._asking(f"delete tag {tag} of"):
            self._api.delete_tag(self.repo_id, tag=tag, repo_type="model")
