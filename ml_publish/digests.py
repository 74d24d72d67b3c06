"""The SHA-256 of a file, the digest weights, dists and GitHub's assets are compared by."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# Well above the tick of the coarse clock file times come from (at most 10 ms: HZ >= 100).
RACY_NS = 50_000_000


def sha256_of(
    path: Path, chunk_size: int = 8 << 20, *, offset: int = 0, length: int | None = None
) -> str:
    """The SHA-256 of a file, or of ``length`` bytes of it from ``offset`` (a part of a split
    weight), read in large blocks (hashlib runs OpenSSL's implementation)."""
    digest = hashlib.sha256()
    remaining = length
    with path.open("rb", buffering=0) as stream:
        stream.seek(offset)
        # No bigger than what is read: a small file's hash allocates no 8 MiB block.
        to_read = os.fstat(stream.fileno()).st_size - offset if length is None else length
        view = memoryview(bytearray(max(1, min(chunk_size, to_read))))
        chunk_size = len(view)
        while remaining is None or remaining > 0:
            wanted = chunk_size if remaining is None else min(chunk_size, remaining)
            read = stream.readinto(view[:wanted])
            if not read:
                break
            digest.update(view[:read])
            if remaining is not None:
                remaining -= read
    return digest.hexdigest()


@dataclass(frozen=True)
class FileIdentity:
    """What changes whenever a file's bytes may have: its inode, size, and modification and
    change times (``ctime`` moves on every write and cannot be set back, as git's index relies
    on). The same identity before and after hashing means the digest is the file's now."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int


def identity_of(path: Path) -> FileIdentity:
    status = path.stat()
    return FileIdentity(
        status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns
    )


def hashed_file(
    path: Path, *, clock: Callable[[], int] = time.time_ns
) -> tuple[str, FileIdentity | None]:
    """The SHA-256 of ``path`` and its identity while it was read; ``None`` for the identity
    when the file changed during the read or just before it (its digest then proves nothing
    later). ``clock`` is the time in nanoseconds, as file times count it."""
    started = clock()
    before = identity_of(path)
    digest = sha256_of(path)
    # A write in the same timestamp tick as the last one may leave ctime unchanged (git's
    # "racy" entries): a file changed just before the read is not vouched for.
    settled = before.ctime_ns < started - RACY_NS
    return digest, before if settled and identity_of(path) == before else None
