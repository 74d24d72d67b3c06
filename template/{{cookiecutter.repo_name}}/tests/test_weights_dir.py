"""Weight files on disk, named by the weights variable, before any download."""

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.pretrained import (
    WEIGHTS_DIR_VARIABLE,
    WeightsError,
)
from tests.weights_server import Server, publish, registry_of


def test_a_file_in_the_directory_is_used_in_place(
    server: Server,
    mirror: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = publish(mirror, b"local weights" * 100)
    local = tmp_path / "bundle" / "tiny" / str(entry["file_name"])
    local.parent.mkdir(parents=True)
    local.write_bytes(b"local weights" * 100)
    monkeypatch.setenv(WEIGHTS_DIR_VARIABLE, str(tmp_path / "bundle"))
    cache = tmp_path / "cache"

    path = registry_of(entry).download("tiny", cache_dir=cache)

    assert path == local
    assert server.watch.bytes_sent == 0
    assert not (cache / str(entry["file_name"])).exists()


def test_a_changed_file_is_refused(
    server: Server,
    mirror: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = publish(mirror, b"the real weights")
    (tmp_path / str(entry["file_name"])).write_bytes(b"the real weightz")
    monkeypatch.setenv(WEIGHTS_DIR_VARIABLE, str(tmp_path))

    with pytest.raises(WeightsError, match="is not the registered file"):
        registry_of(entry).download("tiny", cache_dir=tmp_path / "cache")

    assert server.watch.bytes_sent == 0
