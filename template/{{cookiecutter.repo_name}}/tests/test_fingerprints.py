"""Each published weight still gives the output recorded when it was added."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }} import pretrained
from tests.fingerprints import drift
from tests.fingerprints import fingerprint_of
from tests.fingerprints import output_of

PACKAGE = "{{ cookiecutter.package_name }}"
ROOT = Path(__file__).resolve().parents[1]
REGISTRY = Path(pretrained.__file__).with_name("weights.json")


def fingerprinted() -> list[dict[str, Any]]:
    """Published weights with a fingerprint (pending ones are not online)."""
    entries = json.loads(REGISTRY.read_text(encoding="utf-8"))["weights"]
    released = [entry for entry in entries if entry["status"] != "pending"]
    return [entry for entry in released if entry.get("fingerprint")]


@pytest.mark.parametrize("entry", fingerprinted(), ids=lambda e: e["name"])
def test_published_weights_reproduce_their_fingerprint(
    entry: dict[str, Any],
) -> None:
    recorded = entry["fingerprint"]
    sample = ROOT / recorded["input"]
    output = output_of(PACKAGE, entry["name"], sample)

    assert drift(recorded, fingerprint_of(output)) is None
