"""The release's Hugging Face Hub step end to end: the real huggingface_hub client against the
Hub stand-in, beside the GitHub emulator and a real pypiserver."""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ml_publish.cli import main
from ml_publish.errors import MLPublishError
from ml_publish.weights.registration import add_weights
from ml_publish.weights.registry import WeightEntry, load_registry
from tests.support.github_faults import Hold
from tests.support.hub_faults import COMMIT, PREUPLOAD, HubStandInWithFaults
from tests.support.processes import READ_SECONDS
from tests.support.releases import REPOSITORY, ReleaseWorld, git, reject_pushes_once
from tests.support.weights_projects import generated_loader

HUB_REPO = "octo-org/leaf-counter-weights"
TAG = "v0.1.1"
REGISTRY = Path("leaf_counter") / "weights.json"


@dataclass
class HubWorld:
    world: ReleaseWorld
    hub: HubStandInWithFaults

    def entries(self) -> list[WeightEntry]:
        return load_registry(self.world.root / REGISTRY)

    def sent(self, since: int = 0) -> list[str]:
        """What reached the Hub that changes it: storage PUTs and commits."""
        return [
            f"{r.method} {r.path}"
            for r in self.hub.requests[since:]
            if (r.host == "storage" and r.method == "PUT") or "/commit/" in r.path
        ]


@pytest.fixture
def hub_world(release_world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubWorld]:
    """The release world of the pipeline tests, its project naming a Hub repository."""
    root = release_world.root
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text().replace(
        'publish = "local"', f'publish = "local"\nhuggingface = "{HUB_REPO}"'
    )
    pyproject.write_text(text)
    git(root, "commit", "--quiet", "--all", "--message", "Publish the weights on the Hub too")
    with HubStandInWithFaults(multipart_threshold=256 * 1024, part_size=128 * 1024) as hub:
        for name, value in {**hub.client_environment(), "HF_TOKEN": hub.token}.items():
            monkeypatch.setenv(name, value)
        yield HubWorld(release_world, hub)


def hub_copy(hub: HubStandInWithFaults, revision: str) -> dict[str, tuple[int, str]]:
    files = hub.state.files(HUB_REPO, revision)
    return {path: (file.size, file.sha256) for path, file in files.items()}


def test_the_first_release_puts_every_weight_and_the_card_on_the_hub_at_the_tag(
    hub_world: HubWorld,
) -> None:
    world, hub = hub_world.world, hub_world.hub
    world.release()

    entries = hub_world.entries()
    staged = world.root / ".ml-publish" / "weights"
    at_tag = hub_copy(hub, TAG)
    for entry in entries:
        data = (staged / entry.file_name).read_bytes()
        assert at_tag[entry.file_name] == (len(data), hashlib.sha256(data).hexdigest())
        assert hub.state.files(HUB_REPO, TAG)[entry.file_name].lfs
    # The project has no MODEL_CARD.md: the Hub gets the card `weights card` would write.
    assert not (world.root / "MODEL_CARD.md").exists()
    assert main(["weights", "-C", str(world.root), "card"]) == 0
    card = (world.root / "MODEL_CARD.md").read_bytes()
    assert hub.state.files(HUB_REPO, TAG)["README.md"].content == card
    # One commit of the release's, on top of the one the new repository starts with.
    assert [c.title for c in hub.state.commits(HUB_REPO, TAG)][:1] == [f"Release {TAG}"]
    assert len(hub.state.commits(HUB_REPO)) == 2
    # The registry the release commit (and so the wheel) carries lists the Hub copy.
    released = json.loads(git(world.root, "show", f"{TAG}:{REGISTRY}"))["weights"]
    assert {w["file_name"]: w["mirrors"] for w in released} == {
        e.file_name: [f"{hub.url}/{HUB_REPO}/resolve/{TAG}/{e.file_name}"] for e in entries
    }
    assert any("Put the weights on the Hugging Face Hub" in line for line in world.said)


def test_without_a_hub_token_preflight_names_it_and_nothing_starts(
    hub_world: HubWorld, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import constants

    world, hub = hub_world.world, hub_world.hub
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(world.root.parent / "no-login"))
    head = git(world.root, "rev-parse", "HEAD")

    code = main(world.cli_words("--bump", "patch"))

    err = capsys.readouterr().err
    assert code == 2 and "no Hugging Face token found: set HF_TOKEN" in err
    assert f"(for {HUB_REPO} on the Hub: huggingface in pyproject.toml)" in err
    assert git(world.root, "rev-parse", "HEAD") == head and hub.requests == []


def test_a_dry_run_names_the_hub_step_and_sends_the_hub_nothing(hub_world: HubWorld) -> None:
    world, hub = hub_world.world, hub_world.hub

    world.release(dry_run=True)

    said = "\n".join(world.said)
    assert "Put the weights on the Hugging Face Hub" in said
    assert f"would download each {hub.url}/{HUB_REPO}/resolve/{TAG}/<file>" in said
    assert hub.requests == []


def test_a_release_resumed_after_the_hub_step_sends_it_nothing(hub_world: HubWorld) -> None:
    world, hub = hub_world.world, hub_world.hub
    reject_pushes_once(world.remote, "refs/tags/")
    with pytest.raises(MLPublishError):
        world.release()
    assert TAG in hub.state.tags(HUB_REPO)
    commits, requests = len(hub.state.commits(HUB_REPO)), len(hub.requests)

    world.release()

    assert hub_world.sent(requests) == []
    assert len(hub.state.commits(HUB_REPO)) == commits
    assert git(world.remote, "rev-parse", f"{TAG}^{{commit}}")


def test_an_abandoned_release_loses_its_hub_tag_and_the_next_one_sends_nothing_twice(
    hub_world: HubWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world, hub = hub_world.world, hub_world.hub
    reject_pushes_once(world.remote, "refs/tags/")
    with pytest.raises(MLPublishError):
        world.release()
    assert TAG in hub.state.tags(HUB_REPO)

    assert main(world.cli_words("--abandon")) == 0

    assert f"deleted tag {TAG} of {HUB_REPO} on the Hub" in capsys.readouterr().out
    assert hub.state.tags(HUB_REPO) == {}
    requests = len(hub.requests)
    world.release()
    # The files stayed on main: the release tags them again without sending them.
    assert hub_world.sent(requests) == [] and TAG in hub.state.tags(HUB_REPO)


def test_a_file_with_other_bytes_on_the_hub_stops_the_release_in_one_line(
    hub_world: HubWorld, capsys: pytest.CaptureFixture[str]
) -> None:
    world, hub = hub_world.world, hub_world.hub
    entry, *_ = hub_world.entries()
    hub.state.create_repo("model", HUB_REPO)
    hub.state.commit_files(HUB_REPO, {entry.file_name: b"\0" * entry.size})
    requests = len(hub.requests)

    code = main(world.cli_words("--bump", "patch"))

    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1, err
    assert f"{entry.file_name} in {HUB_REPO} on the Hub at main holds other bytes" in err
    assert hub_world.sent(requests) == [] and TAG not in hub.state.tags(HUB_REPO)
    assert not git(world.remote, "tag", "--list", TAG)


def test_a_5xx_a_cut_upload_and_a_429_are_survived_by_the_same_command(
    hub_world: HubWorld,
) -> None:
    world, hub = hub_world.world, hub_world.hub
    hub.faults.fail_upload(503)
    hub.faults.cut_upload(1000)
    hub.faults.throttle(1, path=PREUPLOAD)  # 429, Retry-After: 1

    try:
        world.release()
    except MLPublishError as failed:
        assert "run the same command again" in str(failed) and "\n" not in str(failed)
        world.release()

    assert hub.faults.queued == 0  # both struck
    assert set(hub_copy(hub, TAG)) >= {e.file_name for e in hub_world.entries()}
    assert len(hub.state.commits(HUB_REPO)) == 2


def test_the_token_never_appears_in_any_output(
    hub_world: HubWorld, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    world, hub = hub_world.world, hub_world.hub
    monkeypatch.setenv("HF_TOKEN", "hf_" + "w" * 34)  # refused by the Hub: its error is shown

    refused = main(world.cli_words("--bump", "patch"))
    monkeypatch.setenv("HF_TOKEN", hub.token)
    released = main(world.cli_words("--bump", "patch"))

    out, err = capsys.readouterr()
    assert (refused, released) == (2, 0)
    assert "the Hub refused" in err and "HTTP 401" in err
    assert hub.token not in out + err and "w" * 34 not in out + err
    assert hub.token not in "".join(world.said)


def test_a_split_weight_goes_up_whole_and_is_mirrored_whole(
    hub_world: HubWorld, tmp_path: Path
) -> None:
    world, hub = hub_world.world, hub_world.hub
    content = random.Random("split").randbytes(50_000)
    (tmp_path / "split.pth").write_bytes(content)
    add_weights(
        world.root, tmp_path / "split.pth", name="split", part_size=20_000, repository=REPOSITORY
    )
    git(world.root, "commit", "--quiet", "--all", "--message", "Add a weight in parts")

    world.release()

    (split,) = [e for e in hub_world.entries() if e.name == "split"]
    assert len(split.parts) == 3
    assert hub_copy(hub, TAG)[split.file_name] == (50_000, hashlib.sha256(content).hexdigest())
    assert all(part.file_name not in hub_copy(hub, TAG) for part in split.parts)
    assert split.mirrors == (f"{hub.url}/{HUB_REPO}/resolve/{TAG}/{split.file_name}",)


def test_the_loader_falls_back_to_the_hub_when_github_fails_and_back(
    hub_world: HubWorld, tmp_path: Path
) -> None:
    world, hub = hub_world.world, hub_world.hub
    world.release()
    text = git(world.root, "show", f"{TAG}:{REGISTRY}")  # the registry the wheel carries
    pretrained = generated_loader(world.root / "leaf_counter" / "pretrained.py")
    registry = pretrained.Registry.from_text(text)
    entry, *_ = hub_world.entries()
    expected = (world.root / ".ml-publish" / "weights" / entry.file_name).read_bytes()

    hub.faults.server_error(503, path="/resolve/", times=100)  # the Hub fails: GitHub serves
    from_github = registry.download(entry.name, cache_dir=tmp_path / "a", progress=False)
    world.gh.close()  # GitHub fails: the Hub serves
    resolves = sum("/resolve/" in r.path for r in hub.requests)
    while hub.faults.take(["server_error"], "GET", f"/{HUB_REPO}/resolve/{TAG}/x"):
        pass  # the Hub works again
    from_hub = registry.download(entry.name, cache_dir=tmp_path / "b", progress=False)

    assert from_github.read_bytes() == from_hub.read_bytes() == expected
    assert sum("/resolve/" in r.path for r in hub.requests) > resolves


def reached_while_running(hold: Hold, process: subprocess.Popen[Any]) -> None:
    """Return once the stand-in holds the request ``hold`` waits for; fail if ``process`` ends
    first (its output shows why) or never gets there."""
    deadline = time.monotonic() + READ_SECONDS
    while not hold.reached.wait(timeout=1):  # each second, see whether the release ended
        if process.poll() is not None:
            raise AssertionError(f"the release ended early: {process.communicate()}")
        assert time.monotonic() < deadline, "the release never made the request held for it"


@pytest.mark.parametrize("moment", ["mid-upload", "commit", "tag"])
def test_killed_at_any_hub_moment_the_same_command_ends_in_the_same_state(
    hub_world: HubWorld, moment: str
) -> None:
    world, hub = hub_world.world, hub_world.hub
    unet = next(e for e in hub_world.entries() if e.name == "leaf-unet")
    held = {
        "mid-upload": lambda: hub.faults.hold(method="PUT", name=unet.sha256),
        # Held, then let go after the kill: the Hub did it, the client never heard.
        "commit": lambda: hub.faults.hold(method="POST", path=COMMIT),
        "tag": lambda: hub.faults.hold(method="POST", path=r"/tag/"),
    }[moment]()
    command = [sys.executable, "-m", "ml_publish", *world.cli_words("--bump", "patch")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as process:
        reached_while_running(held, process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=READ_SECONDS)
    held.release()
    assert held.done.wait(timeout=READ_SECONDS)

    world.release(bump=None)

    staged = world.root / ".ml-publish" / "weights"
    expected = {
        e.file_name: (e.size, hashlib.sha256((staged / e.file_name).read_bytes()).hexdigest())
        for e in hub_world.entries()
    }
    at_tag = hub_copy(hub, TAG)
    assert {name: at_tag[name] for name in expected} == expected
    # The repository's first commit and the release's one: never a second release commit.
    assert [c.title for c in hub.state.commits(HUB_REPO, TAG)][:1] == [f"Release {TAG}"]
    assert len(hub.state.commits(HUB_REPO)) == 2
    assert list(hub.state.tags(HUB_REPO)) == [TAG]
    assert git(world.remote, "rev-parse", f"{TAG}^{{commit}}")


def test_a_3_gib_sparse_weight_goes_whole_to_the_hub_and_in_parts_to_github(
    hub_world: HubWorld, tmp_path: Path
) -> None:
    world, hub = hub_world.world, hub_world.hub
    big = tmp_path / "big.safetensors"
    with big.open("wb") as file:
        file.truncate(3 * 1024**3)  # sparse: no disk, but 3 GiB to hash, send and read back
    add_weights(world.root, big, name="big", repository=REPOSITORY)
    big.unlink()
    git(world.root, "commit", "--quiet", "--all", "--message", "Add a 3 GiB weight")

    world.release()

    (entry,) = [e for e in hub_world.entries() if e.name == "big"]
    zeros = hashlib.sha256()
    for _ in range(3 * 1024):
        zeros.update(bytes(1024**2))
    assert hub_copy(hub, TAG)[entry.file_name] == (3 * 1024**3, zeros.hexdigest())
    assert len(entry.parts) == 2
    assets = {asset.name for release in world.releases() for asset in release.assets}
    assert {part.file_name for part in entry.parts} <= assets and entry.file_name not in assets
