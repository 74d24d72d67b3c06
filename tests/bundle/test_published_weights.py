"""Weights neither staged nor cached: the bundle downloads them from the release and checks them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ml_publish.bundle.builder import make_bundle
from ml_publish.bundle.bundle_settings import BundleSettings
from ml_publish.bundle.targets import CURRENT, Target
from tests.support.published_weights import SMALL, Published


def test_a_published_weight_is_downloaded_into_the_bundle(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "cell-segmentation"
    shutil.rmtree(project / ".ml-publish" / "weights")
    monkeypatch.setenv("CELL_SEGMENTATION_CACHE_DIR", str(tmp_path / "empty-cache"))
    since = len(published.gh.requests)
    settings = BundleSettings(
        project=project,
        directory=tmp_path / "bundle",
        target=Target(CURRENT, CURRENT),
        weights=("small",),
        preinstalled=frozenset({"torch", "safetensors"}),
        verify=False,
    )
    report = make_bundle(settings)
    (copy,) = (tmp_path / "bundle" / "weights").iterdir()
    assert copy.read_bytes() == SMALL
    assert published.downloads(since) == [copy.name]
    assert {"torch", "safetensors"} <= set(report.left_out)
