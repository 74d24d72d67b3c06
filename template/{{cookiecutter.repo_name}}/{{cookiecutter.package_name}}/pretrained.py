"""Pretrained weights: the registry ml-publish writes, and a verified download.

``weights.json`` beside this file lists every published weight file with its
URL, full SHA-256 and size; a file too large for one GitHub release asset
lists its parts, and a file may list mirrors, other URLs serving the same
bytes. Nothing here trusts a file it has not hashed: a download goes to a
partial file, is checked, and only then renamed into the cache. The sources
are tried in order, the release first, until one serves the registered bytes.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import {% if cookiecutter.framework == "pytorch" %}TYPE_CHECKING, {% endif %}Any, BinaryIO, TextIO
{%- if cookiecutter.framework == "pytorch" %}

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.transforms import Preprocess
{%- endif %}

# Points every release URL at another server (an internal mirror, or a test
# server): the origin of each URL is replaced, its path kept. It replaces the
# release as the first source; the registered mirrors still follow it.
MIRROR_VARIABLE = "{{ cookiecutter.package_name | upper }}_WEIGHTS_MIRROR"
REGISTRY_FILE = "weights.json"
CHUNK_SIZE = 1 << 20
TIMEOUT_SECONDS = 60
REFRESH_SECONDS = 0.1
# Beside the cache file while it downloads: the whole file, or verified parts.
PARTIAL_SUFFIX = ".partial"
PARTS_SUFFIX = ".parts.partial"


class WeightsError(RuntimeError):
    """A weight file is unknown, unreachable, or not the registered file."""


class SourceError(Exception):
    """One source did not serve the registered bytes; the message says how."""


@dataclass(frozen=True)
class Part:
    """One release asset of a weight file too large for one asset."""

    file_name: str
    size: int
    sha256: str

    @classmethod
    def from_json(cls, part: dict[str, Any]) -> Part:
        return cls(part["file_name"], int(part["size"]), part["sha256"])


@dataclass(frozen=True)
class Weights:
    """One published weight file and what is needed to use it."""

    name: str
    url: str
    sha256: str
    size: int
    file_name: str
    arch: str
    meta: dict[str, Any] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()
    mirrors: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Weights:
        parts = [Part.from_json(part) for part in entry.get("parts", [])]
        return cls(
            name=entry["name"],
            url=entry["url"],
            sha256=entry["sha256"],
            size=int(entry["size"]),
            file_name=entry["file_name"],
            arch=entry.get("arch", ""),
            meta=dict(entry.get("meta", {})),
            parts=tuple(parts),
            mirrors=tuple(entry.get("mirrors", [])),
        )

    def sources(self) -> list[str]:
        """Where to download from, in order: the release, then each mirror."""
        return [mirrored(self.url), *self.mirrors]
{%- if cookiecutter.framework == "pytorch" %}

    def transforms(self) -> Preprocess:
        """The preprocessing these weights were trained with."""
        from {{ cookiecutter.package_name }}.transforms import Preprocess

        return Preprocess.from_meta(self.meta)
{%- endif %}


class Registry:
    """The weights listed in one registry file."""

    def __init__(self, weights: list[Weights]) -> None:
        self.weights = {w.name: w for w in weights}

    @classmethod
    def from_text(cls, text: str) -> Registry:
        entries = json.loads(text)["weights"]
        return cls([Weights.from_json(entry) for entry in entries])

    def names(self) -> list[str]:
        return sorted(self.weights)

    def get(self, name: str) -> Weights:
        if name not in self.weights:
            known = ", ".join(self.names()) or "none yet"
            raise WeightsError(f"no weights named {name!r}; known: {known}")
        return self.weights[name]

    def download(
        self,
        name: str,
        *,
        cache_dir: Path | None = None,
        progress: bool = True,
    ) -> Path:
        weights = self.get(name)
        directory = cache_dir or default_cache_dir()
        target = Path(directory) / weights.file_name
        if target.is_file() and target.stat().st_size == weights.size:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        show = sys.stderr if progress and sys.stderr.isatty() else None
        fetch_verified(weights, target, Progress(weights, show))
        return target


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


def mirrored(url: str) -> str:
    """``url`` with its origin replaced by the mirror, if one is set."""
    mirror = os.environ.get(MIRROR_VARIABLE, "").rstrip("/")
    if not mirror:
        return url
    return mirror + urllib.parse.urlsplit(url).path


def fetch_verified(weights: Weights, target: Path, progress: Progress) -> None:
    """Save the weights as ``target`` from the first source serving them.

    A source is left for the next on a connection error, a timeout, an HTTP
    error or bytes that do not hash to the registered SHA-256.
    """
    failures = []
    sources = weights.sources()
    for index, url in enumerate(sources):
        try:
            if index == 0 and weights.parts:
                fetch_parts(url, weights, target, progress)
            else:
                fetch_whole(url, weights, target, progress)
            # Parts a failed source left are of no more use.
            leftover = target.with_name(target.name + PARTS_SUFFIX)
            leftover.unlink(missing_ok=True)
            return
        except SourceError as error:
            failures.append(f"{url}: {error}")
        except (OSError, http.client.HTTPException) as error:
            failures.append(f"{url}: {reason(error)}")
        finally:
            progress.finish()
        if index + 1 < len(sources):
            progress.note(f"{failures[-1]}; trying {sources[index + 1]}")
    tried = "; ".join(failures)
    raise WeightsError(
        f"could not download {weights.name}; {tried}; nothing was cached",
    )


def fetch_whole(
    url: str,
    weights: Weights,
    target: Path,
    progress: Progress,
) -> None:
    """Save the file ``url`` serves as ``target`` if its SHA-256 matches."""
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            progress.start(0, "")
            copy(url, out, weights.size, [digest], progress)
        if digest.hexdigest() != weights.sha256:
            got = f"SHA-256 {digest.hexdigest()}"
            raise SourceError(f"{got}, expected {weights.sha256}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


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
    partial = target.with_name(target.name + PARTS_SUFFIX)
    done, whole = verified_parts(partial, weights.parts)
    base = url.rpartition("/")[0]
    count = len(weights.parts)
    with partial.open("r+b") as out:
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
    """Append the ``size`` bytes ``url`` serves to ``out`` and ``digests``.

    More bytes than that, or fewer, fail the source.
    """
    received = 0
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
        while chunk := response.read(min(CHUNK_SIZE, size + 1 - received)):
            received += len(chunk)
            if received > size:
                raise SourceError(f"it serves more than {size} bytes")
            out.write(chunk)
            for digest in digests:
                digest.update(chunk)
            progress.advance(len(chunk))
    if received != size:
        raise SourceError(f"it served {received} bytes, not {size}")


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


def default_registry() -> Registry:
    """The registry shipped inside this package."""
    package_files = resources.files("{{ cookiecutter.package_name }}")
    text = package_files.joinpath(REGISTRY_FILE).read_text(encoding="utf-8")
    return Registry.from_text(text)


def list_models() -> list[str]:
    """Names of every published weight file."""
    return default_registry().names()


def get_weights(name: str) -> Weights:
    """The registry entry for ``name``."""
    return default_registry().get(name)


def download_weights(
    name: str,
    *,
    cache_dir: Path | None = None,
    progress: bool = True,
) -> Path:
    """The local path of ``name``'s file, downloaded and verified if needed."""
    return default_registry().download(
        name,
        cache_dir=cache_dir,
        progress=progress,
    )
