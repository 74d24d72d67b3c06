"""The Hub step sends a staged weight this run already hashed without reading it to hash it
again, and the bytes sent are still checked against that digest (real huggingface_hub client,
Hub stand-in)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from huggingface_hub import constants

from ml_publish.digests import identity_of
from ml_publish.huggingface import HubFailed, HubRepository
from ml_publish.weights.hub_sync import HubWeight, known_digests
from tests.support.hub_faults import HubStandInWithFaults

HUB_REPO = "octo-org/known-digests"
WEIGHT = os.urandom(3 * 1024 * 1024)  # above the stand-in's multipart threshold: LFS, in parts


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubRepository]:
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    with HubStandInWithFaults(multipart_threshold=1024 * 1024) as stand_in:
        repository = HubRepository(HUB_REPO, token=stand_in.token, server=stand_in.url)
        repository.ensure_exists()
        yield repository


def staged(tmp_path: Path, data: bytes = WEIGHT) -> HubWeight:
    path = tmp_path / "model-0123456789.pth"
    path.write_bytes(data)
    sha256 = hashlib.sha256(data).hexdigest()
    return HubWeight("model", path.name, sha256, len(data), path, identity_of(path))


def test_an_unchanged_hashed_file_is_known_and_a_changed_one_is_not(tmp_path: Path) -> None:
    weight = staged(tmp_path)
    unhashed = HubWeight("other", "other.pth", weight.sha256, weight.size, weight.local, None)
    assert known_digests([weight, unhashed]) == {weight.file_name: weight.sha256}

    assert weight.local is not None
    with weight.local.open("ab") as file:
        file.write(b"more")
    assert known_digests([weight]) == {}


def test_the_known_digest_is_sent_and_the_hub_reports_it(
    hub: HubRepository, tmp_path: Path
) -> None:
    weight = staged(tmp_path)
    assert weight.local is not None

    hub.commit([(weight.file_name, weight.local)], "Add", known_sha256=known_digests([weight]))

    found = hub.files([weight.file_name], "main")[weight.file_name]
    assert (found.sha256, found.size) == (hashlib.sha256(WEIGHT).hexdigest(), len(WEIGHT))


def test_bytes_that_are_not_the_known_digest_are_refused(
    hub: HubRepository, tmp_path: Path
) -> None:
    """The library trusts the digest handed to it (it does not hash the file again), and the
    storage checks the bytes it receives against it: nothing reaches ``main``."""
    weight = staged(tmp_path)
    assert weight.local is not None
    other = hashlib.sha256(b"other bytes").hexdigest()

    with pytest.raises(HubFailed):
        hub.commit(
            [(weight.file_name, weight.local)], "Add", known_sha256={weight.file_name: other}
        )

    assert hub.files([weight.file_name], "main") == {}
