"""``upload_weights``: pending weights to a draft release, verified, published, registered."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import sys
import threading
import traceback
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from rich.filesize import decimal

from ml_publish.errors import MLPublishError, UsageError
from ml_publish.github import GitHubClient, GitHubError
from ml_publish.sandbox.loopback_handler import RecordedRequest
from ml_publish.terminal import Display, for_person
from ml_publish.transport.session import RetryPolicy
from ml_publish.weights.registration import add_weights
from ml_publish.weights.asset_sync import TEMPORARY_MARK, ReleaseUploader, UploadMismatch
from ml_publish.weights.upload_pending import upload_weights
from ml_publish.weights.upload_resume_state import STATE_FILE, UploadState
from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.processes import READ_SECONDS, run
from tests.support.scripted_server import ScriptedReply, scripted_server
from tests.support.weights_projects import (
    OWNER,
    REPO,
    REPOSITORY,
    TAG,
    WeightsProject,
    project_with_weights,
    use_emulator,
)

NOW = 1_800_000_000.0
SECRET = "ghp_never-show-this-token-0123456789"


@pytest.fixture
def sleeps() -> list[float]:
    """The waits asked for; recorded instead of slept."""
    return []


def upload(
    project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float], **options: Any
) -> list[str]:
    defaults: dict[str, Any] = {"repository": REPOSITORY, "api_url": gh.api_url}
    return upload_weights(
        project.root, sleep=sleeps.append, clock=lambda: NOW, **(defaults | options)
    )


def uploads(requests: list[RecordedRequest]) -> list[str]:
    """The asset names of the uploads among ``requests``, in order."""
    return [r.query["name"][0] for r in requests if r.host == "uploads"]


def assets_of(
    gh: GitHubEmulatorWithFaults, tag: str = TAG
) -> dict[str, tuple[str, int, str | None]]:
    (release,) = [r for r in gh.state.releases(OWNER, REPO) if r.tag_name == tag]
    return {asset.name: (asset.state, asset.size, asset.digest) for asset in release.assets}


def digest(data: bytes) -> str:
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


def seed_asset(gh: GitHubEmulatorWithFaults, release_id: int, name: str, data: bytes) -> int:
    """Put an uploaded asset straight into the emulator's state."""
    _, asset = gh.state.start_upload(OWNER, REPO, release_id, name, None, "x")
    asset.file.write_bytes(data)
    gh.state.finish_upload(asset, len(data), hashlib.sha256(data).hexdigest())
    return asset.id


def test_weights_go_to_a_draft_then_publish_at_their_registered_urls(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    names = upload(weights_project, gh, sleeps, publish=True)

    assert names == ["unet", "small"]
    entries = weights_project.entries()
    (release,) = gh.state.releases(OWNER, REPO)
    assert (release.draft, release.tag_name) == (False, TAG)
    for name, data in weights_project.contents.items():
        entry = entries[name]
        assert entry.status == "uploaded"
        assert assets_of(gh)[entry.file_name] == ("uploaded", len(data), digest(data))
        with urllib.request.urlopen(entry.url, timeout=10) as response:
            assert response.read() == data
    create = next(r for r in gh.requests if r.method == "POST" and r.host == "api")
    publish = next(r for r in gh.requests if r.method == "PATCH")
    assert gh.requests.index(create) < gh.requests.index(publish)
    # Uploaded while a draft; published only after the last upload.
    assert max(i for i, r in enumerate(gh.requests) if r.host == "uploads") < (
        gh.requests.index(publish)
    )
    assert not (weights_project.root / STATE_FILE).exists()
    assert sleeps == []


def test_without_publish_the_release_stays_a_draft_and_a_rerun_uploads_nothing(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    assert upload(weights_project, gh, sleeps) == ["unet", "small"]
    (draft,) = gh.state.releases(OWNER, REPO)
    assert draft.draft
    assert {e.status for e in weights_project.entries().values()} == {"pending"}
    first_run = len(gh.requests)

    assert upload(weights_project, gh, sleeps) == ["unet", "small"]
    rerun = gh.requests[first_run:]
    assert uploads(rerun) == []
    assert [r.method for r in rerun] == ["GET", "GET"]  # the release, then its assets

    assert upload(weights_project, gh, sleeps, publish=True) == ["unet", "small"]
    assert uploads(gh.requests[first_run:]) == []
    assert {e.status for e in weights_project.entries().values()} == {"uploaded"}
    published = len(gh.requests)

    assert upload(weights_project, gh, sleeps, publish=True) == []
    assert len(gh.requests) == published


def test_a_run_that_crashed_mid_upload_resumes_from_its_state_file(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults
) -> None:
    small = weights_project.entries()["small"]
    unet = weights_project.entries()["unet"]
    gh.faults.cut_upload(after_bytes=10_000, name=small.file_name)

    def crash(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        upload_weights(weights_project.root, repository=REPOSITORY, api_url=gh.api_url, sleep=crash)

    (draft,) = gh.state.releases(OWNER, REPO)
    assert assets_of(gh)[small.file_name] == ("starter", 0, None)
    state = json.loads((weights_project.root / STATE_FILE).read_text(encoding="utf-8"))
    (done,) = [a for a in draft.assets if a.name == unet.file_name]
    assert state["release_id"] == draft.id
    assert state["assets"] == {unet.file_name: {"asset_id": done.id, "sha256": unet.sha256}}
    crashed = len(gh.requests)

    assert upload(weights_project, gh, [], publish=True) == ["unet", "small"]

    resumed = gh.requests[crashed:]
    # Straight back to the draft by id: no look-up by tag, no listing, no second draft.
    assert (resumed[0].method, resumed[0].path) == (
        "GET",
        f"/repos/{REPOSITORY}/releases/{draft.id}",
    )
    assert [r for r in resumed if r.method == "POST" and r.host == "api"] == []
    (sent,) = uploads(resumed)
    assert sent.startswith(small.file_name + TEMPORARY_MARK)
    assert set(assets_of(gh)) == {unet.file_name, small.file_name}
    assert assets_of(gh)[small.file_name] == ("uploaded", small.size, f"sha256:{small.sha256}")
    assert {e.status for e in weights_project.entries().values()} == {"uploaded"}


def test_a_bad_gateway_starter_is_deleted_and_the_upload_retried(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    unet = weights_project.entries()["unet"]
    gh.faults.bad_gateway_upload(name=unet.file_name)

    upload(weights_project, gh, sleeps)

    failed = next(i for i, r in enumerate(gh.requests) if r.host == "uploads")
    listing, delete, retried = gh.requests[failed + 1 : failed + 4]
    (final,) = [a for a in gh.state.releases(OWNER, REPO)[0].assets if a.name == unet.file_name]
    assert (listing.method, listing.path.rsplit("/", 1)[-1]) == ("GET", "assets")
    assert (
        delete.method == "DELETE"
        and delete.path != f"/repos/{REPOSITORY}/releases/assets/{final.id}"
    )
    assert (retried.host, retried.query["name"]) == ("uploads", [unet.file_name])
    assert assets_of(gh)[unet.file_name] == ("uploaded", unet.size, f"sha256:{unet.sha256}")
    assert sleeps == [1.0]


def uploader_for(client: GitHubClient, project: WeightsProject, release_id: int) -> ReleaseUploader:
    release = client.get_release(release_id)
    assert release is not None
    state = UploadState.load(project.root, REPOSITORY, TAG)
    return ReleaseUploader(client, release, state, allow_published=False, display=Display())


def test_an_upload_that_finished_unanswered_counts_as_done(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults
) -> None:
    small = weights_project.entries()["small"]
    release = gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
    upload = gh.faults.hold(method="POST", path="/assets$")

    def once_the_upload_lands(seconds: float) -> None:
        upload.release()
        assert upload.done.wait(timeout=READ_SECONDS)
        client.read_timeout = READ_SECONDS  # only the held upload was to time out

    # The upload is held until the client gives up on it, then it lands: unanswered.
    retry = RetryPolicy(sleep=once_the_upload_lands)
    with GitHubClient(REPOSITORY, api_url=gh.api_url, retry=retry, read_timeout=0.2) as client:
        uploader = uploader_for(client, weights_project, release.id)
        asset = uploader.sync(small, weights_project.staged("small"))

    assert asset.digest == f"sha256:{small.sha256}"
    assert uploads(gh.requests) == [small.file_name]


@pytest.mark.parametrize("taken_by", ["starter", "same bytes"])
def test_a_name_taken_after_the_listing_is_resolved(
    weights_project: WeightsProject,
    gh: GitHubEmulatorWithFaults,
    sleeps: list[float],
    taken_by: str,
) -> None:
    small = weights_project.entries()["small"]
    release = gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
    with GitHubClient(REPOSITORY, api_url=gh.api_url, retry=RetryPolicy(sleep=sleeps.append)) as c:
        uploader = uploader_for(c, weights_project, release.id)
        # Another upload claims the name between the listing and ours: GitHub answers 422.
        if taken_by == "starter":
            gh.state.start_upload(OWNER, REPO, release.id, small.file_name, None, "x")
        else:
            seed_asset(gh, release.id, small.file_name, weights_project.contents["small"])
        asset = uploader.sync(small, weights_project.staged("small"))

    assert asset.digest == f"sha256:{small.sha256}"
    deleted = [r for r in gh.requests if r.method == "DELETE"]
    if taken_by == "starter":
        assert (uploads(gh.requests), len(deleted)) == ([small.file_name] * 2, 1)
    else:
        assert (uploads(gh.requests), deleted) == ([small.file_name], [])
    assert sleeps == []


def test_a_throttled_upload_waits_for_retry_after(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    gh.faults.throttle(retry_after=7, method="POST", path="/assets$")

    upload(weights_project, gh, sleeps, publish=True)

    assert sleeps == [7.0]
    assert len(uploads(gh.requests)) == 3
    assert {e.status for e in weights_project.entries().values()} == {"uploaded"}


def test_a_spent_rate_limit_is_waited_out_until_it_resets(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    gh.faults.exhaust_rate_limit(reset_at=int(NOW) + 30, method="POST", path="/releases$")

    upload(weights_project, gh, sleeps)

    assert sleeps == [31.0]
    assert len(gh.state.releases(OWNER, REPO)) == 1


def test_an_asset_with_other_content_is_replaced_never_deleted_first(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    unet = weights_project.entries()["unet"]
    draft = gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
    stale = seed_asset(gh, draft.id, unet.file_name, b"older weights")

    upload(weights_project, gh, sleeps, publish=True)

    calls = [(r.host, r.method, r.path, r.query) for r in gh.requests]
    (temporary,) = [
        name for name in uploads(gh.requests) if name.startswith(unet.file_name + TEMPORARY_MARK)
    ]
    uploaded = calls.index(
        (
            "uploads",
            "POST",
            f"/repos/{REPOSITORY}/releases/{draft.id}/assets",
            {"name": [temporary]},
        )
    )
    deleted = calls.index(("api", "DELETE", f"/repos/{REPOSITORY}/releases/assets/{stale}", {}))
    renames = [i for i, call in enumerate(calls) if call[1] == "PATCH" and "/assets/" in call[2]]
    assert uploaded < deleted < renames[0]
    assert len(renames) == 1
    assert assets_of(gh)[unet.file_name] == ("uploaded", unet.size, f"sha256:{unet.sha256}")
    assert not any(TEMPORARY_MARK in name for name in assets_of(gh))
    assert weights_project.entries()["unet"].status == "uploaded"


def test_an_interrupted_replacement_is_finished_without_uploading_again(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    unet = weights_project.entries()["unet"]
    draft = gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
    stale = seed_asset(gh, draft.id, unet.file_name, b"older weights")
    verified = f"{unet.file_name}{TEMPORARY_MARK}0a1b2c3d"
    seed_asset(gh, draft.id, verified, weights_project.contents["unet"])
    gh.state.start_upload(OWNER, REPO, draft.id, f"{unet.file_name}{TEMPORARY_MARK}99", None, "x")

    upload(weights_project, gh, sleeps)

    assert uploads(gh.requests) == [weights_project.entries()["small"].file_name]
    deletes = [r.path.rsplit("/", 1)[-1] for r in gh.requests if r.method == "DELETE"]
    assert len(deletes) == 2 and deletes[-1] == str(stale)  # the junk first, the old copy last
    assert set(assets_of(gh)) == {unet.file_name, weights_project.entries()["small"].file_name}
    assert assets_of(gh)[unet.file_name] == ("uploaded", unet.size, f"sha256:{unet.sha256}")


def test_a_published_release_is_refused_unless_allowed(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    gh.state.create_release(OWNER, REPO, {"tag_name": TAG})

    with pytest.raises(UsageError, match=f"release {TAG} of {REPOSITORY} is already published"):
        upload(weights_project, gh, sleeps)
    assert uploads(gh.requests) == []
    assert {e.status for e in weights_project.entries().values()} == {"pending"}

    assert upload(weights_project, gh, sleeps, allow_published=True) == ["unet", "small"]
    assert {e.status for e in weights_project.entries().values()} == {"uploaded"}
    # Live at once on a published release, so each went up under a temporary name first.
    entries = weights_project.entries().values()
    assert [name.split(TEMPORARY_MARK)[0] for name in uploads(gh.requests)] == [
        entry.file_name for entry in entries
    ]
    assert set(assets_of(gh)) == {entry.file_name for entry in entries}


def test_an_immutable_release_refuses_new_weights_with_a_clear_error(
    rendered_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with GitHubEmulatorWithFaults(immutable_releases=True) as gh:
        use_emulator(monkeypatch, gh)
        project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(5000)})
        upload(project, gh, [], publish=True)
        (project.root / "late.pth").write_bytes(os.urandom(3000))
        add_weights(project.root, project.root / "late.pth", name="late", repository=REPOSITORY)
        before = len(gh.requests)

        with pytest.raises(UsageError) as raised:
            upload(project, gh, [], allow_published=True)

        assert str(raised.value) == (
            f"release {TAG} of {REPOSITORY} is immutable: GitHub refuses to add or replace its "
            "assets; register the weights for a new tag (bump the version) and upload again"
        )
        assert uploads(gh.requests[before:]) == []
        assert project.entries()["late"].status == "pending"


def test_an_asset_over_the_size_limit_is_a_clear_permanent_error(
    rendered_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sleeps: list[float] = []
    with GitHubEmulatorWithFaults(max_asset_size=1000) as gh:
        use_emulator(monkeypatch, gh)
        project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(5000)})
        file_name = project.entries()["unet"].file_name

        with pytest.raises(GitHubError) as raised:
            upload(project, gh, sleeps, publish=True)

        assert str(raised.value) == (
            f"GitHub refused uploading {file_name}: size must be at most 1000 bytes; "
            "this is permanent, retrying will not help"
        )
        assert uploads(gh.requests) == [file_name]
        assert sleeps == []
        assert gh.state.releases(OWNER, REPO)[0].draft


def test_a_digest_that_differs_from_the_registry_stops_before_publishing(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    small = weights_project.entries()["small"]
    weights_project.staged("small").write_bytes(os.urandom(small.size))  # same size, new bytes

    with pytest.raises(UploadMismatch) as raised:
        upload(weights_project, gh, sleeps, publish=True)

    assert re.fullmatch(
        f"GitHub computed sha256:[0-9a-f]{{64}} for {small.file_name}, not sha256:{small.sha256}; "
        "nothing was published: check the staged files with ml-publish weights verify, then "
        "upload again",
        str(raised.value),
    )
    assert gh.state.releases(OWNER, REPO)[0].draft
    assert [r for r in gh.requests if r.method == "PATCH"] == []
    assert {e.status for e in weights_project.entries().values()} == {"pending"}


def test_urls_registered_for_another_server_stop_before_publishing(
    rendered_project: Path,
    tmp_path: Path,
    gh: GitHubEmulatorWithFaults,
    monkeypatch: pytest.MonkeyPatch,
    sleeps: list[float],
) -> None:
    use_emulator(monkeypatch, gh)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(5000)})

    with pytest.raises(UploadMismatch, match="GITHUB_SERVER_URL"):
        upload(project, gh, sleeps, publish=True)

    assert gh.state.releases(OWNER, REPO)[0].draft
    assert project.entries()["unet"].status == "pending"


def test_weights_registered_for_another_tag_are_refused_before_any_request(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    with pytest.raises(UsageError, match="is registered at .*, not on release v9.0.0 of"):
        upload(weights_project, gh, sleeps, tag="v9.0.0")
    assert gh.requests == []


def test_the_draft_and_a_finished_asset_are_found_on_later_pages(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    unet = weights_project.entries()["unet"]
    draft = gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
    for number in range(120):  # newer releases push the draft to the second page
        gh.state.create_release(OWNER, REPO, {"tag_name": f"v0.0.{number}"})
    for number in range(110):
        seed_asset(gh, draft.id, f"other-{number}.bin", b"")
    seed_asset(gh, draft.id, unet.file_name, weights_project.contents["unet"])

    upload(weights_project, gh, sleeps, publish=True)

    pages = [r.query.get("page") for r in gh.requests if r.path.endswith("/releases")]
    assert pages == [None, ["2"]]
    assert len(gh.state.releases(OWNER, REPO)) == 121  # found, not created again
    assert uploads(gh.requests) == [weights_project.entries()["small"].file_name]
    assert {e.status for e in weights_project.entries().values()} == {"uploaded"}


def test_a_bad_token_fails_at_once(
    weights_project: WeightsProject,
    gh: GitHubEmulatorWithFaults,
    sleeps: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GH_TOKEN", SECRET)

    with pytest.raises(GitHubError, match="token is missing or lacks contents: write"):
        upload(weights_project, gh, sleeps)

    assert (len(gh.requests), sleeps) == (1, [])


SCRIPTED_FAILURES = {
    "403 without rate limit": ScriptedReply(403, {"message": "Resource not accessible"}),
    "server errors": ScriptedReply(502, {"message": "Server Error"}),
}


@pytest.mark.parametrize(
    "failure",
    ["bad token", "403 without rate limit", "server errors", "failing uploads", "cut uploads"]
    + ["size limit", "digest mismatch"],
)
def test_the_token_never_appears_in_output_or_errors(
    failure: str,
    rendered_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "test-token" if failure == "bad token" else SECRET
    size_limit = 1000 if failure == "size limit" else 2 * 1024**3
    scripted = SCRIPTED_FAILURES.get(failure, ScriptedReply(500))
    with (
        GitHubEmulatorWithFaults(token=token, max_asset_size=size_limit) as gh,
        scripted_server(scripted) as server,
    ):
        use_emulator(monkeypatch, gh)
        monkeypatch.setenv("GH_TOKEN", SECRET)
        project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(5000)})
        if failure == "failing uploads":
            gh.faults.bad_gateway_upload(times=50)
        if failure == "cut uploads":
            gh.faults.cut_upload(after_bytes=1000, times=50)
        if failure == "digest mismatch":
            project.staged("unet").write_bytes(os.urandom(5000))
        api_url = server.url if failure in SCRIPTED_FAILURES else gh.api_url

        with pytest.raises(MLPublishError) as raised:
            upload_weights(project.root, repository=REPOSITORY, api_url=api_url, sleep=noop)

        sent = [r.headers for r in server.requests] + [r.headers for r in gh.requests]
    assert any(SECRET in headers["authorization"] for headers in sent)  # it was really used
    error = raised.value
    out, err = capfd.readouterr()
    shown = [str(error), repr(error), "".join(traceback.format_exception(error)), out, err]
    assert [SECRET in text for text in [*shown, caplog.text]] == [False] * 6


def noop(seconds: float) -> None:
    pass


@contextmanager
def terminal_as_stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Make ``sys.stderr`` a pseudo-terminal; yields what arrives on its other end."""
    controller, terminal = pty.openpty()
    received: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal end closed
                return
            if not chunk:
                return
            received.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    stream = os.fdopen(terminal, "w", encoding="utf-8")
    try:
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stderr", stream)
            yield received
    finally:
        stream.close()
        reader.join(timeout=READ_SECONDS)  # all that was drawn has arrived
        assert not reader.is_alive()
        os.close(controller)


def upload_for_a_person(project: WeightsProject, gh: GitHubEmulatorWithFaults) -> None:
    """Upload as ``weights upload`` does, with the display it would choose here."""
    with for_person(True) as display:
        upload(project, gh, [], display=display)


def test_a_terminal_gets_a_progress_bar_for_each_file(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    with terminal_as_stderr(monkeypatch) as received:
        upload_for_a_person(weights_project, gh)

    drawn = b"".join(received).decode()
    assert "━" in drawn and "\x1b[" in drawn  # rich's bars, in colour
    for entry in weights_project.entries().values():
        assert f"{entry.file_name}  {decimal(entry.size)} in " in drawn  # each one's last word
    assert "300.0/300.0 kB" in drawn  # bytes sent of the size


def test_no_color_gets_a_plain_text_line_for_each_file(
    weights_project: WeightsProject, gh: GitHubEmulatorWithFaults, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    with terminal_as_stderr(monkeypatch) as received:
        upload_for_a_person(weights_project, gh)

    drawn = b"".join(received).decode()
    assert "\x1b" not in drawn and "━" not in drawn
    for entry in weights_project.entries().values():
        assert f"{entry.file_name}  {decimal(entry.size)} / {decimal(entry.size)}  100%" in drawn


@pytest.mark.parametrize(("terminal", "ci"), [(False, ""), (True, "true")])
def test_progress_stays_silent_in_ci_and_without_a_terminal(
    weights_project: WeightsProject,
    gh: GitHubEmulatorWithFaults,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    terminal: bool,
    ci: str,
) -> None:
    if ci:
        monkeypatch.setenv("CI", ci)
    if terminal:
        with terminal_as_stderr(monkeypatch) as received:
            upload_for_a_person(weights_project, gh)
        assert received == []
    else:
        upload_for_a_person(weights_project, gh)
    assert capfd.readouterr() == ("", "")
    assert len(uploads(gh.requests)) == 2


def cli_upload(
    project: WeightsProject, gh: GitHubEmulatorWithFaults, *args: str, token: str | None
) -> tuple[int, str, str]:
    env = {"GITHUB_SERVER_URL": gh.server_url, "GH_TOKEN": token or "", "GITHUB_TOKEN": ""}
    env["PATH"] = str(Path(sys.executable).parent)  # no gh CLI to fall back on
    result = run(
        [sys.executable, "-m", "ml_publish", "weights", "-C", project.root, "upload",
         "--repo", REPOSITORY, "--api-url", gh.api_url, "--quiet", *args],
        env=env,
        expect_success=False,
    )  # fmt: skip
    return result.returncode, result.stdout, result.stderr


def test_cli_publishes_and_then_verify_downloads_every_file(
    gh: GitHubEmulatorWithFaults,
    rendered_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_emulator(monkeypatch, gh)
    project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(4000)})

    code, out, err = cli_upload(project, gh, "--publish", token=gh.token)

    assert (code, err) == (0, "")
    assert out.strip() == "published: unet"
    assert project.entries()["unet"].status == "uploaded"
    verify = run(
        [sys.executable, "-m", "ml_publish", "weights", "-C", project.root, "verify", "--download"]
    )
    assert verify.stderr == ""


@pytest.mark.parametrize(
    ("token", "code", "message"),
    [
        (None, 2, "no GitHub token: set GH_TOKEN or GITHUB_TOKEN"),
        ("ghp_wrongwrongwrong", 1, "the token is missing or lacks contents: write"),
    ],
)
def test_cli_token_problems_are_one_line_and_never_show_the_token(
    gh: GitHubEmulatorWithFaults,
    rendered_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    token: str | None,
    code: int,
    message: str,
) -> None:
    use_emulator(monkeypatch, gh)
    project = project_with_weights(rendered_project, tmp_path, {"unet": os.urandom(4000)})

    returned, out, err = cli_upload(project, gh, token=token)

    assert returned == code
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert "wrongwrong" not in out + err
    assert project.entries()["unet"].status == "pending"
