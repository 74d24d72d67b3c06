"""Split weights: a file too large for one GitHub release asset, published as numbered parts.

A file at or above the part size is registered as one weight whose entry lists its ``parts``
(file name, size and full SHA-256 of each), named ``<file_name>.part-001-of-003`` and so on and
served beside the release URL the entry names. Only the whole file is staged: each part is
uploaded as a byte range of it, so a 10 GB checkpoint needs no second 10 GB on disk.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ml_publish.errors import UsageError
from ml_publish.weights.naming import MAX_WEIGHT_BYTES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.weights.registry import WeightEntry

# Just under GitHub's 2 GiB: a mebibyte of room, and parts that stay whole mebibytes.
DEFAULT_PART_SIZE = MAX_WEIGHT_BYTES - (1 << 20)
# Part numbers have three digits, and a release holds at most 1,000 assets anyway.
MAX_PARTS = 999
# GitHub refuses to add assets to a release that holds this many.
MAX_RELEASE_ASSETS = 1000
SIZE = re.compile(r"^\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[KMG]i?B|B)?\s*$", re.IGNORECASE)
UNITS = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3}
UNITS |= {"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}
HASH_BLOCK = 8 << 20


@dataclass(frozen=True)
class Part:
    """One part of a split weight: its release asset's name, its size and its SHA-256."""

    file_name: str
    size: int
    sha256: str


def part_file_name(file_name: str, number: int, count: int) -> str:
    """``<file_name>.part-002-of-003``: sorts in order, and says how many parts to expect."""
    return f"{file_name}.part-{number:03d}-of-{count:03d}"


def parse_part_size(text: str) -> int:
    """Bytes from ``--part-size`` (``1900MiB``, ``500MB``, ``1048576``), below GitHub's limit."""
    match = SIZE.match(text)
    if match is None:
        raise UsageError(f"--part-size {text!r} is not a size; write it like 1900MiB or 500MB")
    size = int(float(match["number"]) * UNITS[(match["unit"] or "").lower()])
    if size <= 0:
        raise UsageError(f"--part-size {text!r} must be more than 0 bytes")
    if size >= MAX_WEIGHT_BYTES:
        raise UsageError(
            f"--part-size {text!r} is {size} bytes; GitHub release assets must be under 2 GiB "
            f"({MAX_WEIGHT_BYTES} bytes): leave it out for the largest that fits"
        )
    return size


def check_part_count(path: Path, size: int, part_size: int) -> None:
    """Refuse a split into more parts than part names and a release can hold."""
    count = -(-size // part_size)
    if count > MAX_PARTS:
        raise UsageError(
            f"{path} would be split into {count} parts of {part_size} bytes; at most {MAX_PARTS} "
            "fit in a release: choose a larger --part-size"
        )


def hash_in_parts(path: Path, part_size: int) -> tuple[str, list[tuple[int, str]]]:
    """The file's SHA-256 and each ``part_size`` span's size and SHA-256, in one read.

    The whole file's digest is computed on a second thread (hashlib lets go of the GIL), so
    the two digests take the time of one on a machine with two cores.
    """
    # Here, not at the top: the registry imports this module, and most of its users never split.
    from concurrent.futures import ThreadPoolExecutor

    whole = hashlib.sha256()
    spans: list[tuple[int, str]] = []
    buffer = bytearray(min(HASH_BLOCK, part_size))
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as stream, ThreadPoolExecutor(max_workers=1) as pool:
        while True:
            part, done = hashlib.sha256(), 0
            while done < part_size and (read := stream.readinto(view[: part_size - done])):
                hashing = pool.submit(whole.update, view[:read])
                part.update(view[:read])
                hashing.result()
                done += read
            if not done:
                break
            spans.append((done, part.hexdigest()))
    return whole.hexdigest(), spans


def parts_for(file_name: str, spans: list[tuple[int, str]]) -> tuple[Part, ...]:
    """The parts of ``file_name`` for the spans ``hash_in_parts`` found."""
    count = len(spans)
    return tuple(
        Part(part_file_name(file_name, number, count), size, sha256)
        for number, (size, sha256) in enumerate(spans, start=1)
    )


def part_url(entry_url: str, part: Part) -> str:
    """Where a part is served: beside the URL the entry names, on the same release."""
    return f"{entry_url.rpartition('/')[0]}/{part.file_name}"


def release_assets(entry: WeightEntry) -> list[tuple[WeightEntry, int]]:
    """The release assets ``entry`` is published as, each with its offset in the staged file.

    A whole file is one asset; a split one is an asset per part, named, sized and hashed as a
    weight entry of its own (as the release's dists are), so the uploader handles both alike.
    """
    if not entry.parts:
        return [(entry, 0)]
    assets, offset = [], 0
    for number, part in enumerate(entry.parts, start=1):
        asset = dataclasses.replace(
            entry,
            name=f"{entry.name} (part {number} of {len(entry.parts)})",
            url=part_url(entry.url, part),
            sha256=part.sha256,
            size=part.size,
            file_name=part.file_name,
            parts=(),
            mirrors=(),
        )
        assets.append((asset, offset))
        offset += part.size
    return assets


def asset_count(entries: list[WeightEntry]) -> int:
    """How many release assets these weights take."""
    return sum(max(1, len(entry.parts)) for entry in entries)
