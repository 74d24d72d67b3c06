"""pip's wheel downloads for bundles: a dependency without a wheel is named even when pip
reports it only inside a ResolutionImpossible (a JAX paper's tensorflow-datasets, whose every
version needs promise, an sdist)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ml_publish.wheel_downloads import NoMatchingWheel, start_download


def write_wheel(directory: Path, name: str, version: str, requires: str) -> None:
    """A pure-Python wheel of one empty module, its metadata requiring ``requires``."""
    info = f"{name}-{version}.dist-info"
    with zipfile.ZipFile(directory / f"{name}-{version}-py3-none-any.whl", "w") as wheel:
        wheel.writestr(f"{name}/__init__.py", "")
        wheel.writestr(
            f"{info}/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nRequires-Dist: {requires}\n",
        )
        wheel.writestr(
            f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        wheel.writestr(f"{info}/RECORD", "")


def test_a_dependency_without_a_wheel_behind_backtracking_is_named(tmp_path: Path) -> None:
    links = tmp_path / "links"
    links.mkdir()
    for version in ("1.0", "2.0"):  # two versions: pip backtracks, then gives up
        write_wheel(links, "datasetskit", version, "promisekit")
    (links / "promisekit-2.3.tar.gz").write_bytes(b"an sdist pip may not use")
    options = ["--no-index", "--find-links", str(links)]

    download = start_download(["datasetskit"], options, tmp_path / "wheels", deps=True)

    with pytest.raises(NoMatchingWheel) as raised:
        download.wait()
    assert raised.value.requirement == "promisekit"
    assert str(raised.value) == "pip download: no wheel of promisekit"
