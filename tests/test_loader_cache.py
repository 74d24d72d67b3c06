"""The generated loader inside training jobs: many processes at once, kills, no network,
read-only caches and full disks (issue 23).

Weights are published on the GitHub emulator, whose download host records each request and can
pause a download after a number of bytes; the processes are real (``spawn``), and so are the
kernel's errors: a read-only bind mount or permissions, a tmpfs or ``RLIMIT_FSIZE``.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.static_server import serving
from tests.support.loader_processes import (
    SPAWN,
    cached_files,
    connections_to,
    dead_proxy,
    download_in_child,
    download_without_room,
    partials,
    read_only,
    small_disk,
    start_child,
)
from tests.support.published_weights import BIG, SMALL, Published

PROCESSES = 8
KILLS = 5
# Long enough never to matter: a safety net for a broken test, not a clock to race.
PATIENCE_SECONDS = 120


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def served_names(published: Published, name: str) -> list[str]:
    weights = published.weights(name)
    return [part.file_name for part in weights.parts] or [weights.file_name]


def child_args(published: Published, name: str) -> tuple[str, str, str, str]:
    registry = published.registry_file.read_text()
    return str(published.loader_file), registry, name, str(published.cache)


@pytest.mark.parametrize("name", ["small", "big"], ids=["whole", "parts"])
def test_eight_processes_at_once_download_once_and_all_succeed(
    published: Published, name: str
) -> None:
    start = SPAWN.Barrier(PROCESSES)
    children = [
        start_child(download_in_child, *child_args(published, name), start)
        for _ in range(PROCESSES)
    ]
    for child in children:
        child.join()

    assert [child.exitcode for child in children] == [0] * PROCESSES
    weights = published.weights(name)
    assert cached_files(published.cache) == [weights.file_name]
    assert sha256(published.cache / weights.file_name) == weights.sha256
    assert published.downloads() == served_names(published, name)


def test_eight_threads_at_once_download_once(published: Published) -> None:
    start = threading.Barrier(PROCESSES)

    def first_use() -> Path:
        start.wait()
        return published.download("big")

    with ThreadPoolExecutor(PROCESSES) as pool:
        futures = [pool.submit(first_use) for _ in range(PROCESSES)]
        paths = [future.result() for future in futures]

    assert {path.read_bytes() for path in paths} == {BIG}
    assert published.downloads() == served_names(published, "big")


@pytest.mark.parametrize("name", ["small", "big"], ids=["whole", "parts"])
def test_killed_at_five_random_moments_the_next_call_finishes_verified(
    published: Published, name: str
) -> None:
    weights = published.weights(name)
    target = published.cache / weights.file_name
    sizes = {part.file_name: part.size for part in weights.parts} or {
        weights.file_name: weights.size
    }
    moments = random.Random(name).sample(range(1, weights.size), KILLS)
    for moment in moments:
        target.unlink(missing_ok=True)
        asset, offset = asset_at(sizes, moment)
        reached, until = threading.Event(), threading.Event()
        published.gh.faults.pause_download(offset, reached=reached, until=until, name=asset)
        child = start_child(download_in_child, *child_args(published, name))
        try:
            # The kill lands while the download host holds the transfer at that byte.
            assert reached.wait(PATIENCE_SECONDS)
            child.kill()
            child.join()
        finally:
            until.set()
        assert not target.exists() or sha256(target) == weights.sha256

        assert sha256(published.download(name)) == weights.sha256
        assert partials(published.cache) == []
        assert published.gh.faults.queued == 0


def asset_at(sizes: dict[str, int], moment: int) -> tuple[str, int]:
    """The asset being sent at byte ``moment`` of the whole, and the offset inside it."""
    for asset, size in sizes.items():
        if moment < size:
            return asset, moment
        moment -= size
    raise ValueError("past the end")


def test_offline_a_cached_file_needs_no_network(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = published.download("small")
    asked = len(published.gh.requests)

    with dead_proxy(monkeypatch) as proxy:
        assert published.download("small") == path
        assert published.download("small", verify=True) == path
        assert connections_to(proxy) == 0
    assert len(published.gh.requests) == asked


@pytest.mark.parametrize("variable", ["LEAF_COUNTER_OFFLINE", "HF_HUB_OFFLINE"])
def test_offline_an_uncached_weight_fails_at_once_in_one_line(
    published: Published, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "1")

    with dead_proxy(monkeypatch) as proxy:
        with pytest.raises(published.pretrained.WeightsError) as failure:
            published.download("small")
        assert connections_to(proxy) == 0

    assert str(failure.value) == (
        f"small is not in the cache {published.cache} and {variable} forbids downloading it; "
        f"unset {variable}, set LEAF_COUNTER_CACHE_DIR to a cache that holds it or "
        f"LEAF_COUNTER_WEIGHTS_DIR to a directory that holds {published.weights('small').file_name}"
    )
    assert published.downloads() == []


def test_the_cache_variable_overrides_the_default(
    published: Published, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LEAF_COUNTER_CACHE_DIR", str(tmp_path / "shared"))
    registry = published.pretrained.Registry.from_text(published.registry_file.read_text())

    path = registry.download("small", progress=False)

    assert path == tmp_path / "shared" / published.weights("small").file_name


@pytest.fixture
def shared_cache(published: Published, tmp_path: Path) -> Iterator[Path]:
    """A read-only cache holding ``small``, verified, put there by someone else."""
    cache = tmp_path / "shared"
    cache.mkdir()
    shutil.copy(published.download("small"), cache)
    with read_only(cache):
        yield cache


def test_a_read_only_cache_serves_its_files_without_a_lock(
    published: Published, shared_cache: Path
) -> None:
    registry = published.pretrained.Registry.from_text(published.registry_file.read_text())

    path = registry.download("small", cache_dir=shared_cache, verify=True)

    assert path.read_bytes() == SMALL
    assert cached_files(shared_cache) == [path.name]
    assert not (shared_cache / ".locks").exists()


def test_a_read_only_cache_refuses_a_download_in_one_line(
    published: Published, shared_cache: Path
) -> None:
    registry = published.pretrained.Registry.from_text(published.registry_file.read_text())
    asked = len(published.gh.requests)

    with pytest.raises(published.pretrained.WeightsError) as failure:
        registry.download("big", cache_dir=shared_cache)

    message = str(failure.value)
    assert message.startswith(f"cannot write to the weights cache {shared_cache} (")
    assert message.endswith("); set LEAF_COUNTER_CACHE_DIR to a writable directory")
    assert "\n" not in message
    assert len(published.gh.requests) == asked


@pytest.mark.parametrize("name", ["small", "big"], ids=["whole", "parts"])
def test_a_full_disk_is_one_line_naming_the_room_needed_and_leaves_nothing(
    published: Published, tmp_path: Path, name: str
) -> None:
    weights = published.weights(name)
    cache = tmp_path / "small-disk"
    room = weights.size // 2
    args = child_args(published, name)[:3]

    with small_disk(cache, room) as mounted:
        if mounted:
            registry = published.pretrained.Registry.from_text(args[1])
            with pytest.raises(published.pretrained.WeightsError) as failure:
                registry.download(name, cache_dir=cache, progress=False)
            message = str(failure.value)
        else:
            answers = SPAWN.Queue()
            child = start_child(download_without_room, *args, str(cache), room, answers)
            message = answers.get(timeout=PATIENCE_SECONDS)
            child.join()
        left = cached_files(cache)

    assert message == (
        f"no room to download {name} into {cache}: it needs {weights.size} bytes "
        f"({weights.size / 1e6:.1f} MB); free some space or set LEAF_COUNTER_CACHE_DIR to "
        "another directory; nothing was cached"
    )
    assert left == []


def test_a_file_size_limit_is_a_full_disk_too(published: Published, tmp_path: Path) -> None:
    """Where a tmpfs can be mounted the test above meets ENOSPC; this one meets EFBIG."""
    cache = tmp_path / "limited"
    answers = SPAWN.Queue()
    args = child_args(published, "small")[:3]

    child = start_child(download_without_room, *args, str(cache), 5_000, answers)
    message = answers.get(timeout=PATIENCE_SECONDS)
    child.join()

    assert message.startswith(f"no room to download small into {cache}: it needs ")
    assert partials(cache) == []
    assert cached_files(cache) == []


def test_a_cached_file_with_the_right_size_and_wrong_bytes_is_caught_by_verify(
    published: Published,
) -> None:
    path = published.download("small")
    path.write_bytes(bytes(len(SMALL)))
    asked = len(published.gh.requests)

    assert published.download("small").read_bytes() == bytes(len(SMALL))  # size only: cheap
    assert published.download("small", verify=True).read_bytes() == SMALL
    assert published.downloads(asked) == [published.weights("small").file_name]


def left_by_a_killed_download(published: Published, name: str, content: bytes) -> Path:
    """What a download killed after ``content`` leaves: a temporary file of a dead process."""
    published.cache.mkdir(exist_ok=True)
    partial = published.cache / f"{published.weights(name).file_name}.99999-deadbeef.partial"
    partial.write_bytes(content)
    return partial


def test_a_killed_whole_download_resumes_with_a_range_request(published: Published) -> None:
    left_by_a_killed_download(published, "small", SMALL[:12_000])

    path = published.download("small")

    assert path.read_bytes() == SMALL
    assert partials(published.cache) == []
    ((request),) = [r for r in published.gh.requests if r.host == "downloads"]
    assert request.headers["range"] == "bytes=12000-"


def test_a_resumed_download_that_does_not_verify_starts_over(published: Published) -> None:
    left_by_a_killed_download(published, "small", bytes(12_000))

    path = published.download("small")

    assert path.read_bytes() == SMALL
    assert partials(published.cache) == []
    ranges = [r.headers.get("range") for r in published.gh.requests if r.host == "downloads"]
    assert ranges == ["bytes=12000-", None]


def test_a_server_without_ranges_serves_the_whole_file_again(
    published: Published, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = published.weights("small")
    local = tmp_path / "local"
    served = local / small.url.split("/", 3)[3]
    served.parent.mkdir(parents=True)
    served.write_bytes(SMALL)
    left_by_a_killed_download(published, "small", SMALL[:12_000])

    # http.server answers a range request with the whole file, as a 200.
    with serving(local) as url:
        monkeypatch.setenv(published.pretrained.MIRROR_VARIABLE, url)
        assert published.download("small").read_bytes() == SMALL

    assert partials(published.cache) == []


def test_a_download_killed_before_its_rename_needs_no_network(published: Published) -> None:
    left_by_a_killed_download(published, "small", SMALL)

    assert published.download("small").read_bytes() == SMALL
    assert partials(published.cache) == []
    assert published.downloads() == []
