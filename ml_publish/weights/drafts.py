"""A project's GitHub release as its weights see it: found or created as a draft, published,
and checked to serve each weight at the URL the registry promised."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from ml_publish.github import Asset, GitHubClient, GitHubError, Release
from ml_publish.weights.registry import WeightEntry
from ml_publish.weights.upload_resume_state import UploadState
from ml_publish.weights.asset_sync import UploadMismatch

DOWNLOAD_PATH = "/releases/download/"


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
