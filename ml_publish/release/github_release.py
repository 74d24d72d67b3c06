"""The GitHub release of a version: a draft filled and verified, then published.

Weights and dists go to a draft, invisible to everyone, and are verified by GitHub's digests;
only then is the draft published, so its download URLs appear all at once, already complete.
"""

from __future__ import annotations

import functools
import urllib.error
import urllib.request

from ml_publish import git
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.github import GitHubClient, Release, RetryPolicy
from ml_publish.release.context import ReleaseContext
from ml_publish.weights.drafts import (
    check_final_url,
    check_published_urls,
    final_download_url,
    find_or_create_draft,
    publish_release,
)
from ml_publish.weights.naming import download_server, release_download_url
from ml_publish.weights.registry import WeightEntry, load_registry
from ml_publish.weights.upload_progress import ProgressLine
from ml_publish.weights.upload_state import UploadState
from ml_publish.weights.uploader import ReleaseUploader

# The Release workflow gets this long to publish what a local run handed over.
WORKFLOW_WAIT_SECONDS = 30 * 60
WORKFLOW_POLL_SECONDS = 15.0
SERVED_CHECK_TIMEOUT = 60


def client_for(ctx: ReleaseContext) -> GitHubClient:
    retry = RetryPolicy(sleep=ctx.sleep, clock=ctx.clock)
    return GitHubClient(str(ctx.state.repository), api_url=ctx.options.api_url, retry=retry)


def released_weights(ctx: ReleaseContext) -> list[WeightEntry]:
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


def uploads_dists(ctx: ReleaseContext) -> bool:
    # With the workflow publishing, it attaches the dists it built and sends to PyPI.
    return ctx.state.publish == "local"


def release_notes(ctx: ReleaseContext) -> str:
    previous = git.previous_tag(ctx.root, "v*", f"{ctx.state.tag}^")
    changes = git.subjects_between(ctx.root, previous, f"{ctx.state.tag}^")
    lines = [f"## Changes since {previous}" if previous else "## Changes", ""]
    lines += [f"- {subject}" for subject in changes] or ["- no changes recorded"]
    weights = released_weights(ctx)
    if weights:
        lines += ["", "## Pretrained weights", "", "| Name | File | SHA-256 |", "|---|---|---|"]
        lines += [f"| {e.name} | {e.file_name} | `{e.sha256}` |" for e in weights]
    return "\n".join(lines) + "\n"


def fill_draft(ctx: ReleaseContext, *, with_dists: bool = True) -> None:
    """Make the tag's draft release hold every asset, each verified by its digest."""
    with client_for(ctx) as client:
        fill(ctx, client, with_dists=with_dists)


def has_weights_to_upload(ctx: ReleaseContext) -> bool:
    """Whether this machine holds weights for the draft (inside Actions it holds none)."""
    staging = ctx.project.staging_dir
    weights = released_weights(ctx)
    return ctx.state.github and any((staging / e.file_name).is_file() for e in weights)


def fill(ctx: ReleaseContext, client: GitHubClient, *, with_dists: bool = True) -> Release:
    upload_state = UploadState.load(ctx.root, str(ctx.state.repository), ctx.state.tag)
    notes = functools.partial(release_notes, ctx)
    release = find_or_create_draft(client, ctx.state.tag, upload_state, notes)
    if not release.draft:
        return release  # published already: publish() verifies what it holds
    uploader = ReleaseUploader(
        client,
        release,
        upload_state,
        allow_published=False,
        progress=ProgressLine.for_stderr(ctx.options.progress),
    )
    staging = ctx.project.staging_dir
    for entry in released_weights(ctx):
        staged = staging / entry.file_name
        if not staged.is_file() and not uploader.has_verified(entry):
            raise UsageError(
                f"{entry.name} is neither on the draft release {ctx.state.tag} nor staged here "
                f"({staged}); upload it from the machine that has it: ml-publish weights upload "
                f"--tag {ctx.state.tag}"
            )
        asset = uploader.sync(entry, staged)
        check_final_url(entry, final_download_url(asset, ctx.state.tag))
    count = len(ctx.state.weights)
    if with_dists and uploads_dists(ctx):
        for entry in dist_entries(ctx):
            uploader.sync(entry, ctx.dist_dir / entry.file_name)
        count += len(ctx.state.dists)
    ctx.note(f"draft release {ctx.state.tag} holds {count} verified asset(s)")
    return release


def publish(ctx: ReleaseContext) -> None:
    """Publish the draft (filling anything it lost), then check every final URL serves."""
    with client_for(ctx) as client:
        release = fill(ctx, client)
        if release.draft:
            release = publish_release(client, release)
            ctx.note(f"published {release.html_url}")
        expected = released_weights(ctx) + (dist_entries(ctx) if uploads_dists(ctx) else [])
        check_published_urls(client, release, expected)
    for entry in expected:
        check_served(entry.url)
    ctx.note(f"all {len(expected)} download URL(s) of {ctx.state.tag} serve their files")
    UploadState.load(ctx.root, str(ctx.state.repository), ctx.state.tag).clear()


def check_served(url: str) -> None:
    """Fetch the first byte of ``url``, as a user's download would start."""
    request = urllib.request.Request(url, headers={"Range": "bytes=0-0"})
    try:
        with urllib.request.urlopen(request, timeout=SERVED_CHECK_TIMEOUT) as response:
            response.read(1)
    except (urllib.error.URLError, OSError) as error:
        raise OperationFailed(
            f"{url} does not serve its file ({error}); a private repository's assets are not "
            "public downloads: make the repository public, or host the weights elsewhere"
        ) from None


def await_publish(ctx: ReleaseContext) -> None:
    """Wait for the project's Release workflow to publish the tag's release."""
    deadline = ctx.clock() + WORKFLOW_WAIT_SECONDS
    with client_for(ctx) as client:
        while True:
            release = client.get_release_by_tag(ctx.state.tag)
            if release is not None and not release.draft:
                ctx.note(f"the Release workflow published {release.html_url}")
                return
            if ctx.clock() >= deadline:
                raise OperationFailed(
                    f"the Release workflow has not published {ctx.state.tag} after "
                    f"{WORKFLOW_WAIT_SECONDS // 60} minutes; look at its run on GitHub, then run "
                    "ml-publish release again to push the branch"
                )
            ctx.sleep(WORKFLOW_POLL_SECONDS)


def plan_draft(ctx: ReleaseContext) -> list[str]:
    what = f"{len(ctx.state.weights)} weight file(s)"
    if uploads_dists(ctx):
        what += " and the sdist and wheel"
    return [
        f"find or create the draft release {ctx.state.tag} on {ctx.state.repository} (notes "
        "from the commits since the previous tag)",
        f"upload {what}, each verified against GitHub's SHA-256 digest",
    ]


def plan_publish(ctx: ReleaseContext) -> list[str]:
    return [f"publish release {ctx.state.tag}; check every download URL serves its file"]


def plan_await(ctx: ReleaseContext) -> list[str]:
    return [f"wait for the Release workflow to publish {ctx.state.tag} (and send it to PyPI)"]


def delete_draft(ctx: ReleaseContext) -> bool:
    """Delete the tag's draft release, if there is one; whether there was."""
    upload_state = UploadState.load(ctx.root, str(ctx.state.repository), ctx.state.tag)
    with client_for(ctx) as client:
        drafts = [r for r in client.list_releases() if r.draft and r.tag_name == ctx.state.tag]
        for draft in drafts:
            client.delete_release(draft.id)
    upload_state.clear()
    return bool(drafts)
