"""The GitHub release of a version: a draft filled and verified, then published.

Weights and dists go to a draft, invisible to everyone, and are verified by GitHub's digests;
only then is the draft published, so its download URLs appear all at once, already complete.
With the Release workflow publishing, the local run's dists on the draft are what the
workflow's own build must match: a build that differs is refused, never swapped in.
"""

from __future__ import annotations

import functools
import urllib.request
from pathlib import Path

from ml_publish import git
from ml_publish.errors import MLPublishError, OperationFailed, UsageError
from ml_publish.github import Asset, GitHubClient, Release
from ml_publish.release.context import ReleaseContext
from ml_publish.transport import network
from ml_publish.transport.session import RetryPolicy
from ml_publish.weights.drafts import (
    check_final_url,
    check_published_urls,
    final_download_url,
    find_or_create_draft,
    publish_release,
)
from ml_publish.weights.naming import download_server, release_download_url
from ml_publish.weights.parts import release_assets
from ml_publish.weights.registry import WeightEntry, load_registry
from ml_publish.weights.upload_resume_state import UploadState
from ml_publish.weights.asset_sync import ReleaseUploader, UploadMismatch

SERVED_CHECK_TIMEOUT = 60


class BuildsDiffer(OperationFailed):
    """The Release workflow built other dists than the local run put on the draft."""


def client_for(ctx: ReleaseContext) -> GitHubClient:
    retry = RetryPolicy(sleep=ctx.sleep, clock=ctx.clock)
    return GitHubClient(str(ctx.state.repository), api_url=ctx.options.api_url, retry=retry)


def released_weights(ctx: ReleaseContext) -> list[WeightEntry]:
    if not ctx.state.weights:
        return []
    by_name = {entry.name: entry for entry in load_registry(ctx.project.registry)}
    return [by_name[name] for name in ctx.state.weights if name in by_name]


def dist_entries(ctx: ReleaseContext) -> list[WeightEntry]:
    """The dists as release assets: named, sized and hashed like weight files."""
    server = download_server()
    return [
        WeightEntry(
            name=name,
            url=release_download_url(server, str(ctx.state.repository), ctx.state.tag, name),
            sha256=sha256,
            size=(ctx.dist_dir / name).stat().st_size,
            file_name=name,
            status="uploaded",
        )
        for name, sha256 in ctx.state.dists.items()
    ]


def model_card_entries(ctx: ReleaseContext) -> list[WeightEntry]:
    """The project's MODEL_CARD.md as a release asset, when weights go onto the release."""
    from ml_publish.digests import sha256_of
    from ml_publish.weights.model_card import MODEL_CARD_FILE

    card = ctx.root / MODEL_CARD_FILE
    if not released_weights(ctx) or not card.is_file():
        return []
    url = release_download_url(
        download_server(), str(ctx.state.repository), ctx.state.tag, MODEL_CARD_FILE
    )
    entry = WeightEntry(
        MODEL_CARD_FILE, url, sha256_of(card), card.stat().st_size, MODEL_CARD_FILE, "uploaded"
    )
    return [entry]


def release_notes(ctx: ReleaseContext) -> str:
    previous = git.previous_tag(ctx.root, "v*", f"{ctx.state.tag}^")
    changes = git.subjects_between(ctx.root, previous, f"{ctx.state.tag}^")
    lines = [f"## Changes since {previous}" if previous else "## Changes", ""]
    lines += [f"- {subject}" for subject in changes] or ["- no changes recorded"]
    weights = released_weights(ctx)
    if weights:
        lines += ["", "## Pretrained weights", "", "| Name | File | SHA-256 |", "|---|---|---|"]
        lines += [f"| {e.name} | {file_cell(e)} | `{e.sha256}` |" for e in weights]
    return "\n".join(lines) + "\n"


def file_cell(entry: WeightEntry) -> str:
    """The file's name, and for a split weight how many parts it comes in."""
    return f"{entry.file_name} ({len(entry.parts)} parts)" if entry.parts else entry.file_name


def fill_draft(ctx: ReleaseContext, *, with_dists: bool = True) -> None:
    """Make the tag's draft release hold every asset, each verified by its digest."""
    with client_for(ctx) as client:
        fill(ctx, client, with_dists=with_dists)


def has_weights_to_upload(ctx: ReleaseContext) -> bool:
    """Whether this machine holds weights for the draft (inside Actions it holds none)."""
    staging = ctx.project.staging_dir
    weights = released_weights(ctx)
    return ctx.state.github and any((staging / e.file_name).is_file() for e in weights)


def open_draft(ctx: ReleaseContext, client: GitHubClient) -> tuple[Release, ReleaseUploader | None]:
    """The tag's release, found or created as a draft, and an uploader while it is a draft."""
    upload_state = UploadState.load(ctx.root, str(ctx.state.repository), ctx.state.tag)
    notes = functools.partial(release_notes, ctx)
    release = find_or_create_draft(client, ctx.state.tag, upload_state, notes)
    if not release.draft:
        return release, None  # published already: publish() verifies what it holds
    uploader = ReleaseUploader(
        client, release, upload_state, allow_published=False, display=ctx.display
    )
    return release, uploader


def fill(ctx: ReleaseContext, client: GitHubClient, *, with_dists: bool = True) -> Release:
    """Make the tag's draft hold every asset, verified; a published release is left as it is."""
    release, uploader = open_draft(ctx, client)
    if uploader is None:
        return release
    put_weights(ctx, uploader)
    count = len(released_assets(ctx))
    for card in model_card_entries(ctx):
        uploader.sync(card, ctx.root / card.file_name)
        count += 1
    if with_dists:
        entries = dist_entries(ctx)
        if ctx.state.finishing:
            refuse_other_builds(ctx, uploader, entries)
        for entry in entries:
            uploader.sync(entry, ctx.dist_dir / entry.file_name)
        count += len(entries)
    ctx.note(f"draft release {ctx.state.tag} holds {count} verified asset(s)")
    return release


def put_weights(ctx: ReleaseContext, uploader: ReleaseUploader) -> None:
    """Make the draft hold each weight (each part of a split one), from the staged file if the
    draft lacks it."""
    for entry in released_weights(ctx):
        staged = ctx.project.staging_dir / entry.file_name
        for asset_entry, offset in release_assets(entry):
            if not staged.is_file() and not uploader.has_verified(asset_entry):
                asset = asset_named(uploader, asset_entry.file_name)
                raise weight_problem(ctx, asset_entry, asset, staged)
            asset = uploader.sync(asset_entry, staged, offset)
            check_final_url(asset_entry, final_download_url(asset, ctx.state.tag))


def released_assets(ctx: ReleaseContext) -> list[WeightEntry]:
    """The release assets of the released weights: each whole file, or each part."""
    return [asset for entry in released_weights(ctx) for asset, _ in release_assets(entry)]


def asset_named(uploader: ReleaseUploader, name: str) -> Asset | None:
    return next((asset for asset in uploader.assets if asset.name == name), None)


def weight_problem(
    ctx: ReleaseContext, entry: WeightEntry, asset: Asset | None, staged: Path
) -> MLPublishError:
    """Why the draft cannot get ``entry`` from here, and who can put it there."""
    tag = ctx.state.tag
    error: type[MLPublishError] = UsageError
    if asset is None:
        problem = f"{entry.name} ({entry.file_name}) is not on the draft release {tag}"
    elif asset.state != "uploaded":
        problem = f"{entry.file_name} on the draft release {tag} is incomplete ({asset.state})"
    else:
        error, found = UploadMismatch, (asset.digest or "no digest").removeprefix("sha256:")
        problem = (
            f"{entry.file_name} on the draft release {tag} has SHA-256 {found}, the registry "
            f"says {entry.sha256}"
        )
    if ctx.state.finishing:
        return error(
            f"{problem}, and this checkout has no staged copy; on the machine that released "
            f"{tag} run ml-publish release (it puts its staged copy on the draft), then re-run "
            "this workflow; nothing was published"
        )
    return error(
        f"{problem}, and it is not staged here ({staged}); put the file back there (ml-publish "
        "weights verify checks it), then run ml-publish release again"
    )


def refuse_other_builds(
    ctx: ReleaseContext, uploader: ReleaseUploader, entries: list[WeightEntry]
) -> None:
    """Stop unless each dist the local run put on the draft is byte for byte this build."""
    for entry in entries:
        asset = asset_named(uploader, entry.file_name)
        digest = None if asset is None else asset.digest
        if digest is None or digest == f"sha256:{entry.sha256}":
            continue  # nothing handed over to compare with (or GitHub shows no digest)
        kind = "wheel" if entry.file_name.endswith(".whl") else "sdist"
        raise BuildsDiffer(
            f"{ctx.dist_dir / entry.file_name} built by the workflow differs from the {kind} "
            f"the local release put on the draft release {ctx.state.tag} (SHA-256 "
            f"{entry.sha256} here, {digest.removeprefix('sha256:')} there): builds must be "
            "reproducible (release.yml's build needs SOURCE_DATE_EPOCH set to the tag's commit "
            "time, as newly generated projects have it); nothing was published: to publish this "
            "workflow's build instead, delete the sdist and wheel from the draft release, then "
            "re-run this workflow"
        )


def publish(ctx: ReleaseContext) -> None:
    """Publish the draft (filling anything it lost), then check every final URL serves."""
    with client_for(ctx) as client:
        release = fill(ctx, client)
        if release.draft:
            release = publish_release(client, release)
            ctx.note(f"published {release.html_url}")
        expected = released_assets(ctx) + dist_entries(ctx)
        check_published_urls(client, release, expected)
    for entry in expected:
        check_served(entry.url)
    ctx.note(f"all {len(expected)} download URL(s) of {ctx.state.tag} serve their files")
    UploadState.load(ctx.root, str(ctx.state.repository), ctx.state.tag).clear()


def check_served(url: str) -> None:
    """Fetch the first byte of ``url``, as a user's download would start."""
    request = urllib.request.Request(url, headers={"Range": "bytes=0-0"})
    try:
        with network.open_url(request, timeout=SERVED_CHECK_TIMEOUT) as response:
            response.read(1)
    except OSError as error:
        problem = network.describe_failure(error, url)
        raise OperationFailed(
            f"{url} does not serve its file ({problem}); a private repository's assets are not "
            "public downloads: make the repository public, or host the weights elsewhere"
        ) from None


def plan_draft(ctx: ReleaseContext) -> list[str]:
    lines = [
        f"find or create the draft release {ctx.state.tag} on {ctx.state.repository} (notes "
        "from the commits since the previous tag)",
        f"upload {len(ctx.state.weights)} weight file(s) and the sdist and wheel, each verified "
        "against GitHub's SHA-256 digest",
    ]
    if ctx.state.publish == "workflow":
        lines.append("the Release workflow's own build must match these dists byte for byte")
    return lines


def plan_publish(ctx: ReleaseContext) -> list[str]:
    return [f"publish release {ctx.state.tag}; check every download URL serves its file"]


def delete_draft(ctx: ReleaseContext) -> bool:
    """Delete the tag's draft release, if there is one; whether there was."""
    upload_state = UploadState.load(ctx.root, str(ctx.state.repository), ctx.state.tag)
    with client_for(ctx) as client:
        drafts = [r for r in client.list_releases() if r.draft and r.tag_name == ctx.state.tag]
        for draft in drafts:
            client.delete_release(draft.id)
    upload_state.clear()
    return bool(drafts)
