"""Fixtures of the sandbox tests: the Hub stand-in and a real huggingface_hub client on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huggingface_hub import HfApi, constants

from tests.support.hub_faults import HUB_PART, HUB_REPO, HubStandInWithFaults


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandInWithFaults]:
    """A stand-in whose multipart threshold is 1 MiB, and this process's client kept on LFS.

    huggingface_hub reads HF_HUB_DISABLE_XET once, when it is imported, and the test process
    imported it long ago, so the setting is made where the client keeps it; the subprocess test
    sets the variable as users do.
    """
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)
    with HubStandInWithFaults(multipart_threshold=1024 * 1024, part_size=HUB_PART) as stand_in:
        yield stand_in


@pytest.fixture
def hub_api(hub: HubStandInWithFaults) -> HfApi:
    """A client holding the stand-in's token, with the repository ``HUB_REPO`` created."""
    client = HfApi(endpoint=hub.url, token=hub.token)
    client.create_repo(HUB_REPO)
    return client
