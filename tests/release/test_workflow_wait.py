"""The local run's wait for the Release workflow, against the emulator's releases and runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ml_publish.errors import OperationFailed
from ml_publish.release.context import ReleaseContext
from ml_publish.release.release_settings import WAIT_MINUTES, ReleaseSettings
from ml_publish.release.state import ReleaseState
from ml_publish.release.workflow_wait import POLL_SECONDS, await_publish
from ml_publish.sandbox.github_state import Release, WorkflowRun
from ml_publish.weights.project import Project
from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.releases import REPOSITORY as RELEASED
from tests.support.releases import ReleaseWorkflow, ReleaseWorld, Timeline, git
from tests.support.weights_projects import OWNER, REPO, REPOSITORY, use_emulator
from tests.support.workflow_runs import rerun_workflow_run, start_workflow_run, update_workflow_run

TAG = "v0.1.1"
RESUME = "then run ml-publish release again: the wait resumes and then pushes the branch"


@dataclass
class Waiting:
    """A local run in its wait: a tagged repository, the emulator, and a clock of its own."""

    gh: GitHubEmulatorWithFaults
    root: Path
    commit: str
    timeline: Timeline = field(default_factory=Timeline)
    said: list[str] = field(default_factory=list)

    def wait(self, meanwhile: Callable[[], None] = lambda: None) -> None:
        """Wait as ``ml-publish release`` would, while ``meanwhile`` acts at each poll."""
        self.timeline.meanwhile = meanwhile
        state = ReleaseState("0.1.1", TAG, "0.1.0", "main", REPOSITORY, "workflow", True, False)
        ctx = ReleaseContext(
            root=self.root,
            project=Project(self.root, self.root / "leaf_counter" / "weights.json"),
            options=ReleaseSettings(api_url=self.gh.api_url, progress=False),
            state=state,
            say=self.said.append,
            sleep=self.timeline.sleep,
            clock=self.timeline.clock,
        )
        await_publish(ctx)

    def start_run(self, **fields: str) -> WorkflowRun:
        """The run a push of the tag starts (``fields`` change what GitHub would say)."""
        settings = {"head_branch": TAG, "head_sha": self.commit} | fields
        return start_workflow_run(self.gh.state, OWNER, REPO, **settings)

    def end(self, run: WorkflowRun, conclusion: str = "success") -> None:
        update_workflow_run(self.gh.state, run, "completed", conclusion)

    def publish(self) -> Release:
        """What the workflow's github-release job does: the draft goes public."""
        draft = self.gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
        return self.gh.state.update_release(OWNER, REPO, draft.id, {"draft": False})


def tagged_project(
    gh: GitHubEmulatorWithFaults, root: Path, monkeypatch: pytest.MonkeyPatch
) -> Waiting:
    """A repository whose one commit is tagged ``TAG``, waiting on ``gh``."""
    use_emulator(monkeypatch, gh)
    root.mkdir()
    identity = ("-c", "user.name=Release Tests", "-c", "user.email=release@ml-publish.invalid")
    git(root, "init", "--quiet")
    git(root, *identity, "commit", "--quiet", "--allow-empty", "--message", f"Release {TAG}")
    git(root, *identity, "tag", "--annotate", "--message", f"Release {TAG}", TAG)
    return Waiting(gh, root, git(root, "rev-parse", "HEAD"))


@pytest.fixture
def waiting(
    gh: GitHubEmulatorWithFaults, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Waiting:
    return tagged_project(gh, tmp_path / "leaf-counter", monkeypatch)


def failure_of(wait: Callable[[], object]) -> str:
    """The one line a wait ended with."""
    with pytest.raises(OperationFailed) as raised:
        wait()
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_the_wait_lasts_until_the_release_is_published_and_its_run_has_succeeded(
    waiting: Waiting,
) -> None:
    runs: list[WorkflowRun] = []

    def github() -> None:
        polls = waiting.timeline.polls
        if polls == 1:
            runs.append(waiting.start_run())
            update_workflow_run(waiting.gh.state, runs[0], "in_progress")
        elif polls == 2:
            waiting.publish()  # the github-release job; the index upload is still to come
        elif polls == 3:
            waiting.end(runs[0])

    waiting.wait(github)

    assert waiting.timeline.polls == 3
    run_url = f"{waiting.gh.server_url}/{REPOSITORY}/actions/runs/{runs[0].id}"
    *told, last = waiting.said
    # The run it waits for, found by the tag's commit, and each change of its status.
    assert told == [
        f"    waiting for the Release workflow (.github/workflows/release.yml) to start on {TAG}"
        f" on {waiting.commit[:12]}",
        f"    Release workflow run {run_url} (attempt 1): in progress",
        f"    Release workflow run {run_url} (attempt 1): completed, success",
    ]
    assert f"/releases/tag/{TAG}" in last
    assert f"its run {run_url}" in last


@pytest.mark.parametrize("conclusion", ["failure", "cancelled", "timed_out"])
def test_a_run_that_ends_without_publishing_ends_the_wait_at_once_then_a_rerun_resumes_it(
    waiting: Waiting, conclusion: str
) -> None:
    run = waiting.start_run()

    message = failure_of(lambda: waiting.wait(lambda: waiting.end(run, conclusion)))

    assert waiting.timeline.polls == 1
    url = f"{waiting.gh.server_url}/{REPOSITORY}/actions/runs/{run.id}"
    assert message == (
        f"the Release workflow's run for {TAG}, {url} (attempt 1), concluded {conclusion} "
        "without publishing the release; its log says why: fix that, re-run the workflow on "
        f"GitHub, {RESUME}"
    )

    rerun_workflow_run(waiting.gh.state, run)  # "Re-run all jobs" on GitHub

    def rerun_publishes() -> None:
        waiting.publish()
        waiting.end(run)

    waiting.wait(rerun_publishes)
    assert waiting.timeline.polls == 2


def test_a_run_that_published_but_failed_afterwards_points_at_its_failed_jobs(
    waiting: Waiting,
) -> None:
    run = waiting.start_run()
    waiting.publish()
    waiting.end(run, "failure")  # Trusted Publishing refused, say

    message = failure_of(waiting.wait)

    assert "published the GitHub release but concluded failure (the upload to the index?)" in (
        message
    )
    assert f"re-run its failed jobs on GitHub, {RESUME}" in message
    assert waiting.timeline.polls == 0


def test_at_the_deadline_the_wait_names_the_run_and_its_status(waiting: Waiting) -> None:
    run = waiting.start_run()  # queued, and no runner ever takes it

    message = failure_of(waiting.wait)

    assert waiting.timeline.polls == WAIT_MINUTES * 60 / POLL_SECONDS
    url = f"{waiting.gh.server_url}/{REPOSITORY}/actions/runs/{run.id}"
    assert message == (
        f"the Release workflow has not published {TAG} after 30 minutes: its run {url} "
        "(attempt 1) is queued (no runner has taken it yet); once it has finished (re-run it "
        f"on GitHub if it is stuck), {RESUME}"
    )


def test_without_a_run_of_release_yml_on_the_tag_the_wait_says_so_at_the_deadline(
    waiting: Waiting,
) -> None:
    # Runs that are not the Release workflow's run on this tag's commit.
    ci = waiting.start_run(name="CI", path=".github/workflows/ci.yml")
    waiting.end(ci, "failure")
    waiting.end(waiting.start_run(head_branch="v0.1.0"), "failure")
    waiting.end(waiting.start_run(head_sha="f" * 40), "failure")

    message = failure_of(waiting.wait)

    assert message == (
        f"no run of the Release workflow (.github/workflows/release.yml) started for tag {TAG} "
        "in 30 minutes: the file must exist on the tagged commit and Actions be enabled for "
        f"the repository; look at the repository's Actions tab, {RESUME}"
    )


def test_a_run_whose_path_carries_a_ref_is_the_release_workflows(waiting: Waiting) -> None:
    run = waiting.start_run(path=f".github/workflows/release.yml@refs/tags/{TAG}", name="Ship")
    waiting.end(run, "failure")

    assert f"/actions/runs/{run.id} (attempt 1), concluded failure" in failure_of(waiting.wait)


def test_github_failing_for_a_while_during_the_wait_is_retried(waiting: Waiting) -> None:
    run = waiting.start_run()

    def outage_then_publish() -> None:
        faults = waiting.gh.faults
        faults.server_error(502, path="/releases/tags/")
        faults.hang_up(path="/actions/runs$")
        faults.server_error(503, path="/actions/runs$")
        waiting.publish()
        waiting.end(run)

    waiting.wait(outage_then_publish)

    assert waiting.gh.faults.queued == 0
    assert waiting.timeline.polls == 1
    # The 502 and the 503 each cost the first backoff; the hang-up came on a kept-alive
    # connection, which the client reopens at once.
    assert waiting.timeline.now - Timeline().now == POLL_SECONDS + 1 + 1


def test_a_persistent_outage_ends_the_wait_in_one_line_without_the_token_and_a_rerun_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "ghp_never-show-this-token-0123456789"
    with GitHubEmulatorWithFaults(token=token) as gh:
        waiting = tagged_project(gh, tmp_path / "leaf-counter", monkeypatch)
        run = waiting.start_run()
        gh.faults.server_error(502, path="/actions/runs$", times=5)

        # An MLPublishError: the command prints its message alone, as one line, exit code 1.
        message = failure_of(waiting.wait)

        assert message == (
            f"while waiting for the Release workflow to publish {TAG}: GitHub kept failing GET "
            f"/repos/{REPOSITORY}/actions/runs (502 Bad Gateway) after 5 attempts; try again "
            "later (a re-run resumes where this one stopped)"
        )
        assert token not in message
        waiting.publish()
        waiting.end(run)
        waiting.wait()
        assert waiting.said[-1].startswith("    the Release workflow published")


def test_a_workflow_that_never_publishes_stops_the_local_run_and_a_rerun_there_and_here_ends_it(
    release_world: ReleaseWorld, uninterrupted_workflow_release: dict[str, Any], tmp_path: Path
) -> None:
    world = release_world
    world.publish_from_workflow()
    workflow = ReleaseWorkflow(world, tmp_path / "actions")
    timeline = Timeline(lambda: workflow.end_without_running("failure"))

    message = failure_of(lambda: world.release(timeline=timeline))

    assert workflow.run is not None and timeline.polls == 1
    url = f"{world.gh.server_url}/{RELEASED}/actions/runs/{workflow.run.id}"
    assert message.startswith(f"the Release workflow's run for {TAG}, {url} (attempt 1), ")
    assert message.endswith(f"re-run the workflow on GitHub, {RESUME}")
    assert [release.draft for release in world.releases()] == [True]
    assert world.index.files() == {}
    assert git(world.remote, "rev-parse", "main") != git(world.root, "rev-parse", f"{TAG}^{{}}")

    assert workflow.attempt() == "success"  # re-run on GitHub
    world.release(bump=None, timeline=Timeline())

    assert world.comparable() == uninterrupted_workflow_release
    assert world.index_saw_only_published_releases()


def test_a_github_outage_while_waiting_ends_the_run_in_one_line_and_a_rerun_completes(
    release_world: ReleaseWorld, uninterrupted_workflow_release: dict[str, Any], tmp_path: Path
) -> None:
    world = release_world
    world.publish_from_workflow()
    workflow = ReleaseWorkflow(world, tmp_path / "actions")
    world.gh.faults.server_error(502, path="/actions/runs$", times=5)

    message = failure_of(lambda: world.release(timeline=Timeline()))

    assert message.startswith(f"while waiting for the Release workflow to publish {TAG}: ")
    assert "(502 Bad Gateway) after 5 attempts" in message
    assert world.gh.token not in message
    world.release(bump=None, timeline=Timeline(workflow.attempt_once))

    assert workflow.attempts == 1
    assert world.comparable() == uninterrupted_workflow_release
