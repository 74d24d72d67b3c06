"""Downloading a weight file into the cache, verified, from a source of it.

The sources are tried in order, the release first, until one serves the
registered bytes. A whole file goes to a temporary file of this process and
is renamed into place once its SHA-256 matches; a file published in parts is
joined part by part in a partial file that keeps each verified part, so an
interrupted download resumes at the first part it lacks.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from ._cache import (
    NO_ROOM,
    WeightsError,
    no_room,
    parts_file,
    remove_abandoned,
    temporary_file,
    unwritable,
)

if TYPE_CHECKING:
    from .pretrained import Part, Weights

CHUNK_SIZE = 1 << 20
TIMEOUT_SECONDS = 60
REFRESH_SECONDS = 0.1


class SourceError(Exception):
    """One source did not serve the registered bytes; the message says how."""


class CacheWriteError(Exception):
    """The cache refused a write: no room, or no permission."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def fetch_verified(weights: Weights, target: Path, progress: Progress) -> None:
    """Save the weights as ``target`` from the first source serving them.

    A source is left for the next on a connection error, a timeout, an HTTP
    error or bytes that do not hash to the registered SHA-256. A cache that
    cannot take the file stops at once: no other source would fit either.
    """
    failures = []
    sources = weights.sources()
    for index, url in enumerate(sources):
        try:
            if index == 0 and weights.parts:
                fetch_parts(url, weights, target, progress)
            else:
                fetch_whole(url, weights, target, progress)
            # What a failed source left is of no more use.
            parts_file(target).unlink(missing_ok=True)
            remove_abandoned(target)
            return
        except SourceError as error:
            failures.append(f"{url}: {error}")
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{url}: {reason(error)}")
        except CacheWriteError as failure:
            parts_file(target).unlink(missing_ok=True)
            raise cache_error(weights, target.parent, failure.error) from None
        finally:
            progress.finish()
        if index + 1 < len(sources):
            progress.note(f"{failures[-1]}; trying {sources[index + 1]}")
    tried = "; ".join(failures)
    raise WeightsError(
        f"could not download {weights.name}; {tried}; nothing was cached",
    )


def cache_error(
    weights: Weights,
    directory: Path,
    error: OSError,
) -> Exception:
    """The one line for a write the cache refused."""
    if error.errno in NO_ROOM:
        return no_room(weights.name, directory, weights.size)
    return WeightsError(unwritable(directory, error))


@contextmanager
def cache_writes() -> Iterator[None]:
    """Tell the cache's errors apart from the network's."""
    try:
        yield
    except OSError as error:
        raise CacheWriteError(error) from error


def fetch_whole(
    url: str,
    weights: Weights,
    target: Path,
    progress: Progress,
) -> None:
    """Save the file ``url`` serves as ``target`` if its SHA-256 matches.

    What a killed download left is resumed with a range request; if the
    joined file does not verify, it is downloaded once more from the start.
    """
    partial = temporary_file(target)
    try:
        for resume in (True, False):
            digest, resumed_at = download_into(
                partial,
                url,
                weights,
                progress,
                resume,
            )
            if digest == weights.sha256:
                os.replace(partial, target)
                return
            if not resumed_at:
                got = f"SHA-256 {digest}"
                raise SourceError(f"{got}, expected {weights.sha256}")
    finally:
        partial.unlink(missing_ok=True)


def download_into(
    partial: Path,
    url: str,
    weights: Weights,
    progress: Progress,
    resume: bool,
) -> tuple[str, int]:
    """Fill ``partial`` from ``url``, after what it holds if ``resume``.

    Returns the file's SHA-256 and the offset it was resumed at (0: none).
    """
    with cache_writes():
        # Unbuffered: a full disk fails the write, not a flush at close.
        out = partial.open("a+b" if resume else "w+b", buffering=0)
    with out:
        digest = hashlib.sha256()
        out.seek(0)
        done = hash_from(out, weights.size, [digest]) if resume else 0
        out.truncate(done)
        if done == weights.size:
            return digest.hexdigest(), done  # killed before its rename
        headers = {"Range": f"bytes={done}-"} if done else {}
        request = urllib.request.Request(url, headers=headers)
        opened = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)
        with opened as answer:
            if done and not resumes_at(answer, done):
                # The whole file again: start over.
                out.seek(0)
                out.truncate()
                digest, done = hashlib.sha256(), 0
            progress.start(done, "")
            receive(answer, out, weights.size - done, [digest], progress)
    return digest.hexdigest(), done


def resumes_at(answer: Any, offset: int) -> bool:
    """Whether ``answer`` serves the file from ``offset`` on (a 206)."""
    content_range = answer.headers.get("Content-Range", "")
    at_offset = content_range.startswith(f"bytes {offset}-")
    return bool(answer.status == 206 and at_offset)


def fetch_parts(
    url: str,
    weights: Weights,
    target: Path,
    progress: Progress,
) -> None:
    """Download the parts beside ``url`` one by one, joined into ``target``.

    Finished parts stay in a partial file, verified, so an interrupted
    download resumes at the first part it lacks; a part that does not hash to
    its SHA-256 is cut off again, and named in the error.
    """
    partial = parts_file(target)
    with cache_writes():
        done, whole = verified_parts(partial, weights.parts)
        out = partial.open("r+b", buffering=0)
    base = url.rpartition("/")[0]
    count = len(weights.parts)
    with out:
        out.seek(0, os.SEEK_END)
        for number, part in enumerate(weights.parts[done:], start=done + 1):
            start = out.tell()
            progress.start(start, f"part {number}/{count}")
            part_url = f"{base}/{part.file_name}"
            try:
                fetch_part(part_url, out, part, whole, progress)
            except BaseException:
                out.truncate(start)
                raise
    if whole.hexdigest() != weights.sha256:
        partial.unlink()
        got = f"its parts join into SHA-256 {whole.hexdigest()}"
        raise SourceError(f"{got}, expected {weights.sha256}")
    os.replace(partial, target)


def fetch_part(
    url: str,
    out: BinaryIO,
    part: Part,
    whole: Any,
    progress: Progress,
) -> None:
    """Append one part to ``out`` and ``whole``; a failure names the part."""
    digest = hashlib.sha256()
    try:
        copy(url, out, part.size, [digest, whole], progress)
    except (OSError, http.client.HTTPException) as error:
        raise SourceError(f"part {part.file_name}: {reason(error)}") from error
    except SourceError as error:
        raise SourceError(f"part {part.file_name}: {error}") from error
    if digest.hexdigest() != part.sha256:
        got = f"part {part.file_name} has SHA-256 {digest.hexdigest()}"
        raise SourceError(f"{got}, expected {part.sha256}; it was discarded")


def verified_parts(partial: Path, parts: tuple[Part, ...]) -> tuple[int, Any]:
    """How many parts ``partial`` already holds, verified, and their digest.

    Whatever follows the last verified part is cut off.
    """
    whole, length, done = hashlib.sha256(), 0, 0
    with partial.open("a+b") as file:
        file.seek(0)
        for part in parts:
            digest, joined = hashlib.sha256(), whole.copy()
            read = hash_from(file, part.size, [digest, joined])
            if read != part.size or digest.hexdigest() != part.sha256:
                break
            whole, length, done = joined, length + part.size, done + 1
        file.truncate(length)
    return done, whole


def hash_from(file: BinaryIO, size: int, digests: list[Any]) -> int:
    """Update ``digests`` with up to ``size`` bytes of ``file``; how many."""
    read = 0
    while read < size and (chunk := file.read(min(CHUNK_SIZE, size - read))):
        for digest in digests:
            digest.update(chunk)
        read += len(chunk)
    return read


def copy(
    url: str,
    out: BinaryIO,
    size: int,
    digests: list[Any],
    progress: Progress,
) -> None:
    """Append the ``size`` bytes ``url`` serves to ``out`` and ``digests``."""
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:
        receive(answer, out, size, digests, progress)


def receive(
    answer: Any,
    out: BinaryIO,
    size: int,
    digests: list[Any],
    progress: Progress,
) -> None:
    """Append the ``size`` bytes of ``answer`` to ``out`` and ``digests``.

    Bytes are written as they arrive, so a killed download keeps them. More
    bytes than ``size``, or fewer, fail the source.
    """
    received = 0
    while chunk := answer.read1(min(CHUNK_SIZE, size + 1 - received)):
        received += len(chunk)
        if received > size:
            raise SourceError(f"it serves more than {size} bytes")
        with cache_writes():
            write_all(out, chunk)
        for digest in digests:
            digest.update(chunk)
        progress.advance(len(chunk))
    if received != size:
        raise SourceError(f"it served {received} bytes, not {size}")


def write_all(out: BinaryIO, chunk: bytes) -> None:
    """Write all of ``chunk``: an unbuffered file may take part of it."""
    view = memoryview(chunk)
    while view:
        view = view[out.write(view) :]


def reason(error: BaseException) -> str:
    """A network failure in a few words."""
    if isinstance(error, urllib.error.HTTPError):
        return f"{error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        cause = error.reason
        if not isinstance(cause, BaseException):
            return str(cause)
        error = cause
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(error, http.client.IncompleteRead):
        return "the connection closed before the end"
    return str(error) or type(error).__name__


class Progress:
    """One line on a terminal: name, part, bytes so far, percent and speed."""

    def __init__(self, weights: Weights, stream: TextIO | None) -> None:
        self.name = weights.name
        self.size = weights.size
        self.stream = stream
        self.label = ""
        self.done = self.base = self.width = 0
        self.started = self.drawn = time.monotonic()
        self.active = False

    def start(self, done: int, label: str) -> None:
        """Count from ``done`` bytes, already there, under ``label``."""
        self.done = self.base = done
        self.label = label
        self.started = time.monotonic()
        self.active = True
        self.draw()

    def advance(self, received: int) -> None:
        self.done += received
        if time.monotonic() - self.drawn >= REFRESH_SECONDS:
            self.draw()

    def finish(self) -> None:
        """End the line, leaving its last state visible."""
        if self.stream is not None and self.active:
            self.draw()
            self.stream.write("\n")
            self.stream.flush()
        self.active = False
        self.width = 0

    def note(self, message: str) -> None:
        if self.stream is not None:
            self.stream.write(f"{self.name}: {message}\n")
            self.stream.flush()

    def draw(self) -> None:
        self.drawn = now = time.monotonic()
        if self.stream is None:
            return
        elapsed = max(now - self.started, 1e-9)
        speed = (self.done - self.base) / elapsed / 1e6
        percent = 100 * self.done // max(self.size, 1)
        sizes = f"{self.done / 1e6:.1f} / {self.size / 1e6:.1f} MB"
        rate = f"{speed:.1f} MB/s"
        words = [self.name, self.label, sizes, f"{percent}%", rate]
        line = "  ".join(word for word in words if word)
        # Spaces, not an escape sequence, clear what a longer line left.
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)
