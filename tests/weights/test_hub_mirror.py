"""``weights mirror push hf``: weights released on GitHub before, put on the Hub stand-in with
the real huggingface_hub client, checked there and registered as mirrors."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from ml_publish.cli import main
from ml_publish.weights.registry import load_registry
from tests.support.hub_faults import HubStandInWithFaults
from tests.support.releases import ReleaseWorld

HUB_REPO = "octo-org/leaf-counter-weights"
TAG = "v0.1.1"


@pytest.fixture
def released(
    release_world: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[ReleaseWorld, HubStandInWithFaults]]:
    """A project released on GitHub only, and a Hub it has never used."""
    release_world.release()
    with HubStandInWithFaults() as hub:
        for name, value in {**hub.client_environment(), "HF_TOKEN": hub.token}.items():
            monkeypatch.setenv(name, value)
        yield release_world, hub


def sent(hub: HubStandInWithFaults, since: int) -> list[str]:
    return [
        r.path
        for r in hub.requests[since:]
        if (r.host == "storage" and r.method == "PUT") or "/commit/" in r.path
    ]


def test_released_weights_go_to_the_hub_at_their_tag_and_become_mirrors_once(
    released: tuple[ReleaseWorld, HubStandInWithFaults], capsys: pytest.CaptureFixture[str]
) -> None:
    world, hub = released
    root = world.root
    # One staged file is gone, the other changed: both come from the GitHub release instead.
    staged = root / ".ml-publish" / "weights"
    kept = {p.name: p.read_bytes() for p in staged.iterdir()}
    gone, changed = sorted(staged.iterdir())
    gone.unlink()
    changed.write_bytes(bytes(len(kept[changed.name])))
    push = ["weights", "-C", str(root), "mirror", "push", "hf", "--repo", HUB_REPO]

    assert main(push) == 0
    requests = len(hub.requests)
    assert main(push) == 0  # again: nothing sent, nothing added twice

    entries = load_registry(root / "leaf_counter" / "weights.json")
    files = hub.state.files(HUB_REPO, TAG)
    for entry in entries:
        data = kept[entry.file_name]
        assert (files[entry.file_name].size, files[entry.file_name].sha256) == (
            len(data),
            hashlib.sha256(data).hexdigest(),
        )
        assert entry.mirrors == (f"{hub.url}/{HUB_REPO}/resolve/{TAG}/{entry.file_name}",)
    assert sent(hub, requests) == []
    out, err = capsys.readouterr()
    assert hub.token not in out + err
    assert main(["weights", "-C", str(root), "verify", "--download", "--all-sources"]) == 0
    assert f"{hub.url}/{HUB_REPO}/resolve/{TAG}/" in (root / "README.md").read_text()


def test_a_weight_not_released_yet_is_refused_in_one_line(
    release_world: ReleaseWorld, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_" + "x" * 34)
    push = ["weights", "-C", str(release_world.root), "mirror", "push", "hf", "leaf-unet"]

    code = main([*push, "--repo", HUB_REPO])

    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "leaf-unet is not released on GitHub yet (pending)" in err
    assert "x" * 34 not in err


def test_mirror_push_helps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["weights", "mirror", "push", "--help"]) == 0
    assert "--repo OWNER/NAME" in capsys.readouterr().out


def test_a_second_weight_of_the_same_release_moves_the_hub_tag_to_include_it(
    released: tuple[ReleaseWorld, HubStandInWithFaults],
) -> None:
    world, hub = released
    push = ["weights", "-C", str(world.root), "mirror", "push", "hf"]

    assert main([*push, "leaf-small", "--repo", HUB_REPO]) == 0
    first = hub.state.tags(HUB_REPO)[TAG]
    assert main([*push, "leaf-unet", "--repo", HUB_REPO]) == 0

    entries = {e.name: e for e in load_registry(world.root / "leaf_counter" / "weights.json")}
    files = hub.state.files(HUB_REPO, TAG)
    assert {entries["leaf-small"].file_name, entries["leaf-unet"].file_name} <= set(files)
    assert hub.state.tags(HUB_REPO)[TAG] != first
    assert first in [c.oid for c in hub.state.commits(HUB_REPO, TAG)]  # only moved forward
    assert all(len(e.mirrors) == 1 for e in entries.values())
