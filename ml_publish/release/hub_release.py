"""The release's Hugging Face Hub step: every weight of the release on the Hub, at its tag.

``[tool.ml-publish.release] huggingface = "owner/name"`` turns it on. The bump already lists
``<endpoint>/<repo>/resolve/vX.Y.Z/<file>`` as a mirror of each released weight, so the wheel
that is published falls back between GitHub and the Hub; this step, run from this machine
(the only one with the files) before the tag is pushed, makes those URLs true: sent once,
tagged after the commit that holds them all, then each downloaded and checked. Inside the
Release workflow it never runs, so Actions needs no Hub token.
"""

from __future__ import annotations

from ml_publish.huggingface import HubRepository, endpoint, token_problem
from ml_publish.release.context import ReleaseContext
from ml_publish.release.github_release import released_weights
from ml_publish.weights.hub_sync import (
    HUB_KEY,
    HubWeight,
    hub_weight,
    model_card,
    publish_at_tag,
    verify_at_tag,
)


def goes_to_hub(ctx: ReleaseContext) -> bool:
    """Whether this run puts weights on the Hub: configured, weights released, not in Actions."""
    return bool(ctx.state.huggingface and ctx.state.weights and not ctx.state.finishing)


def hub_weights(ctx: ReleaseContext) -> list[HubWeight]:
    staging = ctx.project.staging_dir
    weights = []
    for entry in released_weights(ctx):
        staged = staging / entry.file_name
        weights.append(hub_weight(entry, staged, hashed_as=ctx.verified_files.get(staged)))
    return weights


def put_on_hub(ctx: ReleaseContext) -> None:
    """Send what the Hub lacks, tag it, then download every Hub URL and check it."""
    hub = HubRepository(str(ctx.state.huggingface))
    weights = hub_weights(ctx)
    publish_at_tag(hub, weights, ctx.state.tag, card=model_card(ctx.project), note=ctx.note)
    urls = verify_at_tag(hub, weights, ctx.state.tag)
    ctx.note(f"all {len(urls)} Hub URL(s) of {ctx.state.tag} serve their registered files")


def put_on_hub_early(ctx: ReleaseContext, step: str) -> None:
    """The Hub step, run beside the build and the draft's uploads, then recorded as done."""
    if goes_to_hub(ctx) and not ctx.state.is_done(step):
        put_on_hub(ctx)
        ctx.state.mark_done(ctx.root, step)


def abandon_on_hub(ctx: ReleaseContext) -> None:
    """Delete the abandoned release's tag on the Hub; the files stay on ``main``, unreferenced
    by any release (the next release skips those it still has)."""
    if not goes_to_hub(ctx):
        return
    hub = HubRepository(str(ctx.state.huggingface))
    if hub.tag_commit(ctx.state.tag) is not None:
        hub.delete_tag(ctx.state.tag)
        ctx.say(f"deleted tag {ctx.state.tag} of {hub.repo_id} on the Hub")


def plan_hub(ctx: ReleaseContext) -> list[str]:
    repo, tag = ctx.state.huggingface, ctx.state.tag
    return [
        f"create {repo} on {endpoint()} unless it exists; send the {len(ctx.state.weights)} "
        "weight file(s) it lacks (whole, even split ones) and the model card as README.md in "
        f"one commit; tag it {tag}",
        f"download each {endpoint()}/{repo}/resolve/{tag}/<file> and check its SHA-256",
    ]


def hub_problems(ctx: ReleaseContext) -> list[str]:
    """Preflight: what the Hub step would lack (the library, a token); never the token."""
    if not goes_to_hub(ctx):
        return []
    problem = token_problem()
    if problem is None:
        return []
    return [f"{problem} (for {ctx.state.huggingface} on the Hub: {HUB_KEY} in pyproject.toml)"]
