"""``weights upload``: put the pending weight files on their GitHub release.

Files go to a draft release first, so nothing is public until every asset is uploaded and its
digest checked; publishing then gives them the final URLs the registry promised. An asset is
never deleted before its replacement is uploaded and verified, and an interrupted run resumes
from ``.ml-publish/state.json`` without sending finished files again.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from ml_publish.errors import UsageError
from ml_publish.github import GitHubClient
from ml_publish.project_facts import check_tag, resolve_repository
from ml_publish.terminal import Display
from ml_publish.transport.session import RetryPolicy
from ml_publish.weights.drafts import (
    DOWNLOAD_PATH,
    check_final_url,
    check_published_urls,
    final_download_url,
    find_or_create_draft,
    publish_release,
)
from ml_publish.weights.parts import MAX_RELEASE_ASSETS, release_assets
from ml_publish.weights.project import open_project
from ml_publish.weights.registry import WeightEntry, load_registry, save_registry
from ml_publish.weights.upload_resume_state import UploadState
from ml_publish.weights.asset_sync import ReleaseUploader


def upload_weights(
    project_root: Path,
    *,
    repository: str | None = None,
    tag: str | None = None,
    api_url: str | None = None,
    publish: bool = False,
    allow_published: bool = False,
    display: Display | None = None,
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
            display=display or Display(),
        )
        check_room(uploader, pending)
        synced = [
            (asset_entry, uploader.sync(asset_entry, files[entry.name], offset))
            for entry in pending
            for asset_entry, offset in release_assets(entry)
        ]
        if publish and release.draft:
            for asset_entry, asset in synced:
                check_final_url(asset_entry, final_download_url(asset, tag))
            release = publish_release(client, release)
        if not release.draft:
            check_published_urls(client, release, [asset_entry for asset_entry, _ in synced])
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


def check_room(uploader: ReleaseUploader, pending: list[WeightEntry]) -> None:
    """Refuse before uploading anything when the release cannot hold every new asset."""
    present = {asset.name for asset in uploader.assets}
    new = [a for e in pending for a, _ in release_assets(e) if a.file_name not in present]
    total = len(present) + len(new)
    if new and total > MAX_RELEASE_ASSETS:
        raise UsageError(
            f"release {uploader.release.tag_name} would hold {total} assets; GitHub allows "
            f"{MAX_RELEASE_ASSETS}: upload fewer weights to it, or use a larger --part-size"
        )


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
