"""Split weights: registered with their parts, uploaded and published part by part, verified."""

from __future__ import annotations

import hashlib
import json
import random
import urllib.request
from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.weights.asset_sync import TEMPORARY_MARK
from ml_publish.weights.upload_pending import upload_weights
from ml_publish.weights.upload_resume_state import STATE_FILE
from ml_publish.weights.verification import verify_weights
from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.weights_projects import (
    OWNER,
    REPO,
    REPOSITORY,
    TAG,
    WeightsProject,
    project_with_weights,
    use_emulator,
)

PART_SIZE = 100_000
BIG = random.Random("big").randbytes(250_000)
SMALL = random.Random("small").randbytes(20_000)
CHUNKS = [BIG[:100_000], BIG[100_000:200_000], BIG[200_000:]]


@pytest.fixture
def split_project(
    rendered_project: Path,
    tmp_path: Path,
    gh: GitHubEmulatorWithFaults,
    monkeypatch: pytest.MonkeyPatch,
) -> WeightsProject:
    """A project whose weight ``big`` is split in 3 parts, and ``small`` is whole."""
    use_emulator(monkeypatch, gh)
    contents = {"big": BIG, "small": SMALL}
    return project_with_weights(rendered_project, tmp_path, contents, part_size=PART_SIZE)


def upload(
    project: WeightsProject, gh: GitHubEmulatorWithFaults, *, publish: bool = False
) -> list[str]:
    def no_waiting(seconds: float) -> None:
        pass

    return upload_weights(
        project.root,
        repository=REPOSITORY,
        api_url=gh.api_url,
        publish=publish,
        sleep=no_waiting,
    )


def uploaded_names(gh: GitHubEmulatorWithFaults, since: int = 0) -> list[str]:
    return [r.query["name"][0] for r in gh.requests[since:] if r.host == "uploads"]


def assets(gh: GitHubEmulatorWithFaults) -> dict[str, str | None]:
    (release,) = gh.state.releases(OWNER, REPO)
    return {asset.name: asset.digest for asset in release.assets}


def test_a_file_above_the_part_size_is_registered_with_its_parts(
    split_project: WeightsProject,
) -> None:
    registry = next(split_project.root.glob("*/weights.json"))
    big, small = json.loads(registry.read_text(encoding="utf-8"))["weights"]
    file_name = f"big-{hashlib.sha256(BIG).hexdigest()[:10]}.pth"

    assert (big["file_name"], big["size"], big["sha256"]) == (
        file_name,
        len(BIG),
        hashlib.sha256(BIG).hexdigest(),
    )
    assert big["parts"] == [
        {
            "file_name": f"{file_name}.part-00{number}-of-003",
            "size": len(chunk),
            "sha256": hashlib.sha256(chunk).hexdigest(),
        }
        for number, chunk in enumerate(CHUNKS, start=1)
    ]
    assert big["url"].endswith(f"/{REPOSITORY}/releases/download/{TAG}/{file_name}")
    assert "parts" not in small and "mirrors" not in small
    # Only the whole file is staged: the parts are uploaded as byte ranges of it.
    assert split_project.staged("big").read_bytes() == BIG
    readme = (split_project.root / "README.md").read_text(encoding="utf-8")
    release = big["url"].rpartition("/")[0]
    assert f"{file_name} in 3 parts: [part 1]({release}/{file_name}.part-001-of-003)" in readme


def test_a_split_weight_is_uploaded_and_published_part_by_part(
    split_project: WeightsProject, gh: GitHubEmulatorWithFaults
) -> None:
    assert upload(split_project, gh, publish=True) == ["big", "small"]

    big, small = split_project.entries()["big"], split_project.entries()["small"]
    expected = {part.file_name: f"sha256:{part.sha256}" for part in big.parts}
    expected[small.file_name] = f"sha256:{small.sha256}"
    assert assets(gh) == expected
    for part, chunk in zip(big.parts, CHUNKS):
        url = f"{big.url.rpartition('/')[0]}/{part.file_name}"
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == chunk
    assert {entry.status for entry in split_project.entries().values()} == {"uploaded"}
    assert verify_weights(split_project.root, download=True) == []


def test_an_upload_cut_mid_part_resumes_without_sending_finished_parts(
    split_project: WeightsProject, gh: GitHubEmulatorWithFaults
) -> None:
    first, second, third = (part.file_name for part in split_project.entries()["big"].parts)
    gh.faults.cut_upload(after_bytes=30_000, name=second)

    def crash(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        upload_weights(split_project.root, repository=REPOSITORY, api_url=gh.api_url, sleep=crash)

    state = json.loads((split_project.root / STATE_FILE).read_text(encoding="utf-8"))
    assert list(state["assets"]) == [first]
    crashed = len(gh.requests)

    assert upload(split_project, gh, publish=True) == ["big", "small"]

    resent = uploaded_names(gh, crashed)
    assert first not in resent
    assert resent[0].startswith(second + TEMPORARY_MARK)
    assert resent[1:] == [third, split_project.entries()["small"].file_name]
    assert verify_weights(split_project.root, download=True) == []


def test_verify_names_the_part_a_release_serves_wrong(
    split_project: WeightsProject, gh: GitHubEmulatorWithFaults
) -> None:
    upload(split_project, gh, publish=True)
    big = split_project.entries()["big"]
    (release,) = gh.state.releases(OWNER, REPO)
    (second,) = [asset for asset in release.assets if asset.name == big.parts[1].file_name]
    second.file.write_bytes(bytes(second.size))

    (problem,) = verify_weights(split_project.root, download=True)

    wrong = hashlib.sha256(bytes(second.size)).hexdigest()
    assert problem == (
        f"big (part 2 of 3): {big.url.rpartition('/')[0]}/{second.name} has SHA-256 {wrong}, "
        f"not {big.parts[1].sha256}"
    )


def test_a_release_that_would_pass_1000_assets_is_refused_before_any_upload(
    split_project: WeightsProject, gh: GitHubEmulatorWithFaults, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = gh.state.create_release(OWNER, REPO, {"tag_name": TAG, "draft": True})
    for number in range(997):
        _, asset = gh.state.start_upload(OWNER, REPO, draft.id, f"other-{number}.bin", None, "x")
        gh.state.finish_upload(asset, 0, hashlib.sha256(b"").hexdigest())
    registry = next(split_project.root.glob("*/weights.json")).read_bytes()

    words = ["weights", "-C", str(split_project.root), "upload", "--repo", REPOSITORY]
    assert main([*words, "--api-url", gh.api_url, "--quiet"]) == 2

    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line == (
        f"ml-publish: error: release {TAG} would hold 1001 assets; GitHub allows 1000: upload "
        "fewer weights to it, or use a larger --part-size"
    )
    assert uploaded_names(gh) == []
    assert next(split_project.root.glob("*/weights.json")).read_bytes() == registry
