"""The Hub stand-in, driven by the real huggingface_hub client: uploads through LFS (single and
multipart), commits, tags, listings and downloads, as ``release --sandbox`` will use them."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import huggingface_hub
import pytest
from huggingface_hub import HfApi, constants, hf_hub_download

from tests.support.hub_faults import HubStandInWithFaults, sha256_of

# huggingface_hub hands its upload bodies to httpx2 as ``data=``, which httpx2 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REPO = "octo-org/weights"
PART = 256 * 1024  # small parts keep multipart uploads quick


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandInWithFaults]:
    """A stand-in whose multipart threshold is 1 MiB, and a client kept on LFS.

    huggingface_hub reads HF_HUB_DISABLE_XET once, at import, and this test process imported it
    long ago; the subprocess test below sets the variable as users do.
    """
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    with HubStandInWithFaults(multipart_threshold=1024 * 1024, part_size=PART) as stand_in:
        yield stand_in


@pytest.fixture
def api(hub: HubStandInWithFaults) -> HfApi:
    client = HfApi(endpoint=hub.url, token=hub.token)
    client.create_repo(REPO)
    return client


def random_file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


def storage_puts(hub: HubStandInWithFaults, since: int = 0) -> list[str]:
    return [r.path for r in hub.requests[since:] if r.host == "storage" and r.method == "PUT"]


def test_a_large_file_goes_up_in_parts_and_comes_back_whole(
    hub: HubStandInWithFaults, api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "big.pth", 5 * PART + 123)
    api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=REPO)

    puts = storage_puts(hub)
    assert [path.rsplit("/", 1)[-1] for path in puts] == ["1", "2", "3", "4", "5", "6"]
    completions = [r for r in hub.requests if r.path == "/api/complete_multipart"]
    assert len(completions) == 1
    stored = hub.state.files(REPO)["big.pth"]
    assert (stored.lfs, stored.size, stored.sha256) == (True, 5 * PART + 123, sha256_of(weight))

    downloaded = hf_hub_download(REPO, "big.pth", endpoint=hub.url, cache_dir=tmp_path / "cache")
    assert Path(downloaded).read_bytes() == weight.read_bytes()


def test_a_small_weight_goes_up_in_one_put_and_a_card_as_a_regular_file(
    hub: HubStandInWithFaults, api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "small.pth", 4000)
    card = b"---\nlicense: mit\n---\n# Weights\n"
    api.upload_file(path_or_fileobj=str(weight), path_in_repo="small.pth", repo_id=REPO)
    api.upload_file(path_or_fileobj=card, path_in_repo="README.md", repo_id=REPO)

    assert len(storage_puts(hub)) == 1
    files = hub.state.files(REPO)
    assert files["small.pth"].lfs and not files["README.md"].lfs
    assert files["README.md"].content == card
    info = api.get_paths_info(REPO, ["small.pth", "README.md", "missing.pth"])
    by_path = {item.path: item for item in info}
    assert set(by_path) == {"small.pth", "README.md"}
    small = by_path["small.pth"]
    assert isinstance(small, huggingface_hub.hf_api.RepoFile) and small.lfs is not None
    assert small.lfs.sha256 == hashlib.sha256(weight.read_bytes()).hexdigest()


def test_a_rerun_with_the_same_bytes_sends_nothing_and_commits_nothing(
    hub: HubStandInWithFaults, api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "big.pth", 3 * PART)
    api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=REPO)
    commits = hub.state.commits(REPO)
    seen = len(hub.requests)

    api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=REPO)

    assert storage_puts(hub, seen) == []
    assert not any("/commit/" in r.path for r in hub.requests[seen:])
    assert hub.state.commits(REPO) == commits


def test_a_tag_names_the_commit_and_serves_its_files(
    hub: HubStandInWithFaults, api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 1000)
    made = api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=REPO)
    api.create_tag(REPO, tag="v1.0.0", tag_message="release 1.0.0")
    api.upload_file(path_or_fileobj=b"other", path_in_repo="w.pth", repo_id=REPO)

    refs = api.list_repo_refs(REPO)
    assert [(tag.name, tag.target_commit) for tag in refs.tags] == [("v1.0.0", made.oid)]
    assert hub.state.tags(REPO) == {"v1.0.0": made.oid}
    tagged = hf_hub_download(
        REPO, "w.pth", revision="v1.0.0", endpoint=hub.url, cache_dir=tmp_path / "cache"
    )
    assert Path(tagged).read_bytes() == weight.read_bytes()
    with pytest.raises(huggingface_hub.errors.HfHubHTTPError) as refused:
        api.create_tag(REPO, tag="v1.0.0")
    assert refused.value.response.status_code == 409
    api.create_tag(REPO, tag="v1.0.0", exist_ok=True)
    titles = [commit.title for commit in api.list_repo_commits(REPO, revision="v1.0.0")]
    assert titles == ["Upload w.pth with huggingface_hub", "initial commit"]
