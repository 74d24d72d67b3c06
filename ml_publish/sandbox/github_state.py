"""GitHub releases, their assets and Actions workflow runs as in-memory data.

Nothing here speaks HTTP: ``github_emulator`` puts these objects behind real sockets, and
``github_json`` renders them as GitHub shows them. The rules
follow GitHub's observed behaviour, including the surprising parts a client must cope with:
drafts are invisible to the by-tag look-up, several drafts may share one tag, and a failed
upload leaves a ``starter`` asset that keeps its name taken until it is deleted.

Workflow runs are not made by anything here: no workflow runs in the emulator, and nothing a
user's command does starts one. Tests add them (tests/support/workflow_runs.py starts, moves and
re-runs them as a push and a user would on GitHub); the emulator only lists them.

Part of the emulator that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ml_publish.sandbox.github_errors import ApiError, JsonObject, not_found, validation_failed

IMMUTABLE_UPLOAD_MESSAGE = "Cannot upload assets to an immutable release."
# GitHub's wording for these two is not on record; the status (422) matches the upload refusal.
IMMUTABLE_CHANGE_MESSAGE = "Cannot modify or delete assets of an immutable release."
IMMUTABLE_RELEASE_MESSAGE = "Only the title and notes of an immutable release can be changed."


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
    """One run of one workflow file, added by a test as a push to GitHub would start it."""

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


class GitHubState:
    """Every release the emulator knows, across all repositories, guarded by one lock."""

    def __init__(self, storage: Path, *, immutable_releases: bool) -> None:
        self.storage = storage
        self.immutable_releases = immutable_releases
        self.lock = threading.RLock()
        self._releases: dict[int, Release] = {}
        # One sequence for releases and assets alike, so a release id sent where an asset id
        # belongs is a 404 instead of a lucky hit on an unrelated object.
        self._ids = itertools.count(1000)
        self._immutable_tags: set[tuple[str, str, str]] = set()
        self._runs: dict[int, WorkflowRun] = {}

    def next_id(self) -> int:
        """A fresh id from the one sequence every release, asset and run takes its id from."""
        with self.lock:
            return next(self._ids)

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

    def add_workflow_run(self, run: WorkflowRun) -> None:
        """List ``run`` from now on; its id must come from ``next_id``."""
        with self.lock:
            self._runs[run.id] = run

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


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
