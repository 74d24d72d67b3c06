"""The generated loader's ``<PACKAGE>_WEIGHTS_DIR``: weight files on disk (an offline bundle, a
Kaggle dataset) found before the cache and the network, verified once, used in place (issue 27).

The weights are published on the GitHub emulator, whose download host records every request, so
"no download" is read from it; the project is ``leaf_counter``, so the variable is
``LEAF_COUNTER_WEIGHTS_DIR``.
"""

from __future__ import annotations

import hashlib
import os
import queue
from pathlib import Path

import pytest

from tests.support.loader_processes import (
    SPAWN,
    cached_files,
    connections_to,
    dead_proxy,
    read_only,
    start_child,
)
from tests.support.local_weights import use_local_in_child
from tests.support.published_weights import BIG, SMALL, Published

VARIABLE = "LEAF_COUNTER_WEIGHTS_DIR"
PROCESSES = 8
# Long enough never to matter: a safety net for a broken test, not a clock to race.
PATIENCE_SECONDS = 120


def put(directory: Path, published: Published, name: str, content: bytes, nested: bool) -> Path:
    """The weight's file in ``directory``: flat, or in ``<name>/`` as a bundle lays it out."""
    folder = directory / name if nested else directory
    folder.mkdir(parents=True, exist_ok=True)
    path: Path = folder / published.weights(name).file_name
    path.write_bytes(content)
    return path


def with_one_byte_changed(content: bytes) -> bytes:
    return content[:100] + bytes([content[100] ^ 1]) + content[101:]


@pytest.mark.parametrize("nested", [False, True], ids=["flat", "bundle-layout"])
def test_a_file_in_the_directory_is_used_in_place_with_no_download(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nested: bool
) -> None:
    local = put(tmp_path / "bundle", published, "small", SMALL, nested)
    monkeypatch.setenv(VARIABLE, str(tmp_path / "bundle"))

    assert published.download("small") == local

    assert published.downloads() == []
    assert not (published.cache / published.weights("small").file_name).exists()


def test_directories_are_searched_in_order_and_others_still_download(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    local = put(second, published, "small", SMALL, nested=False)
    put(second, published, "big", with_one_byte_changed(BIG)[:-1], nested=True)
    put(first, published, "big", BIG, nested=True)
    monkeypatch.setenv(VARIABLE, os.pathsep.join([str(first), "", str(second)]))

    assert published.download("small") == local
    assert published.download("big") == first / "big" / published.weights("big").file_name
    assert published.downloads() == []


def test_a_weight_in_no_directory_downloads_as_before(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(tmp_path / "bundle", published, "small", SMALL, nested=False)
    monkeypatch.setenv(VARIABLE, str(tmp_path / "bundle"))

    path = published.download("big")

    assert path == published.cache / published.weights("big").file_name
    assert path.read_bytes() == BIG


def test_offline_with_a_dead_proxy_the_directory_is_all_it_needs(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = put(tmp_path / "bundle", published, "big", BIG, nested=True)
    monkeypatch.setenv(VARIABLE, str(tmp_path / "bundle"))
    monkeypatch.setenv("LEAF_COUNTER_OFFLINE", "1")

    with dead_proxy(monkeypatch) as proxy:
        assert published.download("big", verify=True) == local
        assert connections_to(proxy) == 0
    assert published.downloads() == []


@pytest.mark.parametrize("change", ["bytes", "size"])
def test_a_changed_file_is_refused_in_one_line_and_nothing_downloads(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    local = put(tmp_path / "bundle", published, "small", SMALL, nested=True)
    monkeypatch.setenv(VARIABLE, str(tmp_path / "bundle"))
    assert published.download("small") == local  # verified, and remembered
    weights = published.weights("small")
    changed = with_one_byte_changed(SMALL) if change == "bytes" else SMALL + b"\0"
    local.write_bytes(changed)

    with pytest.raises(published.pretrained.WeightsError) as failure:
        published.download("small")

    problem = (
        f"its SHA-256 is {hashlib.sha256(changed).hexdigest()}"
        if change == "bytes"
        else f"it has {len(SMALL) + 1} bytes"
    )
    assert str(failure.value) == (
        f"{local} (in {VARIABLE}) is not the registered file of small: {problem}, expected "
        f"{weights.size} bytes with SHA-256 {weights.sha256}; replace it with the released "
        "file or remove it"
    )
    assert "\n" not in str(failure.value)
    assert published.downloads() == []
    assert cached_files(published.cache) == [".verified"]


def test_a_directory_that_does_not_exist_is_refused_in_one_line(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "no-such-bundle"
    monkeypatch.setenv(VARIABLE, str(missing))

    with pytest.raises(published.pretrained.WeightsError) as failure:
        published.download("small")

    assert str(failure.value) == (
        f"{VARIABLE} names {missing}, which is not a directory; fix {VARIABLE} or unset it"
    )
    assert published.downloads() == []


def test_copy_to_cache_copies_the_verified_file_into_the_cache(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = put(tmp_path / "bundle", published, "big", BIG, nested=False)
    monkeypatch.setenv(VARIABLE, str(tmp_path / "bundle"))

    path = published.download("big", copy_to_cache=True)

    assert path == published.cache / published.weights("big").file_name
    assert path.read_bytes() == BIG and local.read_bytes() == BIG
    assert published.downloads() == []


def test_a_read_only_cache_still_lets_the_directory_serve(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = put(tmp_path / "bundle", published, "small", SMALL, nested=False)
    monkeypatch.setenv(VARIABLE, str(tmp_path / "bundle"))
    published.cache.mkdir()

    with read_only(published.cache):
        assert published.download("small", verify=True) == local
        assert published.download("small") == local

    assert cached_files(published.cache) == []


def test_eight_processes_at_once_hash_the_file_once_between_them(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local = put(tmp_path / "bundle", published, "big", BIG, nested=True)
    monkeypatch.setenv(VARIABLE, str(tmp_path / "bundle"))

    reads = run_at_once(published, local)
    assert [path for path, _ in reads] == [str(local)] * PROCESSES
    assert sum(count for _, count in reads) == 1
    # A later run trusts what was recorded; a changed file is hashed again, and refused.
    assert sum(count for _, count in run_at_once(published, local, processes=2)) == 0
    local.write_bytes(with_one_byte_changed(BIG))
    again = run_at_once(published, local, processes=2)
    assert sum(count for _, count in again) == 1
    assert all("is not the registered file of big" in answer for answer, _ in again)
    assert published.downloads() == []


def run_at_once(
    published: Published, local: Path, processes: int = PROCESSES
) -> list[tuple[str, int]]:
    """``processes`` children using ``big`` at once: each one's answer and reads of the file."""
    start, answers = SPAWN.Barrier(processes), SPAWN.Queue()
    registry = published.registry_file.read_text()
    args = (str(published.loader_file), registry, "big", str(published.cache), str(local))
    children = [start_child(use_local_in_child, *args, start, answers) for _ in range(processes)]
    try:
        return [answers.get(timeout=PATIENCE_SECONDS) for _ in children]
    except queue.Empty:
        pytest.fail("a child never answered")
    finally:
        for child in children:
            child.join()
