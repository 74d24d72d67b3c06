"""The Hub's large-file storage as files on disk: LFS objects by SHA-256, and the uploads on their
way in (single PUTs and multipart parts) under unguessable tickets, as S3's signed URLs are.

Bodies are streamed, never held in memory, and runs of zero bytes are written as holes, so a
3 GiB sparse weight costs the stand-in little disk. Nothing here speaks HTTP: ``hub_handler``
feeds request bodies in, ``hub_state`` keeps which repository holds which object. Part of the
Hub stand-in that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ml_publish.sandbox.hub_errors import HubError, bad_request

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class UploadTicket:
    """The right to send one object's bytes to storage: whole (``part_size`` None) or in parts."""

    token: str
    repo_key: str
    oid: str
    size: int
    part_size: int | None = None

    @property
    def part_count(self) -> int:
        """How many parts a multipart upload has: the size divided by the part size, rounded up."""
        return 1 if self.part_size is None else max(1, -(-self.size // self.part_size))


class SparseWriter:
    """Writes a stream to a file, seeking over chunks of zeros so they become holes."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._position = 0

    def write(self, chunk: bytes) -> None:
        if chunk.count(0) == len(chunk):
            self._out.seek(len(chunk), os.SEEK_CUR)
        else:
            self._out.write(chunk)
        self._position += len(chunk)

    def close(self) -> None:
        """Fix the file's length: trailing holes were only seeked over."""
        self._out.truncate(self._position)


class LfsObjects:
    """LFS objects on disk, named by SHA-256, and the tickets of uploads still coming in."""

    def __init__(self, root: Path) -> None:
        self._objects = root / "objects"
        self._incoming = root / "incoming"
        for directory in (self._objects, self._incoming):
            directory.mkdir(parents=True, exist_ok=True)
        self._tickets: dict[str, UploadTicket] = {}
        # Parts received per ticket: part number -> (file, etag).
        self._parts: dict[str, dict[int, tuple[Path, str]]] = {}
        self._lock = threading.Lock()

    def has(self, oid: str, size: int | None = None) -> bool:
        """Whether the object is stored (with this size, when one is given)."""
        path = self.path(oid)
        return path.is_file() and (size is None or path.stat().st_size == size)

    def path(self, oid: str) -> Path:
        """Where the object's bytes are, once stored."""
        return self._objects / oid

    def new_ticket(self, repo_key: str, oid: str, size: int, part_size: int | None) -> UploadTicket:
        """Open an upload of object ``oid`` for a repository; its token goes in the upload URLs."""
        ticket = UploadTicket(secrets.token_urlsafe(16), repo_key, oid, size, part_size)
        with self._lock:
            self._tickets[ticket.token] = ticket
            self._parts[ticket.token] = {}
        return ticket

    def ticket(self, token: str) -> UploadTicket:
        """The open upload a token names; an unknown or finished one is refused as S3 does."""
        with self._lock:
            ticket = self._tickets.get(token)
        if ticket is None:
            raise HubError(403, "Request has expired or the signature does not match")
        return ticket

    def incoming_file(self) -> Path:
        """A fresh file name for a body on its way in."""
        return self._incoming / secrets.token_hex(12)

    def accept_whole(self, ticket: UploadTicket, received: Path, sha256: str) -> None:
        """Store a single-PUT body as the object, if it is the object's bytes."""
        if received.stat().st_size != ticket.size or sha256 != ticket.oid:
            received.unlink(missing_ok=True)
            raise bad_request(f"The uploaded content does not match the object {ticket.oid}")
        os.replace(received, self.path(ticket.oid))

    def accept_part(self, ticket: UploadTicket, number: int, received: Path, sha256: str) -> str:
        """Keep one part of a multipart upload (a retried part replaces the first); its ETag."""
        if not 1 <= number <= ticket.part_count:
            received.unlink(missing_ok=True)
            raise bad_request(f"Part number {number} is out of range")
        etag = f'"{sha256[:32]}"'
        with self._lock:
            parts = self._parts.setdefault(ticket.token, {})
            old = parts.get(number)
            parts[number] = (received, etag)
        if old is not None:
            old[0].unlink(missing_ok=True)
        return etag

    def complete(self, ticket: UploadTicket, parts: Iterable[Mapping[str, object]]) -> None:
        """Join the parts the client lists (number and ETag each) into the object, checked."""
        with self._lock:
            received = dict(self._parts.get(ticket.token, {}))
        listed = {int(str(part.get("partNumber"))): str(part.get("etag")) for part in parts}
        expected = set(range(1, ticket.part_count + 1))
        if set(listed) != expected or set(received) != expected:
            raise bad_request("One or more of the specified parts could not be found")
        if any(received[number][1] != etag for number, etag in listed.items()):
            raise bad_request("One or more of the specified parts could not be found")
        target = self.incoming_file()
        sha256 = _join([received[number][0] for number in sorted(expected)], target)
        self.accept_whole(ticket, target, sha256)
        self.finish(ticket)

    def finish(self, ticket: UploadTicket) -> None:
        """Close a ticket and drop whatever parts it left."""
        with self._lock:
            self._tickets.pop(ticket.token, None)
            parts = self._parts.pop(ticket.token, {})
        for path, _ in parts.values():
            path.unlink(missing_ok=True)

    def put(self, data: bytes | Path) -> tuple[str, int]:
        """Store bytes (or a file's bytes) directly, as tests seed the Hub; their SHA-256, size."""
        target = self.incoming_file()
        if isinstance(data, Path):
            sha256 = _join([data], target)
        else:
            target.write_bytes(data)
            sha256 = hashlib.sha256(data).hexdigest()
        size = target.stat().st_size
        os.replace(target, self.path(sha256))
        return sha256, size


def _join(sources: list[Path], target: Path) -> str:
    """Copy ``sources`` one after another into ``target``, keeping holes; the SHA-256 of it all."""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        writer = SparseWriter(out)
        for source in sources:
            with source.open("rb") as data:
                while chunk := data.read(CHUNK_SIZE):
                    digest.update(chunk)
                    writer.write(chunk)
        writer.close()
    return digest.hexdigest()
