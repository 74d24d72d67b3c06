"""The SHA-256 of a file, the digest weights, dists and GitHub's assets are compared by."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_of(path: Path, chunk_size: int = 8 << 20) -> str:
    """The SHA-256 of a file, read in large blocks (hashlib runs OpenSSL's implementation)."""
    digest = hashlib.sha256()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as stream:
        while read := stream.readinto(buffer):
            digest.update(view[:read])
    return digest.hexdigest()
