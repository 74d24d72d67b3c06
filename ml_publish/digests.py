"""The SHA-256 of a file, the digest weights, dists and GitHub's assets are compared by."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_of(
    path: Path, chunk_size: int = 8 << 20, *, offset: int = 0, length: int | None = None
) -> str:
    """The SHA-256 of a file, or of ``length`` bytes of it from ``offset`` (a part of a split
    weight), read in large blocks (hashlib runs OpenSSL's implementation)."""
    digest = hashlib.sha256()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    remaining = length
    with path.open("rb", buffering=0) as stream:
        stream.seek(offset)
        while remaining is None or remaining > 0:
            wanted = chunk_size if remaining is None else min(chunk_size, remaining)
            read = stream.readinto(view[:wanted])
            if not read:
                break
            digest.update(view[:read])
            if remaining is not None:
                remaining -= read
    return digest.hexdigest()
