"""The weights cache in training jobs: processes, kills, offline, full disk."""

import hashlib
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from threading import Barrier
from typing import Any

import pytest

from {{ cookiecutter.package_name }} import pretrained
from {{ cookiecutter.package_name }}._cache import OFFLINE_VARIABLES
from {{ cookiecutter.package_name }}.pretrained import WeightsError
from tests.weights_server import (
    HOLD_LIMIT_SECONDS,
    Server,
    cached_files,
    download_in_child,
    partials,
    publish,
    registry_of,
    without_room_in_child,
)

PROCESSES = 8
KILLS = 5
CONTENT = random.Random("weights").randbytes(3_000_000)
PART_SIZE = 1_000_000
# Not fork: the test process runs the server's threads.
SPAWN = multiprocessing.get_context("spawn")
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
ROOT = getattr(os, "geteuid", lambda: -1)() == 0


def served_files(entry: dict[str, Any]) -> list[str]:
    parts = entry.get("parts", [])
    return [part["file_name"] for part in parts] or [entry["file_name"]]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("part_size", [0, PART_SIZE], ids=["whole", "parts"])
def test_processes_asking_at_once_download_once(
    server: Server,
    mirror: Path,
    tmp_path: Path,
    part_size: int,
) -> None:
    entry = publish(mirror, CONTENT, part_size=part_size)
    cache = tmp_path / "cache"
    start = SPAWN.Barrier(PROCESSES)
    args = (entry, str(cache), start)
    processes = []
    for _ in range(PROCESSES):
        process = SPAWN.Process(target=download_in_child, args=args)
        process.start()
        processes.append(process)
    for process in processes:
        process.join()

    assert [process.exitcode for process in processes] == [0] * PROCESSES
    assert cached_files(cache) == [entry["file_name"]]
    assert (cache / entry["file_name"]).read_bytes() == CONTENT
    for name in served_files(entry):
        assert server.watch.requests[name] == 1, name
    assert server.watch.bytes_sent == len(CONTENT)


def test_threads_asking_at_once_download_once(
    server: Server,
    mirror: Path,
    tmp_path: Path,
) -> None:
    entry = publish(mirror, CONTENT)
    cache = tmp_path / "cache"
    start = Barrier(PROCESSES)

    with ThreadPoolExecutor(PROCESSES) as pool:
        args = (entry, str(cache), start)
        futures = [pool.submit(download_in_child, *args) for _ in range(8)]
        for future in futures:
            future.result()

    assert (cache / entry["file_name"]).read_bytes() == CONTENT
    assert server.watch.requests[entry["file_name"]] == 1


@pytest.mark.parametrize("part_size", [0, PART_SIZE], ids=["whole", "parts"])
def test_a_download_killed_at_any_moment_finishes_on_the_next_call(
    server: Server,
    mirror: Path,
    tmp_path: Path,
    part_size: int,
) -> None:
    entry = publish(mirror, CONTENT, part_size=part_size)
    cache = tmp_path / "cache"
    target = cache / entry["file_name"]
    moments = random.Random(part_size).sample(range(1, len(CONTENT)), KILLS)
    for moment in moments:
        target.unlink(missing_ok=True)
        server.watch.hold_after(server.watch.bytes_sent + moment)
        args = (entry, str(cache))
        child = SPAWN.Process(target=download_in_child, args=args)
        child.start()
        # The kill lands while the server holds the response it is sending.
        assert server.watch.held.wait(HOLD_LIMIT_SECONDS)
        child.kill()
        child.join()
        server.watch.release.set()
        assert not target.exists() or sha256(target) == entry["sha256"]

        path = registry_of(entry).download("tiny", cache_dir=cache)

        assert sha256(path) == entry["sha256"]
        assert partials(cache) == []


@contextmanager
def dead_port() -> Iterator[socket.socket]:
    """A port that takes connections and never answers them."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener


def connections_to(listener: socket.socket) -> int:
    listener.setblocking(False)
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return 0
    connection.close()
    return 1


@pytest.mark.parametrize("variable", ["PACKAGE", "HF_HUB_OFFLINE"])
def test_offline_cached_files_need_no_network_and_others_fail_at_once(
    server: Server,
    mirror: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    cached = publish(mirror, b"cached weights", "cached")
    uncached = publish(mirror, b"other weights", "uncached")
    registry = registry_of(cached, uncached)
    cache = tmp_path / "cache"
    path = registry.download("cached", cache_dir=cache, progress=False)
    requests = sum(server.watch.requests.values())
    if variable == "PACKAGE":
        variable = OFFLINE_VARIABLES[0]

    with dead_port() as proxy:
        monkeypatch.delenv(pretrained.MIRROR_VARIABLE)
        address = f"http://127.0.0.1:{proxy.getsockname()[1]}"
        for name in PROXY_VARIABLES:
            monkeypatch.setenv(name, address)
            monkeypatch.setenv(name.upper(), address)
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.setenv(variable, "1")

        assert registry.download("cached", cache_dir=cache) == path
        with pytest.raises(WeightsError) as failure:
            registry.download("uncached", cache_dir=cache)

        assert connections_to(proxy) == 0
    message = str(failure.value)
    start = f"uncached is not in the cache {cache} and {variable} forbids "
    assert message.startswith(start)
    assert "\n" not in message
    assert sum(server.watch.requests.values()) == requests


def test_the_cache_variable_moves_the_cache(
    mirror: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = publish(mirror, b"weights")
    monkeypatch.setenv(pretrained.CACHE_VARIABLE, str(tmp_path / "elsewhere"))

    path = registry_of(entry).download("tiny", progress=False)

    assert path == tmp_path / "elsewhere" / entry["file_name"]


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """``directory`` unwritable, even for root (a read-only bind mount)."""
    if not ROOT:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    mount = ["mount", "--bind", str(directory), str(directory)]
    if subprocess.run(mount, capture_output=True).returncode != 0:
        pytest.skip("root without mount: nothing makes a directory read-only")
    try:
        remount = ["mount", "-o", "remount,ro,bind", str(directory)]
        subprocess.run(remount, check=True)
        yield
    finally:
        subprocess.run(["umount", str(directory)], check=True)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_cache_serves_its_files_and_refuses_new_ones_clearly(
    mirror: Path,
    tmp_path: Path,
) -> None:
    present = publish(mirror, b"present weights", "present")
    absent = publish(mirror, b"absent weights", "absent")
    registry = registry_of(present, absent)
    cache = tmp_path / "shared-cache"
    cache.mkdir()
    registry.download("present", cache_dir=tmp_path / "own", progress=False)
    shutil.copy(tmp_path / "own" / present["file_name"], cache)

    with read_only(cache):
        path = registry.download("present", cache_dir=cache, verify=True)
        with pytest.raises(WeightsError) as failure:
            registry.download("absent", cache_dir=cache)

    assert path.read_bytes() == b"present weights"
    message = str(failure.value)
    assert message.startswith(f"cannot write to the weights cache {cache} (")
    end = f"set {pretrained.CACHE_VARIABLE} to a writable directory"
    assert message.endswith(end)
    assert cached_files(cache) == [present["file_name"]]


@contextmanager
def small_disk(directory: Path, size: int) -> Iterator[bool]:
    """A tmpfs of ``size`` bytes at ``directory`` where one can be mounted."""
    directory.mkdir()
    options = ["-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)]
    mounted = False
    if ROOT:
        mount = subprocess.run(["mount", *options], capture_output=True)
        mounted = mount.returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(directory)], check=True)


@pytest.mark.skipif(sys.platform == "win32", reason="no file-size limits")
def test_a_full_disk_is_one_clear_line_and_leaves_nothing(
    mirror: Path,
    tmp_path: Path,
) -> None:
    entry = publish(mirror, CONTENT)
    cache = tmp_path / "cache"
    room = len(CONTENT) // 2

    with small_disk(cache, room) as mounted:
        if mounted:
            with pytest.raises(WeightsError) as failure:
                registry_of(entry).download("tiny", cache_dir=cache)
            message = str(failure.value)
        else:
            # No tmpfs without root: the kernel's file-size limit refuses.
            answers = SPAWN.Queue()
            args = (entry, str(cache), room, answers)
            child = SPAWN.Process(target=without_room_in_child, args=args)
            child.start()
            message = answers.get(timeout=HOLD_LIMIT_SECONDS)
            child.join()
        left = cached_files(cache)

    needs = f"it needs {len(CONTENT)} bytes"
    assert message.startswith(f"no room to download tiny into {cache}: ")
    assert needs in message
    assert "\n" not in message
    assert left == []
