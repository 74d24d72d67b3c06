"""The Hub stand-in's answers as the real huggingface_hub client reads them: file metadata and
redirects, byte ranges, listings, and the errors the client turns into its own exceptions."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import (
    CommitOperationAdd,
    HfApi,
    get_hf_file_metadata,
    hf_hub_download,
    hf_hub_url,
)
from huggingface_hub.errors import (
    EntryNotFoundError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from tests.support.hub_faults import (
    HUB_PART,
    HUB_REPO,
    HubStandInWithFaults,
    random_file,
    sha256_of,
)

# huggingface_hub hands its upload bodies to httpx2 as ``data=``, which httpx2 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def fetch(
    url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, dict[str, str], bytes]:
    """One request that follows no redirect; error statuses come back, not raised."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def test_an_lfs_file_resolves_to_a_redirect_carrying_its_sha256_and_size(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 5000)
    made = hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=HUB_REPO)
    url = hf_hub_url(HUB_REPO, "w.pth", endpoint=hub.url)

    metadata = get_hf_file_metadata(url, endpoint=hub.url)

    assert metadata.etag == sha256_of(weight)
    assert (metadata.size, metadata.commit_hash) == (5000, made.oid)
    assert metadata.location.startswith(hub.storage_url + "/blobs/")
    assert metadata.xet_file_data is None
    status, headers, _ = fetch(url, method="HEAD")
    assert status == 302 and not [name for name in headers if name.lower().startswith("x-xet")]


def test_storage_answers_one_byte_range_with_206_and_a_range_past_the_end_with_416(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 5000)
    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=HUB_REPO)
    location = get_hf_file_metadata(hf_hub_url(HUB_REPO, "w.pth", endpoint=hub.url)).location

    status, headers, body = fetch(location, {"Range": "bytes=1000-1999"})
    assert (status, headers["Content-Range"], body) == (
        206,
        "bytes 1000-1999/5000",
        weight.read_bytes()[1000:2000],
    )
    assert fetch(location, {"Range": "bytes=5000-"})[0] == 416
    assert fetch(location.replace("/blobs/", "/blobs/0"))[0] == 403  # an unsigned link


def test_a_regular_file_is_served_by_the_hub_itself_with_its_git_etag(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    hub_api.upload_file(path_or_fileobj=b"# Card\n", path_in_repo="README.md", repo_id=HUB_REPO)
    url = hf_hub_url(HUB_REPO, "README.md", endpoint=hub.url)
    metadata = get_hf_file_metadata(url)
    assert metadata.location == url and metadata.size == 7
    assert metadata.etag == hub.state.files(HUB_REPO)["README.md"].git_oid
    assert fetch(url, {"Range": "bytes=2-"})[2] == b"Card\n"


def test_missing_things_raise_the_clients_own_errors(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    with pytest.raises(RepositoryNotFoundError):
        hub_api.repo_info("octo-org/nothing")
    with pytest.raises(RevisionNotFoundError):
        hub_api.repo_info(HUB_REPO, revision="v9.9.9")
    with pytest.raises(EntryNotFoundError):
        get_hf_file_metadata(hf_hub_url(HUB_REPO, "none.pth", endpoint=hub.url))
    with pytest.raises(HfHubHTTPError) as taken:
        hub_api.create_repo(HUB_REPO)
    assert taken.value.response.status_code == 409
    assert hub_api.create_repo(HUB_REPO, exist_ok=True).repo_id == HUB_REPO


def test_a_wrong_token_is_refused_and_a_private_repository_is_hidden_without_one(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    with pytest.raises(HfHubHTTPError) as refused:
        HfApi(endpoint=hub.url, token="hf_wrong").create_repo("octo-org/other")
    assert refused.value.response.status_code == 401
    assert "Invalid credentials" in str(refused.value)
    hub_api.create_repo("octo-org/private", private=True)
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=hub.url, token=False).repo_info("octo-org/private")
    assert hub_api.repo_info("octo-org/private").private is True


def test_a_commit_on_a_moved_parent_or_naming_an_unsent_object_is_refused(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    first = hub.state.commits(HUB_REPO)[0].oid
    hub_api.upload_file(path_or_fileobj=b"a", path_in_repo="a.txt", repo_id=HUB_REPO)
    with pytest.raises(HfHubHTTPError) as moved:
        hub_api.create_commit(
            HUB_REPO,
            [CommitOperationAdd("b.txt", b"b")],
            commit_message="late",
            parent_commit=first,
        )
    assert moved.value.response.status_code == 412
    pointer = {"key": "lfsFile", "value": {"path": "x.pth", "algo": "sha256", "oid": "0" * 64}}
    header = {"key": "header", "value": {"summary": "pointer to nothing"}}
    body = "\n".join(json.dumps(line) for line in (header, pointer)).encode()
    request = urllib.request.Request(
        f"{hub.url}/api/models/{HUB_REPO}/commit/main",
        data=body,
        headers={"Authorization": f"Bearer {hub.token}", "Content-Type": "application/x-ndjson"},
    )
    with pytest.raises(urllib.error.HTTPError) as unsent:
        urllib.request.urlopen(request, timeout=10)
    unsent.value.close()
    assert unsent.value.code == 400
    assert [commit.title for commit in hub.state.commits(HUB_REPO)][
        0
    ] == "Upload a.txt with huggingface_hub"


def test_listings_show_each_file_with_its_lfs_sha256_and_last_commit(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 2000)
    made = hub_api.upload_file(
        path_or_fileobj=str(weight), path_in_repo="weights/w.pth", repo_id=HUB_REPO
    )
    hub_api.upload_file(path_or_fileobj=b"x", path_in_repo="notes.txt", repo_id=HUB_REPO)

    assert sorted(hub_api.list_repo_files(HUB_REPO)) == [
        ".gitattributes",
        "notes.txt",
        "weights/w.pth",
    ]
    [info] = hub_api.get_paths_info(HUB_REPO, ["weights/w.pth"], expand=True)
    assert info.lfs is not None and info.lfs.sha256 == sha256_of(weight)  # type: ignore[union-attr]
    assert info.last_commit is not None and info.last_commit.oid == made.oid
    top = {entry.path: type(entry).__name__ for entry in hub_api.list_repo_tree(HUB_REPO)}
    assert top == {".gitattributes": "RepoFile", "notes.txt": "RepoFile", "weights": "RepoFolder"}
    siblings = hub_api.model_info(HUB_REPO, files_metadata=True).siblings or []
    lfs = {item.rfilename: item.lfs.sha256 for item in siblings if item.lfs is not None}
    assert lfs == {"weights/w.pth": sha256_of(weight)}


def test_the_commit_payload_stores_a_regular_file_as_sent(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    content = b"plain text\n"
    hub_api.create_commit(
        HUB_REPO, [CommitOperationAdd("notes.txt", content)], commit_message="notes"
    )
    stored = hub.state.files(HUB_REPO)["notes.txt"]
    assert (stored.lfs, stored.content) == (False, content)
    assert base64.b64encode(stored.content or b"") == base64.b64encode(content)


def test_parts_sent_out_of_order_still_make_the_object_they_name(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    content = os.urandom(5 * HUB_PART)  # above the fixture's multipart threshold of 1 MiB
    oid = hashlib.sha256(content).hexdigest()
    token = {"Authorization": f"Bearer {hub.token}"}
    batch: dict[str, object] = {"operation": "upload", "transfers": ["basic", "multipart"]}
    batch["objects"] = [{"oid": oid, "size": len(content)}]
    answer = post_json(f"{hub.url}/{HUB_REPO}.git/info/lfs/objects/batch", batch, token)
    upload = answer["objects"][0]["actions"]["upload"]
    urls = {int(key): url for key, url in upload["header"].items() if key.isdigit()}
    etags = {}
    for number in sorted(urls, reverse=True):  # the last part first
        piece = content[(number - 1) * HUB_PART : number * HUB_PART]
        request = urllib.request.Request(urls[number], data=piece, method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            etags[number] = response.headers["ETag"]
    parts = [{"partNumber": number, "etag": etags[number]} for number in sorted(etags)]
    post_json(upload["href"], {"oid": oid, "parts": parts}, {})

    assert hub.state.objects.path(oid).read_bytes() == content
    assert hub_api.list_repo_files(HUB_REPO) == [".gitattributes"]  # stored, not committed


def post_json(url: str, payload: object, headers: dict[str, str]) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers=headers | {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_renamed_repository_redirects_its_old_download_urls_on_the_hub(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 5000)
    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=HUB_REPO)
    hub.state.move_repo("model", HUB_REPO, "octo-org/renamed")
    old_url = hf_hub_url(HUB_REPO, "w.pth", endpoint=hub.url)

    status, headers, _ = fetch(old_url, method="HEAD")
    assert (status, headers["Location"]) == (307, "/octo-org/renamed/resolve/main/w.pth")
    downloaded = hf_hub_download(HUB_REPO, "w.pth", endpoint=hub.url, cache_dir=tmp_path / "c")
    assert Path(downloaded).read_bytes() == weight.read_bytes()
    with pytest.raises(RepositoryNotFoundError):
        get_hf_file_metadata(hf_hub_url("octo-org/never", "w.pth", endpoint=hub.url))


def test_a_plain_http_client_follows_a_resolve_url_to_the_bytes(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    # What a generated loader does with a registered Hub mirror: GET it, follow the redirect.
    weight = random_file(tmp_path / "w.pth", 5000)
    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=HUB_REPO)
    hub_api.create_tag(HUB_REPO, tag="v1.0.0")
    url = hub.resolve_url(HUB_REPO, "v1.0.0", "w.pth")
    assert url == hf_hub_url(HUB_REPO, "w.pth", revision="v1.0.0", endpoint=hub.url)
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == weight.read_bytes()


def test_other_bytes_put_under_an_objects_name_are_refused_and_not_kept(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    content, other = os.urandom(4000), os.urandom(4000)
    oid = hashlib.sha256(content).hexdigest()
    batch: dict[str, object] = {"operation": "upload", "transfers": ["basic"]}
    batch["objects"] = [{"oid": oid, "size": len(content)}]
    token = {"Authorization": f"Bearer {hub.token}"}
    answer = post_json(f"{hub.url}/{HUB_REPO}.git/info/lfs/objects/batch", batch, token)
    href = answer["objects"][0]["actions"]["upload"]["href"]
    request = urllib.request.Request(href, data=other, method="PUT")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    refused.value.close()
    assert refused.value.code == 400
    assert not hub.state.objects.has(oid)


def test_the_batch_never_chooses_xet_even_when_a_client_offers_it(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    token = {"Authorization": f"Bearer {hub.token}"}
    url = f"{hub.url}/{HUB_REPO}.git/info/lfs/objects/batch"
    chosen = []
    for size in (4000, 5 * HUB_PART):
        content = os.urandom(size)
        batch: dict[str, object] = {
            "operation": "upload",
            "transfers": ["xet", "basic", "multipart"],
        }
        batch["objects"] = [{"oid": hashlib.sha256(content).hexdigest(), "size": size}]
        answer = post_json(url, batch, token)
        chosen.append(answer["transfer"])
        assert "xet" not in json.dumps(answer).lower()
    assert chosen == ["basic", "multipart"]
