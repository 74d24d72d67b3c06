"""The release's run inside the Release workflow, meeting a draft it must not publish."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

import pytest

from ml_publish.errors import OperationFailed
from ml_publish.sandbox.github_emulator import GitHubEmulator
from tests.support.releases import (
    OWNER,
    REPO,
    UNREPRODUCIBLE_BUILD,
    FailedStep,
    ReleaseWorkflow,
    ReleaseWorld,
    Timeline,
    git,
)

TAG = "v0.1.1"
DISTS = ["leaf_counter-0.1.1-py3-none-any.whl", "leaf_counter-0.1.1.tar.gz"]


def error_line(failure: FailedStep | None) -> str:
    """The one line the failed step printed, without the command's ``ml-publish: error:``."""
    assert failure is not None and failure.job == "github-release", failure
    (line,) = failure.stderr.strip().splitlines()
    return line.removeprefix("ml-publish: error: ")


def replace_bytes(gh: GitHubEmulator, asset: Any) -> str:
    """Give ``asset`` other bytes of the same size, as an upload of the wrong file would."""
    other = random.Random("other bytes").randbytes(asset.size)
    asset.file.write_bytes(other)
    gh.state.finish_upload(asset, asset.size, hashlib.sha256(other).hexdigest())
    return hashlib.sha256(other).hexdigest()


def nothing_published(world: ReleaseWorld) -> bool:
    return [release.draft for release in world.releases()] == [True] and not world.index.files()


@pytest.mark.parametrize("damage", ["missing", "other bytes"])
def test_a_weight_missing_or_wrong_on_the_draft_publishes_nothing_and_is_mended_from_here(
    release_world: ReleaseWorld,
    uninterrupted_workflow_release: dict[str, Any],
    tmp_path: Path,
    damage: str,
) -> None:
    world = release_world
    world.publish_from_workflow()
    workflow = ReleaseWorkflow(world, tmp_path / "actions")
    seen: dict[str, Any] = {}

    def github() -> None:
        if workflow.attempts == 0:
            unet = world.draft_asset("leaf-unet")
            seen["unet"] = (unet.name, unet.digest.removeprefix("sha256:"))
            if damage == "missing":
                world.gh.state.delete_asset(OWNER, REPO, unet.id)
            else:
                seen["other"] = replace_bytes(world.gh, unet)
            assert workflow.attempt() == "failure"
            seen["line"], seen["nothing published"] = error_line(workflow.failure), (
                nothing_published(world)
            )
        elif workflow.attempts == 1:
            assert workflow.attempt() == "success", workflow.failure  # re-run, as asked

    world.release(timeline=Timeline(github))

    name, sha256 = seen["unet"]
    fix = (
        f", and this checkout has no staged copy; on the machine that released {TAG} run "
        "ml-publish release (it puts its staged copy on the draft), then re-run this workflow; "
        "nothing was published"
    )
    if damage == "missing":
        assert seen["line"] == f"leaf-unet ({name}) is not on the draft release {TAG}{fix}"
    else:
        assert seen["line"] == (
            f"{name} on the draft release {TAG} has SHA-256 {seen['other']}, the registry says "
            f"{sha256}{fix}"
        )
    assert seen["nothing published"]
    mended = f"put leaf-unet back on the draft release {TAG} from here: re-run the workflow"
    assert any(mended in line for line in world.said)
    assert workflow.attempts == 2
    assert world.comparable() == uninterrupted_workflow_release
    assert world.index_saw_only_published_releases()


def test_a_workflow_build_unlike_the_local_one_is_refused_and_can_be_published_instead(
    release_world: ReleaseWorld, uninterrupted_workflow_release: dict[str, Any], tmp_path: Path
) -> None:
    world = release_world
    world.publish_from_workflow()
    # The build step of a release.yml generated before it set SOURCE_DATE_EPOCH.
    workflow = ReleaseWorkflow(world, tmp_path / "actions", build_script=UNREPRODUCIBLE_BUILD)

    with pytest.raises(OperationFailed, match=r"concluded failure without publishing"):
        world.release(timeline=Timeline(workflow.attempt_once))

    line = error_line(workflow.failure)
    sdist = world.draft_asset(DISTS[1])
    assert line.startswith(
        f"dist/{DISTS[1]} built by the workflow differs from the sdist the local release put on "
        f"the draft release {TAG} (SHA-256 "
    )
    assert f" here, {sdist.digest.removeprefix('sha256:')} there): builds must be reproducible" in (
        line
    )
    assert line.endswith(
        "nothing was published: to publish this workflow's build instead, delete the sdist and "
        "wheel from the draft release, then re-run this workflow"
    )
    assert nothing_published(world)

    # The correction the line offers: the workflow's build goes out instead of this machine's.
    for name in DISTS:
        world.gh.state.delete_asset(OWNER, REPO, world.draft_asset(name).id)
    assert workflow.attempt() == "success", workflow.failure
    world.release(bump=None, timeline=Timeline())

    assert world.comparable() == uninterrupted_workflow_release
    assert world.index_saw_only_published_releases()
    assert git(world.remote, "rev-parse", "main") == git(world.root, "rev-parse", f"{TAG}^{{}}")
