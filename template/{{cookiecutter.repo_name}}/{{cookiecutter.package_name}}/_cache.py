"""The weights cache: where it lives, who may write it, what it holds.

A file is in the cache only once it has been verified: downloads go to a
temporary file of their own and are renamed into place, so a reader never
sees half a file and needs no lock. Writers take a lock per file, kept by the
operating system (released even when a process is killed), so processes that
share the cache download each file once while the others wait for it.
"""

from __future__ import annotations

import errno
import hashlib
import os
{%- if cookiecutter.framework != "pytorch" %}
import sys
{%- endif %}
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

CACHE_VARIABLE = "{{ cookiecutter.package_name | upper }}_CACHE_DIR"
# Either makes an uncached weight an error instead of a download.
OFFLINE_VARIABLES = ("{{ cookiecutter.package_name | upper }}_OFFLINE", "HF_HUB_OFFLINE")
TRUE_VALUES = ("1", "true", "yes", "on")
LOCKS_DIR = ".locks"
# Beside the cache file while it downloads: the whole file, or verified parts.
PARTIAL_SUFFIX = ".partial"
PARTS_SUFFIX = ".parts.partial"
HASH_CHUNK_SIZE = 1 << 20
# A write the disk (or a file-size limit) refused for want of room.
NO_ROOM = (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))


class WeightsError(RuntimeError):
    """A weight file is unknown, unreachable, or not the registered file."""


def resolve_cache_dir(explicit: Path | str | None = None) -> Path:
    """The cache: ``explicit``, else the variable's, else the default."""
    if explicit:
        return Path(explicit)
    configured = os.environ.get(CACHE_VARIABLE, "")
    return Path(configured) if configured else default_cache_dir()


def default_cache_dir() -> Path:
{%- if cookiecutter.framework == "pytorch" %}
    """torch hub's checkpoint directory: the cache ``torch.hub`` uses."""
    if "TORCH_HOME" in os.environ:
        torch_home = Path(os.environ["TORCH_HOME"])
    elif "XDG_CACHE_HOME" in os.environ:
        torch_home = Path(os.environ["XDG_CACHE_HOME"]) / "torch"
    else:
        torch_home = Path.home() / ".cache" / "torch"
    return torch_home / "hub" / "checkpoints"
{%- else %}
    """The platform's per-user cache directory for this package."""
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")
        base = Path(local)
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", home / ".cache"))
    return base / "{{ cookiecutter.package_name }}" / "weights"
{%- endif %}


def offline_variable() -> str | None:
    """The variable that forbids downloads, if one is set."""
    for variable in OFFLINE_VARIABLES:
        if os.environ.get(variable, "").strip().lower() in TRUE_VALUES:
            return variable
    return None


def is_cached(target: Path, size: int, sha256: str, *, verify: bool) -> bool:
    """Whether ``target`` is the file: its size, with ``verify`` its hash."""
    try:
        if target.stat().st_size != size:
            return False
    except OSError:
        return False
    return not verify or sha256_of(target) == sha256


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(HASH_CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def download_lock(
    directory: Path,
    file_name: str,
    on_wait: Callable[[str], None],
) -> Iterator[None]:
    """Hold the right to download ``file_name`` into ``directory``.

    The lock file lives in the cache's ``.locks`` directory: a cache that
    cannot be written cannot be downloaded into either, and its files are
    read without a lock. ``on_wait`` hears when another process holds it.
    """
    locks = directory / LOCKS_DIR
    try:
        locks.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(locks / f"{file_name}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            on_wait("another process is downloading it; waiting")
            lock.acquire()
    except OSError as error:
        raise WeightsError(unwritable(directory, error)) from None
    try:
        yield
    finally:
        lock.release()


def unwritable(directory: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    problem = f"cannot write to the weights cache {directory} ({reason})"
    return f"{problem}; set {CACHE_VARIABLE} to a writable directory"


def abandoned(target: Path) -> list[Path]:
    """Temporary whole files of downloads of ``target`` that never ended."""
    found = target.parent.glob(f"{target.name}.*{PARTIAL_SUFFIX}")
    return [path for path in found if path.name != target.name + PARTS_SUFFIX]


def remove_abandoned(target: Path) -> None:
    for path in abandoned(target):
        path.unlink(missing_ok=True)


def temporary_file(target: Path) -> Path:
    """A file of this process's own beside ``target``, to download into.

    With the lock held no one else writes the cache, so what a killed
    download left is taken over (the longest, to resume), others deleted.
    """
    unique = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    mine = target.with_name(f"{target.name}.{unique}{PARTIAL_SUFFIX}")
    left = sorted(abandoned(target), key=lambda path: path.stat().st_size)
    for path in left[:-1]:
        path.unlink(missing_ok=True)
    if left:
        os.replace(left[-1], mine)
    return mine


def parts_file(target: Path) -> Path:
    """Where verified parts of ``target`` wait; written under the lock only."""
    return target.with_name(target.name + PARTS_SUFFIX)


def no_room(name: str, directory: Path, size: int) -> WeightsError:
    """The error for a disk (or a file-size limit) too small for the file."""
    return WeightsError(
        f"no room to download {name} into {directory}: it needs {size} bytes "
        f"({size / 1e6:.1f} MB); free some space or set {CACHE_VARIABLE} to "
        "another directory; nothing was cached"
    )
