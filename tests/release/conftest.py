"""What the release tests compare against: a release published by the Release workflow,
uninterrupted, made once per session in a world of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.index_faults import RecordingPackageIndex
from tests.support.releases import (
    ReleaseWorkflow,
    ReleaseWorld,
    Timeline,
    github_release_status,
    make_releasable,
    set_environment,
)


@pytest.fixture(scope="session")
def uninterrupted_workflow_release(
    plain_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The comparable snapshot of a ``publish = "workflow"`` release nothing went wrong in."""
    workspace = tmp_path_factory.mktemp("workflow-reference")
    with pytest.MonkeyPatch.context() as patch, GitHubEmulatorWithFaults() as gh:
        with RecordingPackageIndex(on_upload=lambda: github_release_status(gh)) as index:
            set_environment(patch, gh, index)
            root, remote = make_releasable(plain_project, workspace)
            world = ReleaseWorld(root, remote, gh, index)
            world.publish_from_workflow()
            workflow = ReleaseWorkflow(world, workspace / "actions")
            world.release(timeline=Timeline(workflow.attempt_once))
            assert workflow.attempts == 1 and workflow.failure is None
            return world.comparable()
