"""The Hub stand-in, driven by the real huggingface_hub client: uploads through LFS (single and
multipart), commits, tags, listings and downloads, as ``release --sandbox`` will use them."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import huggingface_hub
import pytest
from huggingface_hub import CommitOperationAdd, HfApi, hf_hub_download

from ml_publish.sandbox.hub_lfs_routes import DEFAULT_PART_SIZE
from tests.support.hub_faults import (
    HUB_PART,
    HUB_REPO,
    HubStandInWithFaults,
    random_file,
    sha256_of,
    storage_puts,
)
from tests.support.tls import local_ca

# huggingface_hub hands its upload bodies to httpx2 as ``data=``, which httpx2 deprecates.
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

REPO, PART = HUB_REPO, HUB_PART


def test_a_large_file_goes_up_in_parts_and_comes_back_whole(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "big.pth", 5 * PART + 123)
    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=REPO)

    puts = storage_puts(hub)
    assert [path.rsplit("/", 1)[-1] for path in puts] == ["1", "2", "3", "4", "5", "6"]
    completions = [r for r in hub.requests if r.path == "/api/complete_multipart"]
    assert len(completions) == 1
    stored = hub.state.files(REPO)["big.pth"]
    assert (stored.lfs, stored.size, stored.sha256) == (True, 5 * PART + 123, sha256_of(weight))

    downloaded = hf_hub_download(REPO, "big.pth", endpoint=hub.url, cache_dir=tmp_path / "cache")
    assert Path(downloaded).read_bytes() == weight.read_bytes()


def test_a_small_weight_goes_up_in_one_put_and_a_card_as_a_regular_file(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "small.pth", 4000)
    card = b"---\nlicense: mit\n---\n# Weights\n"
    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="small.pth", repo_id=REPO)
    hub_api.upload_file(path_or_fileobj=card, path_in_repo="README.md", repo_id=REPO)

    assert len(storage_puts(hub)) == 1
    files = hub.state.files(REPO)
    assert files["small.pth"].lfs and not files["README.md"].lfs
    assert files["README.md"].content == card
    info = hub_api.get_paths_info(REPO, ["small.pth", "README.md", "missing.pth"])
    by_path = {item.path: item for item in info}
    assert set(by_path) == {"small.pth", "README.md"}
    small = by_path["small.pth"]
    assert isinstance(small, huggingface_hub.hf_api.RepoFile) and small.lfs is not None
    assert small.lfs.sha256 == hashlib.sha256(weight.read_bytes()).hexdigest()


def test_a_rerun_with_the_same_bytes_sends_nothing_and_commits_nothing(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "big.pth", 3 * PART)
    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=REPO)
    commits = hub.state.commits(REPO)
    seen = len(hub.requests)

    hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="big.pth", repo_id=REPO)

    assert storage_puts(hub, seen) == []
    assert not any("/commit/" in r.path for r in hub.requests[seen:])
    assert hub.state.commits(REPO) == commits


def test_a_tag_names_the_commit_and_serves_its_files(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weight = random_file(tmp_path / "w.pth", 1000)
    made = hub_api.upload_file(path_or_fileobj=str(weight), path_in_repo="w.pth", repo_id=REPO)
    hub_api.create_tag(REPO, tag="v1.0.0", tag_message="release 1.0.0")
    hub_api.upload_file(path_or_fileobj=b"other", path_in_repo="w.pth", repo_id=REPO)

    refs = hub_api.list_repo_refs(REPO)
    assert [(tag.name, tag.target_commit) for tag in refs.tags] == [("v1.0.0", made.oid)]
    assert hub.state.tags(REPO) == {"v1.0.0": made.oid}
    tagged = hf_hub_download(
        REPO, "w.pth", revision="v1.0.0", endpoint=hub.url, cache_dir=tmp_path / "cache"
    )
    assert Path(tagged).read_bytes() == weight.read_bytes()
    with pytest.raises(huggingface_hub.errors.HfHubHTTPError) as refused:
        hub_api.create_tag(REPO, tag="v1.0.0")
    assert refused.value.response.status_code == 409
    hub_api.create_tag(REPO, tag="v1.0.0", exist_ok=True)
    titles = [commit.title for commit in hub_api.list_repo_commits(REPO, revision="v1.0.0")]
    assert titles == ["Upload w.pth with huggingface_hub", "initial commit"]


CLIENT_SCRIPT = """
import os, sys
from huggingface_hub import CommitOperationAdd, HfApi, hf_hub_download
api = HfApi()  # HF_ENDPOINT and HF_TOKEN come from the environment, as users set them
api.create_repo("octo-org/by-env")
api.upload_file(path_or_fileobj=sys.argv[1], path_in_repo="w.pth", repo_id="octo-org/by-env")
path = hf_hub_download("octo-org/by-env", "w.pth", cache_dir=sys.argv[2])
print(open(path, "rb").read() == open(sys.argv[1], "rb").read())
"""


def run_client(hub: HubStandInWithFaults, tmp_path: Path, environment: dict[str, str]) -> str:
    """The client in a process of its own, configured by ``environment`` alone."""
    weight = random_file(tmp_path / "w.pth", 3000)
    command = [sys.executable, "-c", CLIENT_SCRIPT, str(weight), str(tmp_path / "cache")]
    variables = {key: value for key, value in os.environ.items() if not key.startswith("HF_")}
    variables |= environment | {"HF_TOKEN": hub.token, "HF_HOME": str(tmp_path / "home")}
    done = subprocess.run(command, env=variables, capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def test_hf_endpoint_points_the_client_here_and_it_uploads_through_lfs_though_hf_xet_is_there(
    hub: HubStandInWithFaults, tmp_path: Path
) -> None:
    assert importlib.util.find_spec("hf_xet") is not None  # else this would prove nothing

    output = run_client(hub, tmp_path, hub.client_environment())

    assert output.strip().splitlines()[-1] == "True", output
    assert len(storage_puts(hub)) == 1
    assert not [r.path for r in hub.requests if "xet" in r.path]


def test_a_client_left_on_xet_is_refused_at_once_and_told_why(
    hub: HubStandInWithFaults, tmp_path: Path
) -> None:
    environment = hub.client_environment()
    del environment["HF_HUB_DISABLE_XET"]

    output = run_client(hub, tmp_path, environment)

    assert "xet-write-token" in output and "501" in output, output
    assert hub.state.files("octo-org/by-env").keys() == {".gitattributes"}


def test_a_3_gib_sparse_weight_goes_up_whole_and_is_stored_sparse(
    hub: HubStandInWithFaults, tmp_path: Path
) -> None:
    weight = tmp_path / "huge.pth"
    with weight.open("wb") as file:
        file.write(os.urandom(4096))
        file.truncate(3 * 1024**3 - 4096)
        file.seek(0, os.SEEK_END)
        file.write(os.urandom(4096))
    with HubStandInWithFaults() as default_hub:  # the stand-in's own part size
        api = HfApi(endpoint=default_hub.url, token=default_hub.token)
        api.create_repo(REPO)
        api.upload_file(path_or_fileobj=str(weight), path_in_repo="huge.pth", repo_id=REPO)

        stored = default_hub.state.files(REPO)["huge.pth"]
        assert (stored.size, stored.sha256) == (3 * 1024**3, sha256_of(weight))
        assert len(storage_puts(default_hub)) == 3 * 1024**3 // DEFAULT_PART_SIZE
        blob = default_hub.state.objects.path(stored.sha256)
        assert blob.stat().st_blocks * 512 < 64 * 1024**2  # holes, not 3 GiB of zeros


def test_several_weights_in_one_commit_go_up_together_and_a_deletion_commits(
    hub: HubStandInWithFaults, hub_api: HfApi, tmp_path: Path
) -> None:
    weights = [
        random_file(tmp_path / f"w{index}.pth", size)
        for index, size in enumerate([5 * PART, 3000, 7000])
    ]
    operations = [CommitOperationAdd(weight.name, str(weight)) for weight in weights]
    hub_api.create_commit(REPO, operations, commit_message="three weights")  # threads: 5

    files = hub.state.files(REPO)
    assert {name: files[name].sha256 for name in ("w0.pth", "w1.pth", "w2.pth")} == {
        weight.name: sha256_of(weight) for weight in weights
    }
    assert len(storage_puts(hub)) == 5 + 1 + 1
    hub_api.delete_file("w1.pth", repo_id=REPO)
    assert "w1.pth" not in hub.state.files(REPO)
    assert [commit.title for commit in hub.state.commits(REPO)][:2] == [
        "Delete w1.pth with huggingface_hub",
        "three weights",
    ]


def test_the_token_is_checked_as_preflight_checks_it(
    hub: HubStandInWithFaults, hub_api: HfApi
) -> None:
    assert hub_api.whoami()["name"] == hub.user
    hub_api.auth_check(REPO, write=True)
    with pytest.raises(huggingface_hub.errors.HfHubHTTPError):
        HfApi(endpoint=hub.url, token=False).auth_check(REPO, write=True)
    with pytest.raises(huggingface_hub.errors.RepositoryNotFoundError):
        hub_api.auth_check("octo-org/nothing")


def test_over_tls_both_hosts_speak_https_to_a_client_trusting_their_ca(tmp_path: Path) -> None:
    authority = local_ca(tmp_path)
    with HubStandInWithFaults(tls=authority.server) as secure_hub:
        assert secure_hub.url.startswith("https://")
        environment = secure_hub.client_environment()
        environment |= {"SSL_CERT_FILE": str(authority.certificate)}
        output = run_client(secure_hub, tmp_path, environment)
        assert output.strip().splitlines()[-1] == "True", output
        assert storage_puts(secure_hub) and secure_hub.storage_url.startswith("https://")
