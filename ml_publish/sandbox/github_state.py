"""GitHub releases, their assets and Actions workflow runs as in-memory data, and the JSON
GitHub shows for them.

Nothing here speaks HTTP: ``github_emulator`` puts these objects behind real sockets. The rules
follow GitHub's observed behaviour, including the surprising parts a client must cope with:
drafts are invisible to the by-tag look-up, several drafts may share one tag, and a failed
upload leaves a ``starter`` asset that keeps its name taken until it is deleted.

Workflow runs are not made by anything here: no workflow runs in the emulator. A test (or a
rehearsal) starts one when it pushes a tag, moves it through its statuses, and re-runs it as a
user would on GitHub; the emulator only lists them.
"""

from __future__ import annotations

import base64
import itertools
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlencode

JsonObject = dict[str, Any]
Item = TypeVar("Item")

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
# The account behind every accepted token; GitHub names it as each release's author and uploader.
USER_LOGIN = "ml-publish-emulator"
USER_ID = 1
IMMUTABLE_UPLOAD_MESSAGE = "Cannot upload assets to an immutable release."
# GitHub's wording for these two is not on record; the status (422) matches the upload refusal.
IMMUTABLE_CHANGE_MESSAGE = "Cannot modify or delete assets of an immutable release."
IMMUTABLE_RELEASE_MESSAGE = "Only the title and notes of an immutable release can be changed."
# A run's statuses and conclusions, as the workflow-runs reference lists them.
RUN_STATUSES = ("requested", "queued", "pending", "waiting", "in_progress", "completed")
RUN_CONCLUSIONS = (
    "success",
    "failure",
    "neutral",
    "cancelled",
    "skipped",
    "timed_out",
    "action_required",
    "stale",
    "startup_failure",
)


class ApiError(Exception):
    """A failure GitHub answers instead of the resource: status, message, validation errors."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: Sequence[JsonObject] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = list(errors)
        self.headers = dict(headers or {})


def not_found() -> ApiError:
    """GitHub's answer for anything missing or not visible to the caller."""
    return ApiError(404, "Not Found")


def validation_failed(
    resource: str, code: str, field_name: str, message: str | None = None
) -> ApiError:
    """A 422 in GitHub's validation-error shape, naming the resource and field at fault."""
    error: JsonObject = {"resource": resource, "code": code, "field": field_name}
    if message is not None:
        error["message"] = message
    return ApiError(422, "Validation Failed", [error])


@dataclass(frozen=True)
class Origins:
    """Where each emulated host listens, e.g. ``http://127.0.0.1:8123``."""

    api_url: str
    uploads_url: str
    server_url: str


@dataclass
class Asset:
    """A file attached to a release; its bytes are in ``file`` once ``state`` is ``uploaded``."""

    id: int
    name: str
    label: str | None
    content_type: str
    file: Path
    created_at: str
    updated_at: str
    state: str = "starter"
    size: int = 0
    digest: str | None = None
    download_count: int = 0


@dataclass
class Release:
    """One release of one repository, draft or published."""

    id: int
    owner: str
    repo: str
    tag_name: str
    created_at: str
    updated_at: str
    target_commitish: str = "main"
    name: str | None = None
    body: str | None = None
    draft: bool = True
    prerelease: bool = False
    published_at: str | None = None
    immutable: bool = False
    # A draft owns no tag yet, so GitHub files its page and downloads under a random name.
    untagged_name: str = field(default_factory=lambda: f"untagged-{secrets.token_hex(10)}")
    assets: list[Asset] = field(default_factory=list)

    @property
    def download_tag(self) -> str:
        """The tag segment of this release's page and download URLs."""
        return self.untagged_name if self.draft else self.tag_name


@dataclass
class WorkflowRun:
    """One run of one workflow file, started by a test as a push to GitHub would start it."""

    id: int
    workflow_id: int
    owner: str
    repo: str
    name: str
    path: str
    head_branch: str
    head_sha: str
    event: str
    run_number: int
    created_at: str
    updated_at: str
    run_started_at: str
    status: str = "queued"
    conclusion: str | None = None
    run_attempt: int = 1


@dataclass(frozen=True)
class Page(Generic[Item]):
    """One page of a list endpoint: its items, its number and the number of the last page."""

    items: list[Item]
    number: int
    last: int


def paginate(items: Sequence[Item], query: Mapping[str, list[str]]) -> Page[Item]:
    """Cut ``items`` into the page that ``per_page`` and ``page`` ask for, as GitHub does."""
    per_page = min(_positive_int(query, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    number = _positive_int(query, "page", 1)
    start = (number - 1) * per_page
    return Page(list(items[start : start + per_page]), number, max(1, -(-len(items) // per_page)))


def link_header(url: str, query: Mapping[str, list[str]], page: Page[Any]) -> str | None:
    """GitHub's ``Link`` header for ``page``: prev, next, last and first, each where it applies."""
    relations: list[tuple[str, int]] = []
    if page.number > 1:
        relations.append(("prev", page.number - 1))
    if page.number < page.last:
        relations += [("next", page.number + 1), ("last", page.last)]
    if page.number > 1:
        relations.append(("first", 1))
    links = []
    for relation, number in relations:
        parameters = {key: values[-1] for key, values in query.items()} | {"page": str(number)}
        links.append(f'<{url}?{urlencode(parameters)}>; rel="{relation}"')
    return ", ".join(links) or None


class GitHubState:
    """Every release the emulator knows, across all repositories, guarded by one lock."""

    def __init__(self, origins: Origins, storage: Path, *, immutable_releases: bool) -> None:
        self.origins = origins
        self.storage = storage
        self.immutable_releases = immutable_releases
        self.lock = threading.RLock()
        self._releases: dict[int, Release] = {}
        # One sequence for releases and assets alike, so a release id sent where an asset id
        # belongs is a 404 instead of a lucky hit on an unrelated object.
        self._ids = itertools.count(1000)
        self._immutable_tags: set[tuple[str, str, str]] = set()
        self._runs: dict[int, WorkflowRun] = {}
        # GitHub gives each workflow file its own id, which all of its runs name.
        self._workflows: dict[tuple[str, str, str], int] = {}

    def releases(self, owner: str, repo: str) -> list[Release]:
        """The repository's releases, drafts included, newest first like GitHub's list."""
        with self.lock:
            found = [r for r in self._releases.values() if (r.owner, r.repo) == (owner, repo)]
        return sorted(found, key=lambda release: release.id, reverse=True)

    def release(self, owner: str, repo: str, release_id: int) -> Release:
        """The release with this id in this repository, or a 404."""
        with self.lock:
            release = self._releases.get(release_id)
        if release is None or (release.owner, release.repo) != (owner, repo):
            raise not_found()
        return release

    def release_by_tag(self, owner: str, repo: str, tag: str) -> Release:
        """The published release for ``tag``; drafts have no tag yet, so GitHub 404s them here."""
        for release in self.releases(owner, repo):
            if not release.draft and release.tag_name == tag:
                return release
        raise not_found()

    def create_release(self, owner: str, repo: str, fields: JsonObject) -> Release:
        """A new release from a create-release request body."""
        tag = fields.get("tag_name")
        if not isinstance(tag, str) or not tag:
            raise validation_failed("Release", "missing_field", "tag_name")
        now = _now()
        with self.lock:
            release = Release(next(self._ids), owner, repo, tag, created_at=now, updated_at=now)
            self._apply({"draft": False, **fields}, release)
            self._releases[release.id] = release
        return release

    def update_release(self, owner: str, repo: str, release_id: int, fields: JsonObject) -> Release:
        """Apply an update-release request body; ``draft: false`` publishes."""
        with self.lock:
            release = self.release(owner, repo, release_id)
            self._apply(fields, release)
        return release

    def delete_release(self, owner: str, repo: str, release_id: int) -> None:
        """Remove a release and its assets' bytes."""
        with self.lock:
            release = self.release(owner, repo, release_id)
            del self._releases[release.id]
        for asset in release.assets:
            asset.file.unlink(missing_ok=True)

    def asset(self, owner: str, repo: str, asset_id: int) -> tuple[Release, Asset]:
        """The asset with this id in this repository, with its release, or a 404."""
        for release in self.releases(owner, repo):
            for asset in release.assets:
                if asset.id == asset_id:
                    return release, asset
        raise not_found()

    def start_upload(
        self,
        owner: str,
        repo: str,
        release_id: int,
        name: str,
        label: str | None,
        content_type: str,
    ) -> tuple[Release, Asset]:
        """Claim ``name`` with a ``starter`` asset, as GitHub does before any bytes arrive."""
        with self.lock:
            release = self.release(owner, repo, release_id)
            if release.immutable:
                raise ApiError(422, IMMUTABLE_UPLOAD_MESSAGE)
            if any(asset.name == name for asset in release.assets):
                raise validation_failed("ReleaseAsset", "already_exists", "name")
            asset_id, now = next(self._ids), _now()
            file = self.storage / str(asset_id)
            asset = Asset(asset_id, name, label, content_type, file, created_at=now, updated_at=now)
            release.assets.append(asset)
        return release, asset

    def finish_upload(self, asset: Asset, size: int, sha256: str) -> None:
        """Mark a starter asset complete once all of its ``size`` bytes are stored."""
        with self.lock:
            asset.state, asset.size, asset.digest = "uploaded", size, f"sha256:{sha256}"
            asset.updated_at = _now()

    def update_asset(
        self, owner: str, repo: str, asset_id: int, fields: JsonObject
    ) -> tuple[Release, Asset]:
        """Rename or relabel an asset from an update-release-asset request body."""
        with self.lock:
            release, asset = self.asset(owner, repo, asset_id)
            if release.immutable:
                raise ApiError(422, IMMUTABLE_CHANGE_MESSAGE)
            name, label = fields.get("name", asset.name), fields.get("label", asset.label)
            if not isinstance(name, str) or not name:
                raise validation_failed("ReleaseAsset", "invalid", "name")
            if label is not None and not isinstance(label, str):
                raise validation_failed("ReleaseAsset", "invalid", "label")
            if any(other.name == name and other is not asset for other in release.assets):
                raise validation_failed("ReleaseAsset", "already_exists", "name")
            asset.name, asset.label, asset.updated_at = name, label, _now()
        return release, asset

    def delete_asset(self, owner: str, repo: str, asset_id: int) -> None:
        """Remove an asset, starter or uploaded, and its bytes."""
        with self.lock:
            release, asset = self.asset(owner, repo, asset_id)
            if release.immutable:
                raise ApiError(422, IMMUTABLE_CHANGE_MESSAGE)
            release.assets.remove(asset)
        asset.file.unlink(missing_ok=True)

    def download(self, owner: str, repo: str, tag: str, name: str) -> Asset:
        """The uploaded asset a published release's download URL names, counting the download."""
        with self.lock:
            for asset in self.release_by_tag(owner, repo, tag).assets:
                if asset.name == name and asset.state == "uploaded":
                    asset.download_count += 1
                    return asset
        raise not_found()

    def start_workflow_run(
        self,
        owner: str,
        repo: str,
        *,
        head_branch: str,
        head_sha: str,
        name: str = "Release",
        path: str = ".github/workflows/release.yml",
        event: str = "push",
    ) -> WorkflowRun:
        """A queued run of ``path``, as a push of ``head_branch`` (a tag's name, for a tag
        push) at commit ``head_sha`` starts one on GitHub."""
        now = _now()
        with self.lock:
            if (owner, repo, path) not in self._workflows:
                self._workflows[owner, repo, path] = next(self._ids)
            workflow_id = self._workflows[owner, repo, path]
            number = 1 + sum(run.workflow_id == workflow_id for run in self._runs.values())
            run = WorkflowRun(
                id=next(self._ids),
                workflow_id=workflow_id,
                owner=owner,
                repo=repo,
                name=name,
                path=path,
                head_branch=head_branch,
                head_sha=head_sha,
                event=event,
                run_number=number,
                created_at=now,
                updated_at=now,
                run_started_at=now,
            )
            self._runs[run.id] = run
        return run

    def update_workflow_run(
        self, run: WorkflowRun, status: str, conclusion: str | None = None
    ) -> WorkflowRun:
        """Move ``run`` to ``status``; a "completed" run needs its ``conclusion``, others none."""
        if status not in RUN_STATUSES:
            raise ValueError(f"a workflow run's status is one of {RUN_STATUSES}, not {status!r}")
        if (status == "completed") != (conclusion in RUN_CONCLUSIONS):
            raise ValueError(f"a {status} run cannot have the conclusion {conclusion!r}")
        with self.lock:
            run.status, run.conclusion, run.updated_at = status, conclusion, _now()
        return run

    def rerun_workflow_run(self, run: WorkflowRun) -> WorkflowRun:
        """Start ``run`` again, as "Re-run all jobs" does: the same run, its next attempt."""
        with self.lock:
            run.run_attempt += 1
            run.status, run.conclusion = "queued", None
            run.run_started_at = run.updated_at = _now()
        return run

    def workflow_runs(
        self, owner: str, repo: str, query: Mapping[str, list[str]]
    ) -> list[WorkflowRun]:
        """The repository's runs newest first, narrowed by the list endpoint's ``branch``,
        ``event``, ``head_sha`` and ``status`` (which matches a status or a conclusion)."""
        wanted = {key: query[key][-1] for key in ("branch", "event", "head_sha") if key in query}
        status = query.get("status", [None])[-1]
        with self.lock:
            runs = [run for run in self._runs.values() if (run.owner, run.repo) == (owner, repo)]
        return [
            run
            for run in sorted(runs, key=lambda run: run.id, reverse=True)
            if all(
                getattr(run, "head_branch" if key == "branch" else key) == value
                for key, value in wanted.items()
            )
            and status in (None, run.status, run.conclusion)
        ]

    def workflow_run_json(self, run: WorkflowRun) -> JsonObject:
        """The run as GitHub lists it: the reference's keys in its order, less the nested
        commit and repository objects, which no client here reads."""
        api = f"{self.origins.api_url}/repos/{run.owner}/{run.repo}"
        url = f"{api}/actions/runs/{run.id}"
        return {
            "id": run.id,
            "name": run.name,
            "node_id": _node_id("WFR", run.id),
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
            "path": run.path,
            "run_number": run.run_number,
            "event": run.event,
            "display_title": run.name,
            "status": run.status,
            "conclusion": run.conclusion,
            "workflow_id": run.workflow_id,
            "url": url,
            "html_url": f"{self.origins.server_url}/{run.owner}/{run.repo}/actions/runs/{run.id}",
            "pull_requests": [],
            "created_at": run.created_at,
            "updated_at": run.updated_at,
            "actor": self.user_json(),
            "run_attempt": run.run_attempt,
            "run_started_at": run.run_started_at,
            "triggering_actor": self.user_json(),
            "jobs_url": f"{url}/jobs",
            "logs_url": f"{url}/logs",
            "artifacts_url": f"{url}/artifacts",
            "cancel_url": f"{url}/cancel",
            "rerun_url": f"{url}/rerun",
            "workflow_url": f"{api}/actions/workflows/{run.workflow_id}",
        }

    def release_json(self, release: Release) -> JsonObject:
        """The release as GitHub renders it, with the same keys in the same order."""
        api = f"{self.origins.api_url}/repos/{release.owner}/{release.repo}"
        uploads = f"{self.origins.uploads_url}/repos/{release.owner}/{release.repo}"
        page = f"{self.origins.server_url}/{release.owner}/{release.repo}/releases/tag/"
        # Drafts have no tag to archive yet.
        tarball = None if release.draft else f"{api}/tarball/{quote(release.tag_name)}"
        zipball = None if release.draft else f"{api}/zipball/{quote(release.tag_name)}"
        return {
            "url": f"{api}/releases/{release.id}",
            "assets_url": f"{api}/releases/{release.id}/assets",
            "upload_url": f"{uploads}/releases/{release.id}/assets{{?name,label}}",
            "html_url": page + quote(release.download_tag),
            "id": release.id,
            "author": self.user_json(),
            "node_id": _node_id("RE", release.id),
            "tag_name": release.tag_name,
            "target_commitish": release.target_commitish,
            "name": release.name,
            "draft": release.draft,
            "immutable": release.immutable,
            "prerelease": release.prerelease,
            "created_at": release.created_at,
            "updated_at": release.updated_at,
            "published_at": release.published_at,
            "assets": [self.asset_json(release, asset) for asset in release.assets],
            "tarball_url": tarball,
            "zipball_url": zipball,
            "body": release.body,
        }

    def asset_json(self, release: Release, asset: Asset) -> JsonObject:
        """The asset as GitHub renders it, with the same keys in the same order."""
        repository = f"{release.owner}/{release.repo}"
        download = f"{quote(release.download_tag)}/{quote(asset.name, safe='')}"
        return {
            "url": f"{self.origins.api_url}/repos/{repository}/releases/assets/{asset.id}",
            "id": asset.id,
            "node_id": _node_id("RA", asset.id),
            "name": asset.name,
            "label": asset.label,
            "uploader": self.user_json(),
            "content_type": asset.content_type,
            "state": asset.state,
            "size": asset.size,
            "digest": asset.digest,
            "download_count": asset.download_count,
            "created_at": asset.created_at,
            "updated_at": asset.updated_at,
            "browser_download_url": f"{self.origins.server_url}/{repository}/releases/download/"
            + download,
        }

    def user_json(self) -> JsonObject:
        """The token's account as a GitHub simple-user object."""
        api = f"{self.origins.api_url}/users/{USER_LOGIN}"
        return {
            "login": USER_LOGIN,
            "id": USER_ID,
            "node_id": _node_id("U", USER_ID),
            "avatar_url": f"{self.origins.server_url}/{USER_LOGIN}.png",
            "gravatar_id": "",
            "url": api,
            "html_url": f"{self.origins.server_url}/{USER_LOGIN}",
            "followers_url": f"{api}/followers",
            "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}",
            "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions",
            "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos",
            "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events",
            "type": "User",
            "user_view_type": "public",
            "site_admin": False,
        }

    def _apply(self, fields: JsonObject, release: Release) -> None:
        """Check and apply a create- or update-release body, publishing when asked."""
        changes: JsonObject = {}
        for key, kinds in _RELEASE_FIELDS.items():
            if key in fields:
                if not isinstance(fields[key], kinds):
                    raise validation_failed("Release", "invalid", key)
                changes[key] = fields[key]
        tag, draft = changes.get("tag_name", release.tag_name), changes.get("draft", release.draft)
        if release.immutable and (tag != release.tag_name or draft):
            raise ApiError(422, IMMUTABLE_RELEASE_MESSAGE)
        if not draft:
            self._check_tag_is_free(release, tag)
        publishing, now = release.draft and not draft, _now()
        for key, value in changes.items():
            setattr(release, key, value)
        if publishing:
            release.published_at = now
            release.immutable = self.immutable_releases
        if release.immutable:
            self._immutable_tags.add((release.owner, release.repo, release.tag_name))
        if release.draft:
            release.published_at = None
        release.updated_at = now

    def _check_tag_is_free(self, release: Release, tag: str) -> None:
        """Refuse to publish a second release for a tag, or reuse an immutable release's tag."""
        for other in self.releases(release.owner, release.repo):
            if other is not release and not other.draft and other.tag_name == tag:
                raise validation_failed("Release", "already_exists", "tag_name")
        burned = (release.owner, release.repo, tag) in self._immutable_tags
        if burned and not release.immutable:
            message = "tag_name was used by an immutable release"
            raise validation_failed("Release", "custom", "tag_name", message)


_RELEASE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "tag_name": str,
    "target_commitish": str,
    "name": (str, type(None)),
    "body": (str, type(None)),
    "draft": bool,
    "prerelease": bool,
}


def _positive_int(query: Mapping[str, list[str]], key: str, default: int) -> int:
    value = query.get(key, [""])[-1]
    return int(value) if value.isdigit() and int(value) > 0 else default


def _node_id(prefix: str, number: int) -> str:
    return f"{prefix}_{base64.urlsafe_b64encode(number.to_bytes(8, 'big')).decode().rstrip('=')}"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
