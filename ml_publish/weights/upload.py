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
from ml_publish.github import GitHubClient, RetryPolicy
from ml_publish.terminal import Display
from ml_publish.weights.drafts import (
    DOWNLOAD_PATH,
    check_final_url,
    check_published_urls,
    final_download_url,
    find_or_create_draft,
    publish_release,
)
from ml_publish.weights.project import check_tag, open_project, resolve_repository
from ml_publish.weights.registry import WeightEntry, load_registry, save_registry
from ml_publish.weights.upload_state import UploadState
from ml_publish.weights.uploader import ReleaseUploader


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
