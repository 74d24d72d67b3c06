"""Actions workflow runs in the GitHub emulator, started, moved and re-run as GitHub would.

No workflow runs in the emulator, and no user command starts one: a test adds a run when it
pushes a tag (``start_workflow_run``), moves it through its statuses (``update_workflow_run``)
and re-runs it as a user would ("Re-run all jobs", ``rerun_workflow_run``). The emulator's state
only lists what these add (ml_publish/sandbox/github_state.py).
"""

from __future__ import annotations

from datetime import datetime, timezone

from ml_publish.sandbox.github_state import GitHubState, WorkflowRun

# A run's statuses and conclusions, as the workflow-runs reference lists them.
RUN_STATUSES = ("requested", "queued", "pending", "waiting", "in_progress", "completed")
RUN_CONCLUSIONS = (
    "success",
    "failure",
    "neutral",
    "cancelled",
    "skipped",
    "timed_out",
    "action_required",
    "stale",
    "startup_failure",
)


def start_workflow_run(
    state: GitHubState,
    owner: str,
    repo: str,
    *,
    head_branch: str,
    head_sha: str,
    name: str = "Release",
    path: str = ".github/workflows/release.yml",
    event: str = "push",
) -> WorkflowRun:
    """A queued run of ``path``, as a push of ``head_branch`` (a tag's name, for a tag
    push) at commit ``head_sha`` starts one on GitHub."""
    now = _now()
    with state.lock:
        earlier = [run for run in state.workflow_runs(owner, repo, {}) if run.path == path]
        # GitHub gives each workflow file its own id, which all of its runs name.
        workflow_id = earlier[0].workflow_id if earlier else state.next_id()
        run = WorkflowRun(
            id=state.next_id(),
            workflow_id=workflow_id,
            owner=owner,
            repo=repo,
            name=name,
            path=path,
            head_branch=head_branch,
            head_sha=head_sha,
            event=event,
            run_number=1 + len(earlier),
            created_at=now,
            updated_at=now,
            run_started_at=now,
        )
        state.add_workflow_run(run)
    return run


def update_workflow_run(
    state: GitHubState, run: WorkflowRun, status: str, conclusion: str | None = None
) -> WorkflowRun:
    """Move ``run`` to ``status``; a "completed" run needs its ``conclusion``, others none."""
    if status not in RUN_STATUSES:
        raise ValueError(f"a workflow run's status is one of {RUN_STATUSES}, not {status!r}")
    if (status == "completed") != (conclusion in RUN_CONCLUSIONS):
        raise ValueError(f"a {status} run cannot have the conclusion {conclusion!r}")
    with state.lock:
        run.status, run.conclusion, run.updated_at = status, conclusion, _now()
    return run


def rerun_workflow_run(state: GitHubState, run: WorkflowRun) -> WorkflowRun:
    """Start ``run`` again, as "Re-run all jobs" does: the same run, its next attempt."""
    with state.lock:
        run.run_attempt += 1
        run.status, run.conclusion = "queued", None
        run.run_started_at = run.updated_at = _now()
    return run


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
