"""The Hub stand-in's injected failures, met by the real huggingface_hub client: what it survives
by itself (5xx, a cut upload, 429 with Retry-After, a cut download) and what reaches its caller."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import HfHubHTTPError

from tests.support.hub_faults import (
    COMMIT,
    HUB_PART,
    HUB_REPO,
    LFS_BATCH,
    PREUPLOAD,
    HubStandInWithFaults,
    random_file,
    sha256_of,
    storage_puts,
)

# huggingface_hub hands its upload bodies to httpx2 as ``data=``, which httpx2 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def test_a_part_answered_500_is_sent_again(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "big.pth", 4 * HUB_PART + 1)
    hub.faults.fail_upload(500, name=sha256_of(weight), times=2)

    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=HUB_REPO)

    assert hub.faults.queued == 0
    assert [path.rsplit("/", 1)[-1] for path in storage_puts(hub)][:3] == ["1", "1", "1"]
    assert hub.state.files(HUB_REPO)["big.pth"].sha256 == sha256_of(weight)


def test_a_cut_upload_is_sent_again_whole_and_nothing_half_sent_is_kept(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "mid.pth", 200_000)  # below the threshold: one PUT
    hub.faults.cut_upload(50_000, name=sha256_of(weight))

    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="mid.pth", repo_id=HUB_REPO)

    puts = [r for r in hub.requests if r.host == "storage" and r.method == "PUT"]
    assert [put.body_length for put in puts] == [50_000, 200_000]
    assert hub.state.files(HUB_REPO)["mid.pth"].sha256 == sha256_of(weight)
    assert len(hub.state.commits(HUB_REPO)) == 2


def test_a_429_with_retry_after_is_waited_out_then_the_batch_is_asked_again(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 3000)
    hub.faults.throttle(1, path=LFS_BATCH)

    started = time.monotonic()
    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=HUB_REPO)

    batches = [r for r in hub.requests if r.path.endswith("/objects/batch")]
    assert len(batches) == 2
    # The client waits Retry-After plus one second: the header, not its own backoff, set it.
    assert time.monotonic() - started >= 2
    assert "w.pth" in hub.state.files(HUB_REPO)


def test_a_preupload_answered_503_is_asked_again(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    hub.faults.server_error(503, path=PREUPLOAD)
    hub_api.upload_file(path_or_fileobj=b"text", path_in_repo="notes.txt", repo_id=HUB_REPO)
    assert [r.path for r in hub.requests].count(f"/api/models/{HUB_REPO}/preupload/main") == 2
    assert hub.state.files(HUB_REPO)["notes.txt"].content == b"text"


def test_a_commit_answered_502_reaches_the_caller_and_the_same_call_then_commits_once(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 3000)
    hub.faults.server_error(502, path=COMMIT)
    with pytest.raises(HfHubHTTPError) as failed:
        hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=HUB_REPO)
    assert failed.value.response.status_code == 502
    assert len(hub.state.commits(HUB_REPO)) == 1
    sent = len(storage_puts(hub))

    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=HUB_REPO)

    assert len(storage_puts(hub)) == sent  # the object was kept: the batch said so
    assert [commit.title for commit in hub.state.commits(HUB_REPO)] == [
        "Upload w.pth with huggingface_hub",
        "initial commit",
    ]


def test_a_cut_download_is_resumed_with_a_range(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    # The client writes what it got in chunks of 10 MiB: a cut past the first is resumed.
    chunk = 10 * 1024 * 1024
    weight = random_file(tmp_path / "w.pth", chunk + 300_000)
    hub.state.commit_files(HUB_REPO, {"w.pth": weight})
    hub.faults.cut_download(chunk + 100_000, name=sha256_of(weight))

    downloaded = hf_hub_download(HUB_REPO, "w.pth", endpoint=hub.url, cache_dir=tmp_path / "c")

    assert sha256_of(Path(downloaded)) == sha256_of(weight)
    gets = [r for r in hub.requests if r.host == "storage" and r.method == "GET"]
    assert [get.headers.get("range") for get in gets] == [None, f"bytes={chunk}-"]


def test_a_part_cut_midway_is_sent_again_and_the_object_is_whole(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "big.pth", 5 * HUB_PART)
    hub.faults.cut_part(HUB_PART // 2, part=2, name=sha256_of(weight))

    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=HUB_REPO)

    assert [path.rsplit("/", 1)[-1] for path in storage_puts(hub)] == ["1", "2", "2", "3", "4", "5"]
    blob = hub.state.objects.path(hub.state.files(HUB_REPO)["big.pth"].sha256)
    assert blob.read_bytes() == weight.read_bytes()


def test_an_exhausted_quota_is_waited_out_as_its_ratelimit_header_says(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    hub.faults.exhaust_rate_limit(int(time.time()), path=PREUPLOAD)
    hub_api.upload_file(path_or_fileobj=b"text", path_in_repo="notes.txt", repo_id=HUB_REPO)
    answered = [r for r in hub.requests if r.path.endswith("/preupload/main")]
    assert len(answered) == 2 and hub.faults.queued == 0


def test_a_held_part_keeps_the_client_waiting_at_a_known_point_until_let_go(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "big.pth", 5 * HUB_PART)
    hold = hub.faults.hold(method="PUT", name=sha256_of(weight), after=1)  # the second part
    upload = threading.Thread(
        target=hub_api.upload_file,
        kwargs={"path_or_fileobj": str(weight), "path_in_repo": "big.pth", "repo_id": HUB_REPO},
    )
    upload.start()
    try:
        assert hold.reached.wait(timeout=60)
        assert "big.pth" not in hub.state.files(HUB_REPO)
    finally:
        hold.release()
        upload.join(timeout=120)
    assert hold.done.is_set() and not upload.is_alive()
    assert hub.state.files(HUB_REPO)["big.pth"].sha256 == sha256_of(weight)


def cut_commit(hub: HubStandInWithFaults, *, chunked: bool) -> None:
    """Send a commit of two files whose body stops after the first file's line, then hang up:
    a client killed while sending it. Return once the stand-in has handled it to its end."""
    lines = [
        {"key": "header", "value": {"summary": "Cut short", "description": ""}},
        {"key": "file", "value": {"path": "a.txt", "content": "YQ==", "encoding": "base64"}},
        {"key": "file", "value": {"path": "b.txt", "content": "Yg==", "encoding": "base64"}},
    ]
    body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    sent = body[: body.index(b'{"key": "file", "value": {"path": "b.txt"')]
    framing = (
        b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n" % len(sent) + sent + b"\r\n"
        if chunked
        else b"Content-Length: %d\r\n\r\n" % len(body) + sent
    )
    held = hub.faults.hold(method="POST", path=COMMIT)
    host, port = urlsplit(hub.url).hostname, urlsplit(hub.url).port
    with socket.create_connection((host, port)) as connection:
        request = f"POST /api/models/{HUB_REPO}/commit/main HTTP/1.1\r\nHost: {host}\r\n"
        request += f"Authorization: Bearer {hub.token}\r\nContent-Type: application/x-ndjson\r\n"
        connection.sendall(request.encode() + framing)
        assert held.reached.wait(timeout=60)
    held.release()
    assert held.done.wait(timeout=60)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_commit_whose_body_is_cut_commits_nothing(
    hub: HubStandInWithFaults, hub_api: HfApi, chunked: bool
) -> None:
    before = hub.state.commits(HUB_REPO)
    cut_commit(hub, chunked=chunked)
    assert hub.state.commits(HUB_REPO) == before
    assert "a.txt" not in hub.state.files(HUB_REPO, "main")
    # The stand-in goes on serving: the same commit, sent whole by the real client, lands once.
    hub_api.upload_file(path_or_fileobj=b"a", path_in_repo="a.txt", repo_id=HUB_REPO)
    assert len(hub.state.commits(HUB_REPO)) == len(before) + 1
