"""The local test server, weights published on it, downloads in processes."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

from {{ cookiecutter.package_name }}.pretrained import Registry, WeightsError

RELEASE_PATH = "owner/repo/releases/download/v1.0.0"
SEND_CHUNK = 64 * 1024
# A held response waits at most this long for the test to let it go.
HOLD_LIMIT_SECONDS = 60


@dataclass
class Watch:
    """What the server sent: requests per file, bytes in all.

    ``hold_after(n)`` stops the response that sends the n-th byte, signals
    ``held`` and waits for ``release``, so a test acts at a known moment.
    """

    requests: Counter[str] = field(default_factory=Counter)
    bytes_sent: int = 0
    limit: int | None = None
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hold_after(self, sent: int) -> None:
        self.limit = sent
        self.held.clear()
        self.release.clear()

    def count(self, sent: int) -> bool:
        """Count ``sent`` more bytes; whether to hold the response now."""
        with self.lock:
            self.bytes_sent += sent
            if self.limit is None or self.bytes_sent < self.limit:
                return False
            self.limit = None
        return True


class WatchedHandler(SimpleHTTPRequestHandler):
    """Serves the release directory, counting requests and bytes."""

    def __init__(self, *args: Any, watch: Watch, **kwargs: Any) -> None:
        self.watch = watch
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        with self.watch.lock:
            self.watch.requests[self.path.rpartition("/")[2]] += 1
        super().do_GET()

    def copyfile(self, source: Any, outputfile: Any) -> None:
        try:
            self.send_watched(source, outputfile)
        except ConnectionError:
            pass  # the client was killed, which is what the test is about

    def send_watched(self, source: BinaryIO, outputfile: BinaryIO) -> None:
        while chunk := source.read(SEND_CHUNK):
            outputfile.write(chunk)
            if self.watch.count(len(chunk)):
                outputfile.flush()
                self.watch.held.set()
                self.watch.release.wait(HOLD_LIMIT_SECONDS)


@dataclass(frozen=True)
class Server:
    """A running local server: its URL, its release directory, its watch."""

    url: str
    release: Path
    watch: Watch


@contextmanager
def serve(root: Path) -> Iterator[Server]:
    """Serve ``root`` on 127.0.0.1 until the block ends."""
    (root / RELEASE_PATH).mkdir(parents=True)
    watch = Watch()
    handler = partial(WatchedHandler, directory=str(root), watch=watch)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        yield Server(url, root / RELEASE_PATH, watch)
    finally:
        watch.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def publish(
    directory: Path,
    content: bytes,
    name: str = "tiny",
    *,
    suffix: str = ".pth",
    part_size: int = 0,
    **fields: Any,
) -> dict[str, Any]:
    """Serve ``content`` as a weight file; return its registry entry.

    With ``part_size`` it is served in parts of that size, as ml-publish
    publishes files too large for one GitHub release asset.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    file_name = f"{name}-{sha256[:10]}{suffix}"
    entry: dict[str, Any] = {
        "name": name,
        "url": f"https://github.com/{RELEASE_PATH}/{file_name}",
        "sha256": sha256,
        "size": len(content),
        "file_name": file_name,
        "arch": "example",
        "meta": {},
    }
    if not part_size:
        (directory / file_name).write_bytes(content)
    else:
        starts = range(0, len(content), part_size)
        chunks = [content[start : start + part_size] for start in starts]
        parts = []
        for number, chunk in enumerate(chunks, start=1):
            part_name = f"{file_name}.part-{number:03d}-of-{len(chunks):03d}"
            (directory / part_name).write_bytes(chunk)
            part = {"file_name": part_name, "size": len(chunk)}
            part["sha256"] = hashlib.sha256(chunk).hexdigest()
            parts.append(part)
        entry["parts"] = parts
    entry.update(fields)
    return entry


def registry_of(
    *entries: dict[str, Any],
    defaults: dict[str, str] | None = None,
) -> Registry:
    document = {
        "format": 2,
        "defaults": defaults or {},
        "weights": list(entries),
    }
    return Registry.from_text(json.dumps(document))


def download_in_child(
    entry: dict[str, Any],
    cache: str,
    start: Any = None,
) -> None:
    """A process's download: what a training job's worker does on first use.

    ``start`` (a barrier) lines the processes up so they ask at once.
    """
    if start is not None:
        start.wait()
    registry = registry_of(entry)
    registry.download(entry["name"], cache_dir=Path(cache), progress=False)


def without_room_in_child(
    entry: dict[str, Any],
    cache: str,
    limit: int,
    answers: Any,
) -> None:
    """Download, files capped at ``limit`` bytes; the error to ``answers``."""
    import resource
    import signal

    # Without this the kernel kills the process instead of failing the write.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        download_in_child(entry, cache)
    except WeightsError as error:
        answers.put(str(error))
    else:
        answers.put("the download fitted")


def partials(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.glob("*.partial"))


def cached_files(cache: Path) -> list[str]:
    """The cache's files, without its lock directory."""
    return sorted(p.name for p in cache.iterdir() if p.name != ".locks")
