"""The local run's wait while the project's Release workflow publishes (``publish = "workflow"``).

After the tag push, the workflow on GitHub builds the dists, publishes the GitHub release and
uploads to the index. The local run watches the release and the tag's run of the workflow
(through the Actions API) until both are done, so the branch it pushes next describes a
release that exists in full. Whenever the run can publish nothing more, the wait ends with one
line that names the run and says how to resume; running ``ml-publish release`` again resumes
the wait. A run that failed for want of a weight on the draft is the one case this machine can
mend: it puts the weight back from its staging directory and waits for the re-run.

While it waits it says which run it waits for (the newest run of the Release workflow on the
tag's commit, as the Actions API lists it) and each change of its status. ``--wait MINUTES``
sets how long (default 30); with ``--no-wait`` it looks once and, unless everything is
published already, stops after the tag push with the run's address: the next ``ml-publish
release`` carries on from there.
"""

from __future__ import annotations

from dataclasses import dataclass

from ml_publish import git
from ml_publish.errors import OperationFailed
from ml_publish.github import GitHubClient, GitHubError, RateLimited, Release, WorkflowRun
from ml_publish.release.context import Paused, ReleaseContext
from ml_publish.release.github_release import (
    client_for,
    has_weights_to_upload,
    open_draft,
    put_weights,
    released_weights,
)
from ml_publish.weights.parts import release_assets
from ml_publish.weights.upload_resume_state import UploadState

WORKFLOW_FILE = ".github/workflows/release.yml"
WORKFLOW_NAME = "Release"
POLL_SECONDS = 15.0
RESUME = "then run ml-publish release again: the wait resumes and then pushes the branch"
STATUS_WORDS = {
    "queued": "queued (no runner has taken it yet)",
    "waiting": "waiting (for an environment's required reviewers?)",
    "in_progress": "in progress",
}


@dataclass(frozen=True)
class Sighting:
    """One look at GitHub: the tag's release if published, and the tag's newest Release run."""

    published: Release | None
    run: WorkflowRun | None
    # False when the token may not list Actions runs: then the release alone is watched.
    runs_visible: bool

    @property
    def done(self) -> bool:
        """Published, and the run (if one can be seen) finished well, index upload included."""
        run = self.run
        finished = run is None or (run.status, run.conclusion) == ("completed", "success")
        return self.published is not None and finished

    @property
    def failed(self) -> bool:
        """The run is over without having done everything: it will publish nothing more."""
        return self.run is not None and self.run.status == "completed" and not self.done


def await_publish(ctx: ReleaseContext) -> None:
    """Wait until the Release workflow has published the tag's release and its run succeeded."""
    wait = ctx.options.wait_seconds
    deadline = ctx.clock() + (wait or 0)
    commit = git.resolve(ctx.root, f"{ctx.state.tag}^{{commit}}")
    # A failed attempt this machine mended the draft for: the wait goes on for its re-run.
    mended_after: tuple[int, int] | None = None
    with client_for(ctx) as client:
        sighting = look(ctx, client, commit)
        told = tell(ctx, sighting, None, commit)
        while not sighting.done:
            run = sighting.run
            if run is not None and sighting.failed and (run.id, run.run_attempt) != mended_after:
                mended = mend_weights(ctx, client)
                if not mended:
                    raise OperationFailed(ended_without_publishing(ctx, run, sighting))
                ctx.note(
                    f"{run.html_url} (attempt {run.run_attempt}) concluded {run.conclusion}; put "
                    f"{', '.join(mended)} back on the draft release {ctx.state.tag} from here: "
                    "re-run the workflow on GitHub now" + (", this wait goes on" if wait else "")
                )
                mended_after = (run.id, run.run_attempt)
            elif wait is None:
                raise Paused(handed_over(ctx, sighting))
            elif ctx.clock() >= deadline:
                raise OperationFailed(not_published_in_time(ctx, sighting))
            else:
                ctx.sleep(POLL_SECONDS)
            sighting = look(ctx, client, commit)
            told = tell(ctx, sighting, told, commit)
    assert sighting.published is not None
    ran = f" and its run {sighting.run.html_url} succeeded" if sighting.run else ""
    ctx.note(f"the Release workflow published {sighting.published.html_url}{ran}")
    UploadState.load(ctx.root, str(ctx.state.repository), ctx.state.tag).clear()


def look(ctx: ReleaseContext, client: GitHubClient, commit: str | None) -> Sighting:
    """The release and the run as GitHub shows them now (after the client's own retries)."""
    tag = ctx.state.tag
    try:
        release = client.get_release_by_tag(tag)
        try:
            runs = client.list_workflow_runs(branch=tag, event="push")
        except GitHubError as error:
            if error.status not in (403, 404) or isinstance(error, RateLimited):
                raise
            runs, visible = [], False  # a token without actions: read; the release still shows
        else:
            visible = True
    except GitHubError as error:
        raise OperationFailed(
            f"while waiting for the Release workflow to publish {tag}: {error}"
        ) from None
    ours = [run for run in runs if run.head_branch == tag and is_release_run(run, commit)]
    run = max(ours, key=lambda run: run.id, default=None)  # a re-pushed tag's newest run
    published = release if release is not None and not release.draft else None
    return Sighting(published, run, visible)


def tell(ctx: ReleaseContext, sighting: Sighting, told: object, commit: str | None) -> object:
    """Say which run the wait is for and its status, when either changed since ``told``;
    what was said, for the next call."""
    run = sighting.run
    seen: object = (run.id, run.run_attempt, run.status) if run else sighting.runs_visible
    if seen == told:
        return told
    if run is not None:
        ctx.note(f"Release workflow run {run.html_url} (attempt {run.run_attempt}): {status(run)}")
    elif sighting.runs_visible:
        on = f" on {commit[:12]}" if commit else ""
        ctx.note(
            f"waiting for the Release workflow ({WORKFLOW_FILE}) to start on {ctx.state.tag}{on}"
        )
    else:
        ctx.note(
            "the token may not list Actions runs (give it actions: read): watching the release "
            f"{ctx.state.tag} only"
        )
    return seen


def status(run: WorkflowRun) -> str:
    if run.status == "completed":
        return f"completed, {run.conclusion}"
    return STATUS_WORDS.get(run.status, run.status)


def handed_over(ctx: ReleaseContext, sighting: Sighting) -> str:
    """What ``--no-wait`` leaves to the next run."""
    run = sighting.run
    where = f"its run {run.html_url} is {status(run)}" if run else "its run has not started yet"
    return (
        f"not waiting (--no-wait): the Release workflow publishes {ctx.state.tag} on GitHub and "
        f"{where}; once it has published, run ml-publish release again to push the branch"
    )


def is_release_run(run: WorkflowRun, commit: str | None) -> bool:
    """Whether ``run`` is the Release workflow's, on the release commit."""
    workflow = run.workflow_file.endswith(WORKFLOW_FILE) or run.name == WORKFLOW_NAME
    return workflow and commit in (None, run.head_sha)


def mend_weights(ctx: ReleaseContext, client: GitHubClient) -> list[str]:
    """Put back on the draft the weights it lacks or holds wrong, from here; their names."""
    if not has_weights_to_upload(ctx):
        return []
    _, uploader = open_draft(ctx, client)
    if uploader is None:
        return []
    wrong = [
        entry.name
        for entry in released_weights(ctx)
        if not all(uploader.has_verified(asset) for asset, _ in release_assets(entry))
    ]
    if wrong:
        put_weights(ctx, uploader)
    return wrong


def ended_without_publishing(ctx: ReleaseContext, run: WorkflowRun, sighting: Sighting) -> str:
    what = f"the Release workflow's run for {ctx.state.tag}, {run.html_url} (attempt "
    what += f"{run.run_attempt}),"
    if sighting.published is None:
        return (
            f"{what} concluded {run.conclusion} without publishing the release; its log says "
            f"why: fix that, re-run the workflow on GitHub, {RESUME}"
        )
    return (
        f"{what} published the GitHub release but concluded {run.conclusion} (the upload to "
        f"the index?); its log says why: fix that, re-run its failed jobs on GitHub, {RESUME}"
    )


def not_published_in_time(ctx: ReleaseContext, sighting: Sighting) -> str:
    tag, minutes, run = ctx.state.tag, waited(ctx), sighting.run
    if run is not None:
        state = STATUS_WORDS.get(run.status, run.status)
        if sighting.failed:
            state = f"concluded {run.conclusion} and was not re-run"
        done = "published the GitHub release" if sighting.published else "published"
        return (
            f"the Release workflow has not {done} {tag} after {minutes}: its run "
            f"{run.html_url} (attempt {run.run_attempt}) is {state}; once it has finished (re-run "
            f"it on GitHub if it is stuck), {RESUME}"
        )
    if not sighting.runs_visible:
        return (
            f"the Release workflow has not published {tag} after {minutes}, and the "
            "token may not list its runs (give it actions: read); look at the repository's "
            f"Actions tab, {RESUME}"
        )
    return (
        f"no run of the Release workflow ({WORKFLOW_FILE}) started for tag {tag} in {minutes}: "
        "the file must exist on the tagged commit and Actions be enabled for the "
        f"repository; look at the repository's Actions tab, {RESUME}"
    )


def waited(ctx: ReleaseContext) -> str:
    minutes = (ctx.options.wait_seconds or 0) / 60
    return f"{minutes:g} minute{'' if minutes == 1 else 's'}"


def plan_await(ctx: ReleaseContext) -> list[str]:
    if ctx.options.wait_seconds is None:
        return [
            f"look once whether the Release workflow has published {ctx.state.tag}; if not, stop "
            "(--no-wait) and leave the branch push to the next ml-publish release"
        ]
    return [
        f"wait up to {waited(ctx)} for the Release workflow's run on {ctx.state.tag} to "
        "publish the GitHub release and upload to the index, saying the run and its status",
        "stop with the run's address if it ends without publishing; put back from here any "
        "weight its draft lacks",
    ]
