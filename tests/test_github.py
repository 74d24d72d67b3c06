"""The GitHub Releases adapter, over real HTTP against the emulator (and a scripted server)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ml_publish.errors import UsageError
from ml_publish.github import (
    API_VERSION,
    DEFAULT_API_URL,
    NO_TOKEN,
    GitHubClient,
    GitHubError,
    Release,
    TransientFailure,
    ValidationFailed,
    WorkflowRun,
    find_token,
    resolve_api_url,
)
from ml_publish.transport.session import RetryPolicy
from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.processes import READ_SECONDS
from tests.support.scripted_server import ScriptedReply, scripted_server
from tests.support.weights_projects import OWNER, REPO, REPOSITORY, TAG
from tests.support.workflow_runs import start_workflow_run, update_workflow_run

DATA = Path(__file__).parent / "data" / "github"
NOW = 1_800_000_000.0
SECRET = "ghp_never-show-this-token-0123456789"
RELEASE_JSON = {
    "id": 7,
    "tag_name": TAG,
    "draft": True,
    "immutable": False,
    "upload_url": "http://127.0.0.1:9/repos/o/r/releases/7/assets{?name,label}",
    "html_url": "http://127.0.0.1:9/o/r/releases/tag/untagged-0",
}


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for; recorded instead of slept."""
    return []


def make_client(api_url: str, sleeps: list[float], token: str, **options: Any) -> GitHubClient:
    retry = RetryPolicy(sleep=sleeps.append, clock=lambda: NOW)
    return GitHubClient(REPOSITORY, api_url=api_url, token=token, retry=retry, **options)


@pytest.fixture
def client(gh: GitHubEmulatorWithFaults, sleeps: list[float]) -> Iterator[GitHubClient]:
    with make_client(gh.api_url, sleeps, gh.token) as client:
        yield client


@pytest.fixture
def weights_file(tmp_path: Path) -> Path:
    path = tmp_path / "model.pt"
    path.write_bytes(os.urandom(200_000))
    return path


def sha256_digest(path: Path) -> str:
    return f"sha256:{hashlib.sha256(path.read_bytes()).hexdigest()}"


def test_a_release_is_drafted_filled_renamed_and_published(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, weights_file: Path
) -> None:
    draft = client.create_release(TAG)
    assert (draft.draft, draft.tag_name) == (True, TAG)
    assert client.get_release_by_tag(TAG) is None  # drafts have no tag yet
    assert client.list_releases() == [draft]

    asset = client.upload_asset(draft.upload_url, weights_file, "model.pt")
    renamed = client.rename_asset(asset.id, "model-v1.pt")
    listed = client.list_assets(draft.id)
    published = client.update_release(draft.id, draft=False)

    size = weights_file.stat().st_size
    assert (asset.name, asset.state, asset.size) == ("model.pt", "uploaded", size)
    assert asset.digest == sha256_digest(weights_file)
    assert listed == [renamed]
    assert renamed.name == "model-v1.pt"
    assert "/releases/download/untagged-" in renamed.browser_download_url
    assert published.draft is False
    (final,) = client.list_assets(draft.id)
    assert final.browser_download_url.endswith(f"/releases/download/{TAG}/model-v1.pt")
    assert client.get_release_by_tag(TAG) == client.get_release(draft.id) == published
    client.delete_asset(renamed.id)
    assert client.list_assets(draft.id) == []
    assert client.get_release(draft.id + 1000) is None
    (upload,) = [request for request in gh.requests if request.host == "uploads"]
    assert upload.query == {"name": ["model.pt"]}
    assert upload.headers["content-length"] == str(size) == str(upload.body_length)
    assert upload.headers["content-type"] == "application/octet-stream"


def recorded_sessions() -> list[dict[str, Any]]:
    names = ["release-assets", "release-assets-conflict", "errors"]
    return [
        entry
        for name in names
        for entry in json.loads((DATA / f"{name}.recorded.json").read_text(encoding="utf-8"))
    ]


def test_requests_carry_the_headers_the_recorded_sessions_sent(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, weights_file: Path
) -> None:
    # The operations of the recorded sessions: look up, upload, list, rename, delete.
    release = client.create_release(TAG, draft=False)
    assert client.get_release_by_tag(TAG) == release
    asset = client.upload_asset(release.upload_url, weights_file, "test-upload.txt")
    client.list_assets(release.id)
    client.rename_asset(asset.id, "renamed.txt")
    client.delete_asset(asset.id)
    sent = {(request.method, request.host): request.headers for request in gh.requests}

    for entry in recorded_sessions():
        host = "uploads" if "uploads." in entry["scope"] else "api"
        ours, theirs = sent[(entry["method"].upper(), host)], entry["reqheaders"]
        assert set(theirs) <= set(ours), entry["path"]
        scheme, _, credential = ours["authorization"].partition(" ")
        assert (scheme, credential) == ("Bearer", gh.token)
        # Both schemes are GitHub's; "token" is the recordings', "Bearer" its documented one.
        assert theirs["authorization"].partition(" ")[0] in ("token", "Bearer")
        # vnd.github+json is the documented name of the recordings' vnd.github.v3+json.
        assert (ours["accept"], theirs["accept"]) == (
            "application/vnd.github+json",
            "application/vnd.github.v3+json",
        )
        assert ours["x-github-api-version"] == API_VERSION
        assert ours["user-agent"].startswith("ml-publish/")
        if "content-length" in theirs:
            assert ours["content-length"].isdigit()
        if host == "api" and "content-type" in theirs:
            assert ours["content-type"].split(";")[0] == theirs["content-type"].split(";")[0]
    upload = sent[("POST", "uploads")]
    assert upload["content-length"] == str(weights_file.stat().st_size)


@pytest.mark.parametrize(("per_page", "count"), [(30, 31), (100, 130)])
def test_lists_follow_the_link_header_through_every_page(
    gh: GitHubEmulatorWithFaults, sleeps: list[float], per_page: int, count: int
) -> None:
    for number in range(count):
        gh.state.create_release(OWNER, REPO, {"tag_name": f"v0.{number}"})
    draft = gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
    for number in range(count):
        _, seeded = gh.state.start_upload(OWNER, REPO, draft.id, f"a{number}.bin", None, "x")
        gh.state.finish_upload(seeded, 0, hashlib.sha256(b"").hexdigest())

    with make_client(gh.api_url, sleeps, gh.token, per_page=per_page) as client:
        releases = client.list_releases()
        assets = client.list_assets(draft.id)

    assert [release.tag_name for release in releases] == [TAG] + [
        f"v0.{number}" for number in reversed(range(count))
    ]
    assert [asset.name for asset in assets] == [f"a{number}.bin" for number in range(count)]
    pages = [request.query.get("page", ["1"]) for request in gh.requests]
    assert pages == [["1"], ["2"], ["1"], ["2"]]


def test_a_next_page_on_another_host_is_not_followed(sleeps: list[float]) -> None:
    foreign = {"Link": '<http://127.0.0.2:9/repos/o/r/releases?page=2>; rel="next"'}
    with scripted_server(ScriptedReply(200, [RELEASE_JSON], foreign)) as server:
        with make_client(server.url, sleeps, SECRET) as client:
            assert client.list_releases() == [Release.from_json(RELEASE_JSON)]
    assert len(server.requests) == 1


def test_server_errors_end_in_a_transient_failure_after_the_last_attempt(
    sleeps: list[float],
) -> None:
    with scripted_server(ScriptedReply(502, {"message": "Bad Gateway"})) as server:
        with make_client(server.url, sleeps, SECRET) as client:
            with pytest.raises(TransientFailure, match="502 Bad Gateway.* after 5 attempts"):
                client.get_release(7)

    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert len(server.requests) == 5


def test_workflow_runs_are_listed_for_a_tag_through_every_page(
    gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    state = gh.state
    ci = start_workflow_run(
        state,
        OWNER,
        REPO,
        head_branch="main",
        head_sha="a" * 40,
        name="CI",
        path=".github/workflows/ci.yml",
    )
    runs = [
        start_workflow_run(state, OWNER, REPO, head_branch=TAG, head_sha="b" * 40) for _ in "12"
    ]
    update_workflow_run(state, runs[0], "completed", "failure")

    with make_client(gh.api_url, sleeps, gh.token, per_page=1) as client:
        listed = client.list_workflow_runs(branch=TAG, event="push")

    assert [(run.id, run.status, run.conclusion) for run in listed] == [
        (runs[1].id, "queued", None),
        (runs[0].id, "completed", "failure"),
    ]
    newest = listed[0]
    assert (newest.name, newest.path, newest.workflow_file) == (
        "Release",
        ".github/workflows/release.yml",
        ".github/workflows/release.yml",
    )
    assert (newest.head_branch, newest.head_sha, newest.event) == (TAG, "b" * 40, "push")
    assert (newest.run_number, newest.run_attempt) == (2, 1)
    assert newest.html_url == f"{gh.server_url}/{REPOSITORY}/actions/runs/{runs[1].id}"
    assert ci.id not in {run.id for run in listed}
    queries = [request.query for request in gh.requests]
    assert [(q["branch"], q["event"], q.get("page", ["1"])) for q in queries] == [
        ([TAG], ["push"], ["1"]),
        ([TAG], ["push"], ["2"]),
    ]


def test_a_workflow_run_path_with_a_ref_still_names_its_file() -> None:
    # The shape of GitHub's REST reference example for "List workflow runs for a repository".
    documented = {
        "id": 30433642,
        "name": "Build",
        "head_branch": "master",
        "head_sha": "acb5820ced9479c074f688cc328bf03f341a511d",
        "path": ".github/workflows/build.yml@main",
        "run_number": 562,
        "event": "push",
        "status": "queued",
        "conclusion": None,
        "html_url": "https://github.com/octo-org/octo-repo/actions/runs/30433642",
        "created_at": "2020-01-22T19:33:08Z",
        "updated_at": "2020-01-22T19:33:08Z",
        "run_attempt": 1,
    }
    run = WorkflowRun.from_json(documented)
    assert run.workflow_file == ".github/workflows/build.yml"
    assert (run.status, run.conclusion, run.run_attempt) == ("queued", None, 1)


def test_server_errors_and_dropped_connections_from_the_emulator_are_retried(
    gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    gh.faults.server_error(502, path="/actions/runs$")
    gh.faults.hang_up(path="/actions/runs$")
    gh.faults.server_error(503, path="/actions/runs$")
    with make_client(gh.api_url, sleeps, gh.token) as client:
        assert client.list_workflow_runs(branch=TAG) == []
    assert gh.faults.queued == 0
    assert sleeps == [1.0, 2.0, 4.0]
    assert len([request for request in gh.requests if request.path.endswith("/runs")]) == 4


def test_a_request_that_times_out_is_retried(gh: GitHubEmulatorWithFaults) -> None:
    # The first listing is held unanswered until the client has given up on it.
    first = gh.faults.hold(method="GET", path="/releases$")
    sleeps: list[float] = []

    def before_the_retry(seconds: float) -> None:
        sleeps.append(seconds)
        first.release()
        github.read_timeout = READ_SECONDS  # only the held request was to time out

    retry = RetryPolicy(sleep=before_the_retry, clock=lambda: NOW)
    with GitHubClient(
        REPOSITORY, api_url=gh.api_url, token=gh.token, retry=retry, read_timeout=0.3
    ) as github:
        assert github.list_releases() == []
    assert sleeps == [1.0]
    assert first.reached.is_set()


@pytest.mark.parametrize("status", [429, 403])
def test_a_throttled_request_waits_as_long_as_retry_after_says(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, sleeps: list[float], status: int
) -> None:
    gh.faults.throttle(retry_after=7, status=status, method="POST", path=r"/releases$")

    assert client.create_release(TAG).tag_name == TAG
    assert sleeps == [7.0]


def test_a_throttled_upload_waits_then_uploads(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, sleeps: list[float], weights_file: Path
) -> None:
    release = client.create_release(TAG)
    gh.faults.throttle(retry_after=3, method="POST", path="/assets$")

    asset = client.upload_asset(release.upload_url, weights_file, "model.pt")

    assert asset.digest == sha256_digest(weights_file)
    assert sleeps == [3.0]
    assert [request.host for request in gh.requests].count("uploads") == 2


def test_a_spent_rate_limit_is_waited_out_until_it_resets(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    gh.faults.exhaust_rate_limit(reset_at=int(NOW) + 120)

    assert client.list_releases() == []
    assert sleeps == [121.0]


def test_a_rate_limit_resetting_too_late_ends_the_run_instead(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, sleeps: list[float]
) -> None:
    gh.faults.exhaust_rate_limit(reset_at=int(NOW) + 3600)

    with pytest.raises(GitHubError, match="again in 60 minutes; try again then"):
        client.list_releases()
    assert sleeps == []


def test_a_bad_token_fails_at_once(gh: GitHubEmulatorWithFaults, sleeps: list[float]) -> None:
    with make_client(gh.api_url, sleeps, SECRET) as client:
        with pytest.raises(GitHubError) as raised:
            client.create_release(TAG)

    message = str(raised.value)
    assert "(401 Bad credentials)" in message
    assert "token is missing or lacks contents: write" in message
    assert SECRET not in message and SECRET not in repr(client)
    assert (sleeps, len(gh.requests)) == ([], 1)


@pytest.mark.parametrize(
    "headers", [{}, {"x-ratelimit-remaining": "4999", "x-ratelimit-reset": str(int(NOW))}]
)
def test_a_403_that_is_no_rate_limit_fails_at_once(
    sleeps: list[float], headers: dict[str, str]
) -> None:
    body = {"message": "Resource not accessible by personal access token", "status": "403"}
    with scripted_server(ScriptedReply(403, body, headers)) as server:
        with make_client(server.url, sleeps, SECRET) as client:
            with pytest.raises(GitHubError) as raised:
                client.create_release(TAG)

    assert "token is missing or lacks contents: write" in str(raised.value)
    assert raised.value.status == 403
    assert (sleeps, len(server.requests)) == ([], 1)


def test_a_403_naming_a_secondary_rate_limit_waits_a_minute(sleeps: list[float]) -> None:
    # GitHub's documented message; such answers may name no time to wait at all.
    body = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
    with scripted_server(ScriptedReply(403, body), ScriptedReply(200, RELEASE_JSON)) as server:
        with make_client(server.url, sleeps, SECRET) as client:
            assert client.get_release(7) == Release.from_json(RELEASE_JSON)

    assert sleeps == [60.0]
    assert len(server.requests) == 2


def test_a_taken_name_is_refused_as_already_exists(
    client: GitHubClient, weights_file: Path
) -> None:
    release = client.create_release(TAG)
    client.upload_asset(release.upload_url, weights_file, "model.pt")

    with pytest.raises(ValidationFailed) as raised:
        client.upload_asset(release.upload_url, weights_file, "model.pt")

    assert raised.value.already_exists
    assert raised.value.errors[0]["field"] == "name"


def test_an_asset_over_the_size_limit_is_refused_for_good(
    sleeps: list[float], weights_file: Path
) -> None:
    with (
        GitHubEmulatorWithFaults(max_asset_size=1000) as gh,
        make_client(gh.api_url, sleeps, gh.token) as c,
    ):
        release = c.create_release(TAG)
        with pytest.raises(ValidationFailed) as raised:
            c.upload_asset(release.upload_url, weights_file, "model.pt")

    assert not raised.value.already_exists
    assert str(raised.value) == "GitHub refused uploading model.pt: size must be at most 1000 bytes"
    assert sleeps == []


def test_a_bad_gateway_upload_is_left_to_the_caller_to_clean_up(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, sleeps: list[float], weights_file: Path
) -> None:
    release = client.create_release(TAG)
    gh.faults.bad_gateway_upload()

    with pytest.raises(TransientFailure, match="502 Bad Gateway while uploading model.pt"):
        client.upload_asset(release.upload_url, weights_file, "model.pt")

    assert [asset.state for asset in client.list_assets(release.id)] == ["starter"]
    assert [request.host for request in gh.requests].count("uploads") == 1
    assert sleeps == []


def test_a_cut_upload_is_a_transient_failure(
    client: GitHubClient, gh: GitHubEmulatorWithFaults, weights_file: Path
) -> None:
    release = client.create_release(TAG)
    gh.faults.cut_upload(after_bytes=50_000)

    with pytest.raises(TransientFailure, match="uploading model.pt failed: the connection"):
        client.upload_asset(release.upload_url, weights_file, "model.pt")

    assert [asset.state for asset in client.list_assets(release.id)] == ["starter"]


def test_uploads_stream_from_disk_in_large_blocks_with_little_memory(
    client: GitHubClient, tmp_path: Path
) -> None:
    block = os.urandom(1024 * 1024)
    big = tmp_path / "big.bin"
    with big.open("wb") as out:
        for _ in range(48):
            out.write(block)
    release = client.create_release(TAG)
    reported: list[int] = []

    tracemalloc.start()
    try:
        asset = client.upload_asset(release.upload_url, big, "big.bin", on_progress=reported.append)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert asset.digest == sha256_digest(big)
    # The emulator's own 1 MiB reads are traced too; the 48 MiB file never is.
    assert peak < 8 * 1024 * 1024
    assert sum(reported) == 48 * 1024 * 1024
    assert min(reported) >= 1024 * 1024


def test_the_token_comes_from_gh_token_then_github_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_TOKEN", "from-gh-token")
    monkeypatch.setenv("GITHUB_TOKEN", "from-github-token")
    assert find_token() == "from-gh-token"
    monkeypatch.delenv("GH_TOKEN")
    assert find_token() == "from-github-token"


def test_without_token_variables_the_gh_cli_is_asked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gh = tmp_path / "gh"
    gh.write_text('#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo from-gh-cli\n', encoding="utf-8")
    gh.chmod(gh.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))

    assert find_token() == "from-gh-cli"


def test_without_any_token_the_error_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GH_TOKEN", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", "  ")
    monkeypatch.setenv("PATH", str(tmp_path))  # no gh here

    with pytest.raises(UsageError) as raised:
        GitHubClient(REPOSITORY)

    assert str(raised.value) == NO_TOKEN
    assert "GH_TOKEN or GITHUB_TOKEN" in NO_TOKEN and "contents: write" in NO_TOKEN


def test_the_api_url_comes_from_the_argument_then_github_api_url(
    gh: GitHubEmulatorWithFaults, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    assert resolve_api_url() == DEFAULT_API_URL == "https://api.github.com"
    monkeypatch.setenv("GITHUB_API_URL", gh.api_url + "/")
    assert resolve_api_url("https://ghe.example/api/v3") == "https://ghe.example/api/v3"

    with GitHubClient(REPOSITORY, token=gh.token) as client:
        assert client.list_releases() == []
    assert client.api_url == gh.api_url
