"""A file's digest with its identity: vouched for only while the file stays as it was hashed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ml_publish.digests import RACY_NS, hashed_file, identity_of, sha256_of


def test_a_settled_file_is_hashed_with_its_identity(tmp_path: Path) -> None:
    path = tmp_path / "model.pth"
    path.write_bytes(b"weights" * 1000)
    later = identity_of(path).ctime_ns + 10 * RACY_NS

    digest, identity = hashed_file(path, clock=lambda: later)

    assert digest == hashlib.sha256(b"weights" * 1000).hexdigest()
    assert identity == identity_of(path)


def test_a_file_changed_just_before_the_read_is_not_vouched_for(tmp_path: Path) -> None:
    path = tmp_path / "model.pth"
    path.write_bytes(b"weights")
    just_after = identity_of(path).ctime_ns + RACY_NS // 2

    digest, identity = hashed_file(path, clock=lambda: just_after)

    assert digest == hashlib.sha256(b"weights").hexdigest()
    assert identity is None


def test_a_file_written_to_since_has_another_identity(tmp_path: Path) -> None:
    path = tmp_path / "model.pth"
    path.write_bytes(b"weights")
    before = identity_of(path)
    with path.open("ab") as file:
        file.write(b"!")
    os.utime(path, ns=(before.mtime_ns, before.mtime_ns))  # mtime put back: the size tells

    assert identity_of(path) != before


def test_a_file_is_hashed_whole_across_blocks_and_in_ranges(tmp_path: Path) -> None:
    data = bytes(range(256)) * 41  # 10,496 bytes: several 4 KiB blocks and a short last one
    path = tmp_path / "model.pth"
    path.write_bytes(data)

    assert sha256_of(path, chunk_size=4096) == hashlib.sha256(data).hexdigest()
    assert sha256_of(path) == hashlib.sha256(data).hexdigest()
    part = sha256_of(path, chunk_size=4096, offset=1000, length=5000)
    assert part == hashlib.sha256(data[1000:6000]).hexdigest()
    assert sha256_of(path, offset=10_000) == hashlib.sha256(data[10_000:]).hexdigest()


def test_an_empty_file_and_a_range_past_the_end_hash_as_no_bytes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    short = tmp_path / "short.bin"
    short.write_bytes(b"abc")
    nothing = hashlib.sha256(b"").hexdigest()

    assert sha256_of(empty) == nothing
    assert sha256_of(short, offset=10) == nothing
    assert sha256_of(short, offset=1, length=100) == hashlib.sha256(b"bc").hexdigest()
