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
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from ml_publish.sandbox.hub_errors import HubError, bad_request

CHUNK_SIZE = 1024 * 1024
# Compared against with ``startswith`` (a memcmp that stops at the first non-zero byte) rather
# than counting zeros, which scans every byte: random weights cost next to nothing to check.
ZEROS = bytes(CHUNK_SIZE)


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


class Digest(Protocol):
    """A running hash (hashlib's SHA-256 objects)."""

    def update(self, data: bytes, /) -> None: ...

    def copy(self) -> Digest: ...

    def hexdigest(self) -> str: ...


def is_zeros(chunk: bytes) -> bool:
    """Whether ``chunk`` holds only zero bytes (a hole to seek over)."""
    if len(chunk) <= CHUNK_SIZE:
        return ZEROS.startswith(chunk)
    return chunk.count(0) == len(chunk)


class SparseWriter:
    """Writes a stream into a file from its current position, seeking over chunks of zeros so
    they become holes (only where nothing was written before: ``holes``)."""

    def __init__(self, out: BinaryIO, *, holes: bool = True) -> None:
        self._out = out
        self._holes = holes

    def write(self, chunk: bytes) -> None:
        if self._holes and is_zeros(chunk):
            self._out.seek(len(chunk), os.SEEK_CUR)
        else:
            self._out.write(chunk)

    def end_file(self) -> None:
        """Fix the file's length where the stream ended: trailing holes were only seeked over."""
        self._out.truncate(self._out.tell())


@dataclass
class PartTarget:
    """Where one part's bytes go: the object's file at the part's offset, and the hash to feed."""

    file: Path
    offset: int
    holes: bool
    digest: Digest | None
    whole: bool = False  # a single PUT: the file ends where the body does


@dataclass
class _Assembly:
    """A multipart upload on its way in: the parts land in place in one file, hashed in order."""

    file: Path
    running: Digest = field(default_factory=hashlib.sha256)
    next_part: int = 1  # 0 once parts came out of order: hash the file at completion instead
    etags: dict[int, str] = field(default_factory=dict)
    attempted: set[int] = field(default_factory=set)


class LfsObjects:
    """LFS objects on disk, named by SHA-256, and the tickets of uploads still coming in."""

    def __init__(self, root: Path) -> None:
        self._objects = root / "objects"
        self._incoming = root / "incoming"
        for directory in (self._objects, self._incoming):
            directory.mkdir(parents=True, exist_ok=True)
        self._tickets: dict[str, UploadTicket] = {}
        self._assemblies: dict[str, _Assembly] = {}
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
            if part_size is not None:
                self._assemblies[ticket.token] = _Assembly(self.incoming_file())
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

    def part_target(self, ticket: UploadTicket, number: int) -> PartTarget:
        """Where part ``number`` goes, and the running hash to continue when it is the next one."""
        if not 1 <= number <= ticket.part_count or ticket.part_size is None:
            raise bad_request(f"Part number {number} is out of range")
        with self._lock:
            assembly = self._assemblies[ticket.token]
            assembly.file.touch()
            first_attempt = number not in assembly.attempted
            assembly.attempted.add(number)
            if number < assembly.next_part:
                assembly.next_part = 0  # sent again after later parts: trust only the file
            digest = assembly.running.copy() if number == assembly.next_part else None
        offset = (number - 1) * ticket.part_size
        return PartTarget(assembly.file, offset, first_attempt, digest)

    def accept_part(self, ticket: UploadTicket, number: int, digest: Digest | None) -> str:
        """Count part ``number`` as received whole (its hash continued, if it was the next one);
        the ETag the client lists it by at completion."""
        etag = f'"{secrets.token_hex(16)}"'
        with self._lock:
            assembly = self._assemblies[ticket.token]
            assembly.etags[number] = etag
            if digest is not None and number == assembly.next_part:
                assembly.running, assembly.next_part = digest, number + 1
        return etag

    def complete(self, ticket: UploadTicket, parts: Iterable[Mapping[str, object]]) -> None:
        """Check the parts the client lists (number and ETag each) and store the object."""
        with self._lock:
            assembly = self._assemblies.get(ticket.token)
            received = dict(assembly.etags) if assembly is not None else {}
        listed = {int(str(part.get("partNumber"))): str(part.get("etag")) for part in parts}
        expected = set(range(1, ticket.part_count + 1))
        if assembly is None or set(listed) != expected or received != listed:
            raise bad_request("One or more of the specified parts could not be found")
        with assembly.file.open("r+b") as out:
            out.truncate(ticket.size)
        if assembly.next_part == ticket.part_count + 1:
            sha256 = assembly.running.hexdigest()
        else:
            sha256 = _sha256(assembly.file)
        self.accept_whole(ticket, assembly.file, sha256)
        self.finish(ticket)

    def finish(self, ticket: UploadTicket) -> None:
        """Close a ticket and drop whatever part of an object it left."""
        with self._lock:
            self._tickets.pop(ticket.token, None)
            assembly = self._assemblies.pop(ticket.token, None)
        if assembly is not None:
            assembly.file.unlink(missing_ok=True)

    def put(self, data: bytes | Path) -> tuple[str, int]:
        """Store bytes (or a file's bytes) directly, as tests seed the Hub; their SHA-256, size."""
        target = self.incoming_file()
        if isinstance(data, Path):
            sha256 = _copy(data, target)
        else:
            target.write_bytes(data)
            sha256 = hashlib.sha256(data).hexdigest()
        size = target.stat().st_size
        os.replace(target, self.path(sha256))
        return sha256, size


def _copy(source: Path, target: Path) -> str:
    """Copy ``source`` into ``target``, keeping holes; the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    with source.open("rb") as data, target.open("wb") as out:
        writer = SparseWriter(out)
        while chunk := data.read(CHUNK_SIZE):
            digest.update(chunk)
            writer.write(chunk)
        writer.end_file()
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()
