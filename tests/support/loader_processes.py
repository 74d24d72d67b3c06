"""The generated loader in other processes, and the machines it meets: shared, killed, offline,
read-only, full.

Processes start with ``spawn`` (the test process runs server threads, which ``fork`` would copy
half-way); each child imports the loader from the project's files with ``generated_loader``.
Read-only directories and small disks are real: a read-only bind mount or a tmpfs where this
process may mount (root), else permissions and ``RLIMIT_FSIZE``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support.weights_projects import generated_loader

SPAWN = multiprocessing.get_context("spawn")
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
ROOT = getattr(os, "geteuid", lambda: -1)() == 0


def download_in_child(
    loader_file: str, registry_text: str, name: str, cache: str, start: Any = None
) -> None:
    """One process's first use of a weight; ``start`` (a barrier) lines processes up."""
    pretrained = generated_loader(Path(loader_file))
    if start is not None:
        start.wait()
    download(pretrained, registry_text, name, cache)


def download(pretrained: ModuleType, registry_text: str, name: str, cache: str) -> Path:
    registry = pretrained.Registry.from_text(registry_text)
    path: Path = registry.download(name, cache_dir=Path(cache), progress=False)
    return path


def download_without_room(
    loader_file: str, registry_text: str, name: str, cache: str, limit: int, answers: Any
) -> None:
    """Download with files capped at ``limit`` bytes by the kernel; the error to ``answers``."""
    import resource

    # Without this the kernel kills the process (SIGXFSZ) instead of failing the write (EFBIG).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    pretrained = generated_loader(Path(loader_file))
    try:
        download(pretrained, registry_text, name, cache)
    except pretrained.WeightsError as error:
        answers.put(str(error))
    except Exception as error:  # the test reads what went wrong instead of waiting in vain
        answers.put(f"{type(error).__name__}: {error}")
    else:
        answers.put("the download fitted")


def start_child(target: Any, *args: Any) -> Any:
    """A started ``spawn`` process running ``target(*args)``."""
    process = SPAWN.Process(target=target, args=args)
    process.start()
    return process


def cached_files(cache: Path) -> list[str]:
    """The cache's files, without its lock directory."""
    return sorted(path.name for path in cache.iterdir() if path.name != ".locks")


def partials(cache: Path) -> list[str]:
    return sorted(path.name for path in cache.glob("*.partial"))


@contextmanager
def dead_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    """Every proxy variable at a port that takes connections and never answers them."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"http://127.0.0.1:{listener.getsockname()[1]}"
        for name in PROXY_VARIABLES:
            monkeypatch.setenv(name, address)
            monkeypatch.setenv(name.upper(), address)
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        yield listener


def connections_to(listener: socket.socket) -> int:
    """How many connections wait on ``listener`` (0 or 1 is all the tests need)."""
    listener.setblocking(False)
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return 0
    connection.close()
    return 1


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """``directory`` unwritable, for root too (a read-only bind mount)."""
    if not ROOT:
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(0o755)
        return
    if subprocess.run(["mount", "--bind", directory, directory], capture_output=True).returncode:
        pytest.skip("root without mount: nothing makes a directory read-only for root")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", directory], check=True)
        yield
    finally:
        subprocess.run(["umount", directory], check=True)


@contextmanager
def small_disk(directory: Path, size: int) -> Iterator[bool]:
    """A tmpfs of ``size`` bytes at ``directory`` where one can be mounted; whether it was."""
    directory.mkdir()
    options = ["-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)]
    mounted = ROOT and subprocess.run(["mount", *options], capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", directory], check=True)
