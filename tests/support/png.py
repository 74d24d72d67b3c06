"""PNG files read and written with the standard library alone (zlib), for pictures in tests.

Only what the tests meet: 8-bit RGB or RGBA, not interlaced, which is what Chromium's
screenshots are and what the demo apps are given.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {2: 3, 6: 4}  # colour type -> samples per pixel: RGB, RGBA


@dataclass(frozen=True)
class Picture:
    """Decoded pixels: ``rows[y]`` holds ``width * channels`` bytes."""

    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixels(self, row: bytes) -> list[bytes]:
        step = self.channels
        return [row[x : x + step] for x in range(0, len(row), step)]

    def distinct_colours(self) -> int:
        return len({pixel for row in self.rows for pixel in self.pixels(row)})

    def rows_with_ink(self) -> int:
        """How many rows hold a pixel of another colour than the top-left one (the page's)."""
        background = self.rows[0][: self.channels]
        return sum(any(pixel != background for pixel in self.pixels(row)) for row in self.rows)


def write_solid_png(path: Path, width: int, height: int, rgb: tuple[int, int, int]) -> None:
    """Write a ``width`` x ``height`` picture of one colour."""
    row = b"\x00" + bytes(rgb) * width  # filter type 0: the bytes as they are
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height))
        + _chunk(b"IEND", b"")
    )


def read_png(path: Path) -> Picture:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG file."""
    data = path.read_bytes()
    assert data.startswith(SIGNATURE), f"{path} is not a PNG file"
    chunks = dict[bytes, bytes]()
    compressed = bytearray()
    offset = len(SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        if kind == b"IDAT":
            compressed += body
        chunks.setdefault(kind, body)
        offset += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert depth == 8 and colour_type in CHANNELS and not interlace, f"unsupported PNG: {path}"
    channels = CHANNELS[colour_type]
    rows = _unfilter(zlib.decompress(compressed), width * channels, height, channels)
    return Picture(width, height, channels, rows)


def _chunk(kind: bytes, body: bytes) -> bytes:
    checksum = zlib.crc32(kind + body)
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> list[bytes]:
    """Undo PNG's per-row filters (None, Sub, Up, Average, Paeth)."""
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + (left + previous[i]) // 2) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                corner = previous[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, previous[i], corner)) & 0xFF
        previous = bytes(line)
        rows.append(previous)
    return rows


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    to_left, to_up, to_corner = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
    if to_left <= to_up and to_left <= to_corner:
        return left
    return up if to_up <= to_corner else corner
