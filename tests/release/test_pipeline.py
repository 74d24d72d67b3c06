"""``ml-publish release`` end to end: the emulator, a real pypiserver, real git, build and twine."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_publish.cli import main
from ml_publish.errors import MLPublishError, OperationFailed, UsageError
from ml_publish.release.context import DIST_DIR
from ml_publish.release.dists import IndexHoldsOtherFiles
from ml_publish.release.pipeline import configured_publish
from ml_publish.release.state import RELEASE_STATE_FILE, ReleaseState
from ml_publish.weights.registration import add_weights
from ml_publish.weights.registry import load_registry
from tests.support.fuzzing import fuzzed, toml_values
from tests.support.github_faults import GitHubEmulatorWithFaults, Hold
from tests.support.index_faults import RecordingPackageIndex
from tests.support.processes import (
    READ_SECONDS,
    quiet_end,
    run_into_closed_pipe,
    start_interruptible,
)
from tests.support.releases import (
    OWNER,
    REPO,
    REPOSITORY,
    WEIGHTS,
    ReleaseWorkflow,
    ReleaseWorld,
    Timeline,
    fail_commits_once,
    git,
    make_releasable,
    reject_pushes_once,
    set_environment,
)
from tests.support.terminal import run_on_terminal
from tests.support.venvs import create_venv
from tests.support.weights_projects import generated_loader
from tests.support.workflow_runs import start_workflow_run, update_workflow_run

TAG = "v0.1.1"
# twine tries an upload that gets a 5xx answer this many times before it gives up.
TWINE_ATTEMPTS = 5
STEP_TITLES = [
    "Preflight",
    "Bump the version",
    "Build and check the distributions",
    "Fill a draft GitHub release",
    "Push the tag",
    "Publish the GitHub release",
    "Upload to the package index",
    "Push the branch",
]
ASSETS = [
    "leaf-small",
    "leaf-unet",
    "leaf_counter-0.1.1-py3-none-any.whl",
    "leaf_counter-0.1.1.tar.gz",
]


def asset_names(world: ReleaseWorld) -> list[str]:
    return sorted(asset.name for release in world.releases() for asset in release.assets)


@pytest.fixture
def uninterrupted(
    plain_project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """What an uninterrupted release leaves behind, from a world of its own."""
    with monkeypatch.context() as patch:
        with GitHubEmulatorWithFaults() as gh, RecordingPackageIndex() as index:
            set_environment(patch, gh, index)
            root, remote = make_releasable(plain_project, tmp_path_factory.mktemp("reference"))
            world = ReleaseWorld(root, remote, gh, index)
            world.release()
            return world.comparable()


def test_a_split_weight_is_released_part_by_part_and_its_loader_joins_it(
    release_world: ReleaseWorld, tmp_path: Path
) -> None:
    world = release_world
    content = random.Random("split").randbytes(50_000)
    (tmp_path / "split.pth").write_bytes(content)
    add_weights(
        world.root, tmp_path / "split.pth", name="split", part_size=20_000, repository=REPOSITORY
    )
    git(world.root, "commit", "--quiet", "--all", "--message", "Add a weight in parts")

    world.release()

    registry = world.root / "leaf_counter" / "weights.json"
    (split,) = [entry for entry in load_registry(registry) if entry.name == "split"]
    (release,) = world.releases()
    digests = {asset.name: asset.digest for asset in release.assets}
    assert split.file_name not in digests
    assert [digests[part.file_name] for part in split.parts] == [
        f"sha256:{part.sha256}" for part in split.parts
    ]
    pretrained = generated_loader(world.root / "leaf_counter" / "pretrained.py")
    loaded = pretrained.Registry.from_text(registry.read_text()).download(
        "split", cache_dir=tmp_path / "cache", progress=False
    )
    assert loaded.read_bytes() == content


def test_release_publishes_everything_and_a_fresh_venv_installs_it_and_loads_the_weights(
    release_world: ReleaseWorld, tmp_path: Path
) -> None:
    world = release_world
    world.release()

    (release,) = world.releases()
    assert (release.tag_name, release.draft) == (TAG, False)
    names = sorted(asset.name for asset in release.assets)
    assert [name.split("-")[0] if name.endswith(".pth") else name for name in names] == sorted(
        ["leaf", "leaf", *ASSETS[2:]]
    )
    assert sorted(world.index.files()) == ASSETS[2:]
    assert git(world.root, "log", "-1", "--format=%s") == f"Release {TAG}"
    assert git(world.root, "cat-file", "-t", TAG) == "tag"  # annotated
    assert world.origin_matches_local()
    assert git(world.remote, "rev-parse", "main") == git(
        world.root, "rev-parse", f"{TAG}^{{commit}}"
    )
    assert not (world.root / RELEASE_STATE_FILE).exists()
    entries = load_registry(world.root / "leaf_counter" / "weights.json")
    assert {e.status for e in entries} == {"uploaded"}
    assert all(f"/releases/download/{TAG}/" in e.url for e in entries)
    readme = git(world.root, "show", f"{TAG}:README.md")
    assert all(entry.url in readme for entry in entries)
    assert '__version__ = "0.1.1"' in git(world.root, "show", f"{TAG}:leaf_counter/__init__.py")
    assert "## Changes" in (release.body or "") and "Train the leaf counter" in (release.body or "")
    assert world.index_saw_only_published_releases()

    venv = create_venv(tmp_path / "venv")
    venv.pip_install("--index-url", world.index.simple_url, "leaf-counter==0.1.1")
    loaded = subprocess.run(
        [
            venv.python,
            "-c",
            "import json, sys; from leaf_counter.pretrained import download_weights, list_models;"
            "print(json.dumps({n: download_weights(n, cache_dir=sys.argv[1], progress=False)"
            ".read_bytes().hex()[:16] for n in list_models()}))",
            str(tmp_path / "cache"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    staged = {e.name: (world.root / ".ml-publish/weights" / e.file_name) for e in entries}
    expected = {name: path.read_bytes().hex()[:16] for name, path in staged.items()}
    assert json.loads(loaded.stdout) == expected


def test_dry_run_prints_every_step_and_changes_nothing(release_world: ReleaseWorld) -> None:
    world = release_world
    before = world.snapshot()
    world.release(dry_run=True)
    said = "\n".join(world.said)
    for title in (
        "Preflight",
        "Bump",
        "Build",
        "draft",
        "Push the tag",
        "Publish",
        "index",
        "branch",
    ):
        assert title in said
    assert "would set the version 0.1.0 -> 0.1.1" in said
    assert "would set version 0.1.1, date-released in CITATION.cff" in said
    assert world.snapshot() == before
    assert {request.method for request in world.gh.requests} <= {"GET"}
    assert world.index.uploads == []


def run_then_resume(world: ReleaseWorld, failure: type[BaseException] = MLPublishError) -> str:
    """Release, expecting a failure; then release again. The first failure's text."""
    with pytest.raises(failure) as raised:
        world.release()
    assert (world.root / RELEASE_STATE_FILE).exists()
    world.release(bump=None)
    return str(raised.value)


def assert_same_as_uninterrupted(world: ReleaseWorld, uninterrupted: dict[str, Any]) -> None:
    assert world.comparable() == uninterrupted
    assert world.index_saw_only_published_releases()
    assert max(world.completed_uploads().values()) == 1, world.completed_uploads()


def test_a_failed_commit_is_resumed(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    fail_commits_once(release_world.root)
    run_then_resume(release_world)
    assert_same_as_uninterrupted(release_world, uninterrupted)


def test_a_failed_build_is_resumed(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as offline:
        # As if the network dropped: pip cannot fetch the build backend.
        offline.setenv("PIP_NO_INDEX", "1")
        offline.setenv("PIP_FIND_LINKS", "")
        offline.setenv("PIP_NO_CACHE_DIR", "1")
        with pytest.raises(OperationFailed, match="python -m build failed"):
            release_world.release()
    release_world.release(bump=None)
    assert_same_as_uninterrupted(release_world, uninterrupted)


def test_a_github_outage_while_drafting_is_resumed(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    # The hourly quota is spent for longer than a run waits: the run stops, a later one resumes.
    release_world.gh.faults.exhaust_rate_limit(int(time.time()) + 7200, method="POST", times=1)
    message = run_then_resume(release_world)
    assert "rate limit" in message.lower()
    assert_same_as_uninterrupted(release_world, uninterrupted)


def test_a_refused_tag_push_is_resumed_by_the_same_command_and_another_version_is_refused(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    world = release_world
    reject_pushes_once(world.remote, "refs/tags/")
    with pytest.raises(MLPublishError):
        world.release()  # --bump patch: 0.1.0 -> 0.1.1, committed and tagged; the push fails
    before = world.snapshot()

    with pytest.raises(UsageError) as raised:
        world.release(bump="minor")
    assert str(raised.value) == (
        "the release of v0.1.1 is under way (preflight, bump, build, github-draft done) and "
        "--bump minor asks for 0.2.0; run ml-publish release to finish v0.1.1, or ml-publish "
        "release --abandon to undo it"
    )
    assert world.snapshot() == before

    world.release()  # the same --bump patch names 0.1.1, reckoned from 0.1.0: it carries on
    assert_same_as_uninterrupted(world, uninterrupted)


def test_a_failed_publish_is_resumed(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    release_world.gh.faults.exhaust_rate_limit(
        int(time.time()) + 7200, method="PATCH", path=r"/releases/\d+$"
    )
    run_then_resume(release_world)
    assert_same_as_uninterrupted(release_world, uninterrupted)


def test_a_failing_twine_is_resumed_and_the_index_waits_for_github(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    release_world.index.fail_uploads(times=TWINE_ATTEMPTS)
    message = run_then_resume(release_world)
    assert "twine upload failed" in message and "503" in message
    assert_same_as_uninterrupted(release_world, uninterrupted)


def test_a_partial_upload_skips_the_file_the_index_has_with_the_same_hash(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    # The first dist arrives, the second not.
    release_world.index.fail_uploads(times=TWINE_ATTEMPTS, after=1)
    run_then_resume(release_world)
    assert "already on the index with the same SHA-256; skipped" in "\n".join(release_world.said)
    assert_same_as_uninterrupted(release_world, uninterrupted)
    assert len(release_world.index.accepted_uploads()) == 2


def test_a_refused_branch_push_is_resumed(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    reject_pushes_once(release_world.remote, "refs/heads/")
    run_then_resume(release_world)
    assert_same_as_uninterrupted(release_world, uninterrupted)


def reached_while_running(hold: Hold, process: subprocess.Popen[Any]) -> None:
    """Return once the emulator holds the request ``hold`` waits for; fail if ``process``
    ends first (its output shows why) or never gets there."""
    deadline = time.monotonic() + READ_SECONDS
    while not hold.reached.wait(timeout=1):  # each second, see whether the release ended
        if process.poll() is not None:
            raise AssertionError(f"the release ended early: {process.communicate()}")
        assert time.monotonic() < deadline, "the release never made the request held for it"
    assert process.poll() is None


def let_go(hold: Hold) -> None:
    """Release a held request whose client is gone and wait until the emulator is done with it
    (it leaves a starter asset, as GitHub does for a dropped upload)."""
    hold.release()
    assert hold.done.wait(timeout=READ_SECONDS)


def test_a_release_killed_mid_upload_is_resumed_without_uploading_a_finished_asset_twice(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any]
) -> None:
    world = release_world
    unet = next(
        e for e in load_registry(world.root / "leaf_counter/weights.json") if e.name == "leaf-unet"
    )
    # The connection drops mid-file; the process is killed while its retry is held unanswered.
    world.gh.faults.cut_upload(1000, name=unet.file_name)
    retry = world.gh.faults.hold(method="POST", name=unet.file_name, after=1)
    command = [sys.executable, "-m", "ml_publish", *world.cli_words("--bump", "patch")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
        reached_while_running(retry, process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=READ_SECONDS)
    let_go(retry)
    assert ReleaseState.load(world.root) is not None
    world.release(bump=None)
    assert_same_as_uninterrupted(world, uninterrupted)


def test_ctrl_c_mid_upload_exits_130_in_one_line_and_the_same_command_carries_on(
    release_world: ReleaseWorld, uninterrupted: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    world = release_world
    unet = next(
        e for e in load_registry(world.root / "leaf_counter/weights.json") if e.name == "leaf-unet"
    )
    # The connection drops mid-file; Ctrl-C comes while its retry is held unanswered.
    world.gh.faults.cut_upload(1000, name=unet.file_name)
    retry = world.gh.faults.hold(method="POST", name=unet.file_name, after=1)
    words = world.cli_words("--bump", "patch")
    command = [sys.executable, "-m", "ml_publish", *words]
    with start_interruptible(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        reached_while_running(retry, process)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=READ_SECONDS)
    let_go(retry)

    assert process.returncode == 130
    assert err == (
        "ml-publish: error: interrupted; what was finished is kept: the same command carries on\n"
    )
    # Piped, the steps are plain lines: no bars, no times, no escape codes.
    assert "[3/8] Build and check the distributions\n" in out
    assert "took" not in out and "\x1b" not in out
    assert ReleaseState.load(world.root) is not None
    assert main(words) == 0
    assert "Resuming v0.1.1 (0.1.0 -> 0.1.1)" in capsys.readouterr().out
    assert_same_as_uninterrupted(world, uninterrupted)


def test_on_a_terminal_each_step_shows_its_time_and_each_upload_a_bar(
    release_world: ReleaseWorld,
) -> None:
    environment = {"TERM": "xterm-256color", "NO_COLOR": "", "CI": ""}

    shown = run_on_terminal(
        release_world.cli_words("--bump", "patch"), cwd=release_world.root, env=environment
    )

    assert "Released v0.1.1." in shown
    # Each step's heading, then its time once it is done: lines printed above the live area.
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown).replace("\r", "\n")
    printed = [line for line in plain.split("\n") if re.match(r"\[\d/8\] |    took \d", line)]
    assert printed == [
        line
        for number, title in enumerate(STEP_TITLES, 1)
        for line in (f"[{number}/8] {title}", printed[2 * number - 1])
    ]
    assert all(re.fullmatch(r"    took \d+\.\d s", line) for line in printed[1::2])
    assert "━" in shown  # the uploads' bars
    for name in ASSETS[2:]:
        assert re.search(rf"{re.escape(name)}  \d+\.\d kB in \d+\.\d s", shown), name


def test_wait_and_no_wait_are_refused_when_this_machine_publishes(
    release_world: ReleaseWorld,
) -> None:
    before = release_world.snapshot()
    for waiting in ({"no_wait": True}, {"wait_minutes": 5.0}):
        with pytest.raises(UsageError, match=r"^--wait and --no-wait are for releases the"):
            release_world.release(**waiting)
    assert release_world.snapshot() == before


def test_no_wait_pushes_the_tag_and_stops_then_the_next_run_finishes(
    release_world: ReleaseWorld,
) -> None:
    world = release_world
    world.publish_from_workflow()

    world.release(no_wait=True)

    handed_over = world.said[-1]
    assert handed_over == (
        "    not waiting (--no-wait): the Release workflow publishes v0.1.1 on GitHub and its run "
        "has not started yet; once it has published, run ml-publish release again to push the "
        "branch"
    )
    state = ReleaseState.load(world.root)
    assert state is not None and state.done[-1] == "push-tag"
    assert not world.origin_matches_local()
    # What the workflow does on GitHub meanwhile: its run publishes the draft, then succeeds.
    (draft,) = world.releases()
    run = start_workflow_run(
        world.gh.state,
        OWNER,
        REPO,
        head_branch=TAG,
        head_sha=git(world.root, "rev-parse", f"{TAG}^{{commit}}"),
    )
    world.gh.state.update_release(OWNER, REPO, draft.id, {"draft": False})
    update_workflow_run(world.gh.state, run, "completed", "success")
    world.said.clear()

    world.release(bump=None)

    assert f"Release workflow run {run_url(world, run.id)} (attempt 1): completed, success" in (
        "\n".join(world.said)
    )
    assert world.said[-1] == "Released v0.1.1."
    assert git(world.remote, "rev-parse", "main") == git(world.root, "rev-parse", "v0.1.1^{}")


def run_url(world: ReleaseWorld, run_id: int) -> str:
    return f"{world.gh.server_url}/{OWNER}/{REPO}/actions/runs/{run_id}"


def test_a_dry_run_ends_quietly_into_a_closed_pipe(release_world: ReleaseWorld) -> None:
    result = run_into_closed_pipe(
        [*release_world.cli_words("--bump", "patch", "--dry-run")], release_world.root
    )

    assert quiet_end(result), result.stderr


def test_the_token_and_the_index_password_never_appear_in_output(
    release_world: ReleaseWorld,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = release_world
    secrets = (world.gh.token, world.index.password)
    words = world.cli_words()
    world.gh.faults.exhaust_rate_limit(int(time.time()) + 7200, method="PATCH")
    assert main([*words, "--bump", "patch"]) == 1  # publishing fails: a GitHub error is shown
    with monkeypatch.context() as wrong:
        wrong.setenv("TWINE_PASSWORD", world.index.password[::-1])  # twine's error is shown
        assert main(words) == 1
    assert main(words) == 0
    out, err = capsys.readouterr()
    assert "rate limit" in err.lower() and "twine upload failed" in err
    assert "Released v0.1.1." in out
    assert not any(secret in out + err for secret in secrets)


def test_a_resumed_release_stops_if_the_version_was_taken_on_the_index_meanwhile(
    release_world: ReleaseWorld,
) -> None:
    world = release_world
    world.gh.faults.exhaust_rate_limit(int(time.time()) + 7200, method="POST")
    with pytest.raises(MLPublishError):
        world.release()
    taken = world.root.parent / "leaf_counter-0.1.1.tar.gz"
    taken.write_bytes(b"another project's sdist")
    world.index.add_file(taken)
    with pytest.raises(IndexHoldsOtherFiles, match="bump the version"):
        world.release(bump=None)
    assert asset_names(world) == []  # nothing was uploaded to GitHub
    assert world.index.uploads == []
    assert git(world.remote, "tag", "--list") == ""


def test_with_the_release_workflow_the_local_run_hands_over_at_the_tag(
    release_world: ReleaseWorld, tmp_path: Path
) -> None:
    world = release_world
    world.publish_from_workflow()
    workflow = ReleaseWorkflow(world, tmp_path / "actions")
    built = world.root / DIST_DIR

    def meanwhile() -> None:
        # While the local run waits, the tag push has started the Release workflow, with the
        # weights and this machine's dists on the draft and nothing on the index.
        if workflow.attempts == 0:
            assert asset_names(world) == sorted(
                [world.draft_asset(name).name for name in WEIGHTS] + ASSETS[2:]
            )
            assert world.index.files() == {}
            assert workflow.attempt() == "success", workflow.failure

    world.release(timeline=Timeline(meanwhile))

    assert workflow.attempts == 1
    (published,) = world.releases()
    assert not published.draft
    assert sorted(world.index.files()) == ASSETS[2:]
    # The workflow's own build matched the dists built here, which are the ones published.
    dists = [asset for asset in published.assets if asset.name in ASSETS[2:]]
    assert len(dists) == 2
    assert all(asset.file.read_bytes() == (built / asset.name).read_bytes() for asset in dists)
    assert git(world.remote, "rev-parse", "main") == git(world.root, "rev-parse", "v0.1.1^{}")
    assert world.index_saw_only_published_releases()
    assert "[4/7] Fill a draft GitHub release" in world.said


def test_an_unpushed_release_can_be_abandoned_then_released_again(
    release_world: ReleaseWorld,
    uninterrupted: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    world = release_world
    head = git(world.root, "rev-parse", "HEAD")
    reject_pushes_once(world.remote, "refs/tags/")
    with pytest.raises(MLPublishError):
        world.release()
    assert [release.draft for release in world.releases()] == [True]

    assert main(world.cli_words("--abandon")) == 0

    out = capsys.readouterr().out
    assert "deleted the draft release v0.1.1" in out and "deleted tag v0.1.1" in out
    assert world.releases() == [] and git(world.root, "tag", "--list") == ""
    assert git(world.root, "rev-parse", "HEAD") == head
    assert git(world.root, "status", "--porcelain") == ""
    assert not (world.root / RELEASE_STATE_FILE).exists()
    world.release()
    assert world.comparable() == uninterrupted


def test_a_pushed_release_cannot_be_abandoned(
    release_world: ReleaseWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world = release_world
    world.gh.faults.exhaust_rate_limit(int(time.time()) + 7200, method="PATCH")
    with pytest.raises(MLPublishError):
        world.release()
    assert main(["release", "-C", str(world.root), "--abandon"]) == 2
    assert "v0.1.1 is already pushed and may be in use" in capsys.readouterr().err
    assert (world.root / RELEASE_STATE_FILE).exists()


release_configurations = st.one_of(
    toml_values.map(lambda value: {"tool": value}),
    toml_values.map(lambda value: {"tool": {"ml-publish": value}}),
    toml_values.map(lambda value: {"tool": {"ml-publish": {"release": value}}}),
    (st.sampled_from(["local", "workflow", "Workflow", ""]) | toml_values).map(
        lambda publish: {"tool": {"ml-publish": {"release": {"publish": publish}}}}
    ),
)


@settings(fuzzed, max_examples=100)
@given(document=release_configurations | st.text(max_size=30))
def test_any_release_configuration_is_read_or_refused_in_one_line(
    tmp_path: Path, document: dict[str, Any] | str
) -> None:
    text = document if isinstance(document, str) else tomlkit.dumps(document)
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    try:
        publish = configured_publish(tmp_path)
    except UsageError as error:
        assert error.exit_code == 2 and str(error) and "\n" not in str(error)
        return
    assert isinstance(publish, str)
