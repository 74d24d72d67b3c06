"""``ml-publish weights verify --cache``: the loader's cached copies hashed against the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml_publish.cli import main
from ml_publish.weights.cache_check import verify_cache
from tests.support.weights_projects import WeightsProject


def cache_with(project: WeightsProject, cache: Path, *, unet: bytes | None) -> None:
    """``small`` cached as published; ``unet`` cached with ``unet`` bytes (None: not cached)."""
    cache.mkdir(parents=True)
    entries = project.entries()
    (cache / entries["small"].file_name).write_bytes(project.contents["small"])
    if unet is not None:
        (cache / entries["unet"].file_name).write_bytes(unet)


def test_a_copy_of_the_right_size_with_wrong_bytes_is_named(
    weights_project: WeightsProject, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    rotten = bytearray(weights_project.contents["unet"])
    rotten[1000] ^= 1
    cache_with(weights_project, cache, unet=bytes(rotten))
    unet = weights_project.entries()["unet"]

    code = main(["weights", "-C", str(weights_project.root), "verify", "--cache", str(cache)])

    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(f"unet: the cached {cache / unet.file_name} has SHA-256 ")
    assert err.endswith(f", not {unet.sha256}; delete it and the loader downloads it again\n")
    assert out == f"cache {cache}: 1 verified, 1 wrong, 0 not cached\n"


def test_a_good_cache_passes_and_uncached_weights_are_counted(
    weights_project: WeightsProject, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    cache_with(weights_project, cache, unet=None)

    code = main(["weights", "-C", str(weights_project.root), "verify", "--cache", str(cache)])

    assert (code, capsys.readouterr()) == (
        0,
        (f"cache {cache}: 1 verified, 0 wrong, 1 not cached\n", ""),
    )


def test_the_default_cache_is_the_loaders(
    weights_project: WeightsProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    monkeypatch.delenv("CELL_SEGMENTATION_CACHE_DIR", raising=False)
    # The template's default project is a PyTorch one: its loader caches where torch.hub does.
    hub = tmp_path / "torch" / "hub" / "checkpoints"
    cache_with(weights_project, hub, unet=weights_project.contents["unet"])

    assert verify_cache(weights_project.root).verified == ["unet", "small"]

    monkeypatch.setenv("CELL_SEGMENTATION_CACHE_DIR", str(tmp_path / "elsewhere"))
    report = verify_cache(weights_project.root)
    assert (report.directory, report.absent) == (tmp_path / "elsewhere", ["unet", "small"])


def test_cache_with_download_is_refused_in_one_line(
    weights_project: WeightsProject, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(weights_project.root.rglob("*"))

    code = main(["weights", "-C", str(weights_project.root), "verify", "--cache", "--download"])

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (2, 1)
    assert "--cache checks the local cache alone" in err
    assert sorted(weights_project.root.rglob("*")) == before
