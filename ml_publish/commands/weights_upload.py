"""``ml-publish weights upload``: put the pending weight files on their GitHub release.

Files go to a draft release first, so nothing is public until every asset is uploaded and its
digest checked; publishing then gives them the final URLs the registry promised. An asset is
never deleted before its replacement is uploaded and verified, and an interrupted run resumes
from ``.ml-publish/state.json`` without sending finished files again.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from ml_publish.errors import MLPublishError, OperationFailed, UsageError
from ml_publish.github import (
    Asset,
    GitHubClient,
    GitHubError,
    Release,
    RetryPolicy,
    TransientFailure,
    ValidationFailed,
)
from ml_publish.project import check_tag, open_project, resolve_repository
from ml_publish.registry import WeightEntry, load_registry, save_registry, sha256_of
from ml_publish.upload_progress import ProgressLine
from ml_publish.upload_state import UploadState

UPLOAD_ATTEMPTS = 4
# Replacements are uploaded as "<file name>.partial-<random>" and renamed once verified.
TEMPORARY_MARK = ".partial-"
DOWNLOAD_PATH = "/releases/download/"


class UploadMismatch(OperationFailed):
    """What GitHub holds is not what the registry promises; nothing was published."""


def upload_weights(
    project_root: Path,
    *,
    repository: str | None = None,
    tag: str | None = None,
    api_url: str | None = None,
    publish: bool = False,
    allow_published: bool = False,
    progress: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> list[str]:
    """Upload the pending weights to the release for ``tag``, a draft unless ``publish``.

    Returns the names of the weights uploaded or found there already and verified. Once their
    release is published the registry marks them ``uploaded``.
    """
    project = open_project(project_root)
    entries = load_registry(project.registry)
    repository = resolve_repository(repository, project_root)
    tag = check_tag(tag or f"v{project.version()}")
    pending = pending_on_release(entries, repository, tag)
    if not pending:
        return []
    files = {entry.name: staged_file(project.staging_dir, entry) for entry in pending}
    state = UploadState.load(project.root, repository, tag)
    retry = RetryPolicy(sleep=sleep, clock=clock)
    with GitHubClient(repository, api_url=api_url, retry=retry) as client:
        release = find_or_create_draft(client, tag, state)
        uploader = ReleaseUploader(
            client,
            release,
            state,
            allow_published=allow_published,
            progress=ProgressLine.for_stderr(progress),
        )
        assets = {entry.name: uploader.sync(entry, files[entry.name]) for entry in pending}
        if publish and release.draft:
            for entry in pending:
                check_final_url(entry, final_download_url(assets[entry.name], tag))
            release = publish_release(client, release)
        if not release.draft:
            check_published_urls(client, release, pending)
            published = {entry.name for entry in pending}
            save_registry(
                project.registry,
                [
                    dataclasses.replace(e, status="uploaded") if e.name in published else e
                    for e in entries
                ],
            )
            state.clear()
    return [entry.name for entry in pending]


def pending_on_release(entries: list[WeightEntry], repository: str, tag: str) -> list[WeightEntry]:
    """The pending entries whose registered URL is on this release; others wait for theirs."""
    pending = [entry for entry in entries if entry.status == "pending"]
    on_release = [entry for entry in pending if belongs_to_release(entry, repository, tag)]
    if pending and not on_release:
        raise UsageError(
            f"{pending[0].name} is registered at {pending[0].url}, not on release {tag} of "
            f"{repository}; upload with the tag and repository it was added with"
        )
    return on_release


def belongs_to_release(entry: WeightEntry, repository: str, tag: str) -> bool:
    return entry.url.endswith(
        f"/{repository}{DOWNLOAD_PATH}{quote(tag, safe='')}/{entry.file_name}"
    )


def staged_file(staging_dir: Path, entry: WeightEntry) -> Path:
    """The staged file for ``entry``, after checking it is still the size registered."""
    staged = staging_dir / entry.file_name
    if not staged.is_file():
        raise UsageError(f"{entry.name}: staged file {staged} is missing; add the weights again")
    if staged.stat().st_size != entry.size:
        raise UsageError(
            f"{entry.name}: {staged} is no longer {entry.size} bytes; run ml-publish weights verify"
        )
    return staged


def find_or_create_draft(
    client: GitHubClient, tag: str, state: UploadState, notes: Callable[[], str] | None = None
) -> Release:
    """The release to fill: the one a previous run was filling, the tag's, a draft, or a new one."""
    release = None
    if state.release_id is not None:
        release = client.get_release(state.release_id)
        if release is not None and release.tag_name != tag:
            release = None
    if release is None:
        release = client.get_release_by_tag(tag)
    if release is None:
        # Drafts own no tag yet, so only the full list shows them.
        drafts = (r for r in client.list_releases() if r.draft and r.tag_name == tag)
        release = next(drafts, None)
    if release is None:
        # The notes are written only for a release that has to be created.
        release = client.create_release(tag, draft=True, body=notes() if notes else None)
    state.remember_release(release.id)
    return release


def publish_release(client: GitHubClient, draft: Release) -> Release:
    client.update_release(draft.id, draft=False)
    # Read it back: the answer to the update is not the last word on the assets' URLs.
    release = client.get_release(draft.id)
    if release is None or release.draft:
        raise GitHubError(f"release {draft.tag_name} is still not published; run the upload again")
    return release


def final_download_url(asset: Asset, tag: str) -> str:
    """Where a draft's asset will be served once published: its tag replaces ``untagged-...``."""
    prefix, _, rest = asset.browser_download_url.rpartition(DOWNLOAD_PATH)
    return f"{prefix}{DOWNLOAD_PATH}{quote(tag, safe='')}/{rest.partition('/')[2]}"


def check_final_url(entry: WeightEntry, url: str) -> None:
    if url != entry.url or "/untagged-" in url:
        raise UploadMismatch(
            f"{entry.name} is registered at {entry.url} but GitHub serves it at {url}; nothing "
            "was published (is GITHUB_SERVER_URL the server the weights were added for?)"
        )


def check_published_urls(
    client: GitHubClient, release: Release, pending: list[WeightEntry]
) -> None:
    """Check each asset of the published release is served at its registered URL."""
    assets = {asset.name: asset for asset in client.list_assets(release.id)}
    for entry in pending:
        asset = assets.get(entry.file_name)
        if asset is None:
            raise UploadMismatch(f"{entry.file_name} is missing from release {release.tag_name}")
        check_final_url(entry, asset.browser_download_url)


def temporary_name(file_name: str) -> str:
    return f"{file_name}{TEMPORARY_MARK}{secrets.token_hex(4)}"


class ReleaseUploader:
    """Makes one release hold each weight file under its registered name, verified by digest."""

    def __init__(
        self,
        client: GitHubClient,
        release: Release,
        state: UploadState,
        *,
        allow_published: bool,
        progress: ProgressLine,
    ) -> None:
        self.client = client
        self.release = release
        self.state = state
        self.allow_published = allow_published
        self.progress = progress
        self.assets = client.list_assets(release.id)

    def has_verified(self, entry: WeightEntry) -> bool:
        """Whether the release already holds ``entry``'s exact bytes under its file name."""
        current = self._named(entry.file_name)
        return current is not None and self._holds(current, entry, entry.file_name)

    def sync(self, entry: WeightEntry, file: Path) -> Asset:
        """The release's asset for ``entry``, uploaded or replaced only if it is not right."""
        current = self._named(entry.file_name)
        if current is not None and self._holds(current, entry, entry.file_name):
            self.state.record(entry.file_name, current.id, entry.sha256)
            return current
        refusal = self._refusal_to_change()
        if refusal is not None:
            raise refusal
        finished = self._finished_replacement(entry)
        if current is None and finished is None and self.release.draft:
            asset = self._upload(entry, file, entry.file_name)
        else:
            # On a published release, too, the registered URL serves only verified bytes.
            new = finished or self._upload(entry, file, temporary_name(entry.file_name))
            if current is not None:
                # Only now that the new copy is verified may the old one go.
                self.client.delete_asset(current.id)
            asset = self.client.rename_asset(new.id, entry.file_name)
        verify(asset, entry, entry.file_name, file)
        self.state.record(entry.file_name, asset.id, entry.sha256)
        return asset

    def _upload(self, entry: WeightEntry, file: Path, name: str) -> Asset:
        """Upload ``file`` as ``name``, cleaning up after and retrying failed attempts."""
        problem: GitHubError | None = None
        for attempt in range(UPLOAD_ATTEMPTS):
            report = self.progress.start(name, entry.size)
            try:
                asset = self.client.upload_asset(
                    self.release.upload_url, file, name, on_progress=report
                )
            except ValidationFailed as error:
                if not error.already_exists:
                    raise self._refusal(error) from None
                problem = error
            except TransientFailure as error:
                problem = error
                self.client.retry.sleep(self.client.retry.backoff(attempt))
            else:
                verify(asset, entry, name, file)
                return asset
            finally:
                self.progress.finish()
            # The failed attempt may have finished after all, or left a starter holding the name.
            self.assets = self.client.list_assets(self.release.id)
            left = self._named(name)
            if left is not None:
                if self._holds(left, entry, name):
                    return left
                self.client.delete_asset(left.id)
        raise GitHubError(
            f"uploading {name} failed {UPLOAD_ATTEMPTS} times (last: {problem}); run the upload "
            "again later, it resumes where it stopped"
        )

    def _finished_replacement(self, entry: WeightEntry) -> Asset | None:
        """A verified replacement an interrupted run left under a temporary name; other
        leftovers are deleted."""
        prefix = entry.file_name + TEMPORARY_MARK
        leftovers = [asset for asset in self.assets if asset.name.startswith(prefix)]
        keep = next((a for a in leftovers if self._holds(a, entry, a.name)), None)
        for asset in leftovers:
            if asset is not keep:
                self.client.delete_asset(asset.id)
        return keep

    def _named(self, name: str) -> Asset | None:
        return next((asset for asset in self.assets if asset.name == name), None)

    def _holds(self, asset: Asset, entry: WeightEntry, name: str) -> bool:
        """Whether ``asset`` is complete and has ``entry``'s exact bytes under ``name``."""
        if (asset.name, asset.state, asset.size) != (name, "uploaded", entry.size):
            return False
        if asset.digest is None:  # older assets have none; trust only our own verification
            return self.state.verified_sha256(asset.id) == entry.sha256
        return asset.digest == f"sha256:{entry.sha256}"

    def _refusal_to_change(self) -> UsageError | None:
        """Why the release's assets must be left alone, if they must."""
        where = f"release {self.release.tag_name} of {self.client.repository}"
        if self.release.immutable:
            return UsageError(
                f"{where} is immutable: GitHub refuses to add or replace its assets; register "
                "the weights for a new tag (bump the version) and upload again"
            )
        if not self.release.draft and not self.allow_published:
            return UsageError(
                f"{where} is already published; allow changes to published releases "
                "(--allow-published) or register the weights for a new tag"
            )
        return None

    def _refusal(self, error: ValidationFailed) -> MLPublishError:
        """The error to stop with when GitHub refused an upload for good."""
        if "immutable" in error.github_message.lower():
            # The release became immutable after it was read.
            self.release = dataclasses.replace(self.release, immutable=True)
            return self._refusal_to_change() or error
        return GitHubError(f"{error}; this is permanent, retrying will not help", 422)


def verify(asset: Asset, entry: WeightEntry, name: str, file: Path) -> None:
    """Stop unless GitHub's answer shows ``file`` stored completely under ``name``."""
    problem = None
    if asset.name != name:
        problem = f"GitHub stored {name} as {asset.name!r}"
    elif (asset.state, asset.size) != ("uploaded", entry.size):
        problem = f"GitHub holds {asset.size} bytes of {name} ({asset.state}), not {entry.size}"
    elif asset.digest is not None and asset.digest != f"sha256:{entry.sha256}":
        problem = f"GitHub computed {asset.digest} for {name}, not sha256:{entry.sha256}"
    elif asset.digest is None and sha256_of(file) != entry.sha256:
        problem = f"{file} no longer has SHA-256 {entry.sha256}"
    if problem is not None:
        raise UploadMismatch(
            f"{problem}; nothing was published: check the staged files with "
            "ml-publish weights verify, then upload again"
        )
