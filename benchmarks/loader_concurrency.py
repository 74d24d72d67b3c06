"""Eight processes' first use of one 200 MB weight, against eight ``curl -o`` of its URL.

What ``torchrun --nproc_per_node=8`` or a server's 8 workers do on first use: the generated
loader in 8 processes started together with one cache (one downloads, the others wait for its
verified file) against 8 curls started together, each downloading the file. Both against the
same local server, which counts the bytes it sends. Goals: at most 0.3x the bytes served and at
most 1.0x the wall time of the curls. Run: ``python benchmarks/loader_concurrency.py``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from timing import verdict, write_random_file

from ml_publish.template import new_project

# tests/support is on sys.path in the editable install the README sets up for tests.
from tests.support.static_server import QuietHandler

SIZE = 200 * 1000**2
PROCESSES = 8
RUNS = 3
FIRST_USE = """
import sys
from pathlib import Path
from cell_segmentation.pretrained import download_weights
path = download_weights("w", cache_dir=Path(sys.argv[1]), progress=False)
assert path.stat().st_size == int(sys.argv[2])
"""


class CountingHandler(QuietHandler):
    """Serves files and adds the bytes it sends to the server's count."""

    def copyfile(self, source: Any, outputfile: Any) -> None:
        assert isinstance(self.server, CountingServer)
        while chunk := source.read(1 << 20):
            outputfile.write(chunk)
            with self.server.lock:
                self.server.bytes_sent += len(chunk)


class CountingServer(ThreadingHTTPServer):
    bytes_sent = 0
    lock = threading.Lock()


@contextmanager
def counting_server(root: Path) -> Iterator[tuple[str, CountingServer]]:
    server = CountingServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def all_at_once(commands: list[list[str]], cwd: Path) -> float:
    """Start ``commands`` together; the seconds until the last one ends (each must succeed)."""
    start = time.perf_counter()
    running = [subprocess.Popen(command, cwd=cwd) for command in commands]
    codes = [process.wait() for process in running]
    elapsed = time.perf_counter() - start
    if any(codes):
        raise SystemExit(f"{commands[0][0]} exited with {codes}")
    return elapsed


def measure(server: CountingServer, commands: list[list[str]], cwd: Path) -> tuple[float, int]:
    server.bytes_sent = 0
    seconds = all_at_once(commands, cwd)
    return seconds, server.bytes_sent


def main() -> None:
    curl = shutil.which("curl") or sys.exit("curl is needed as the reference")
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        project = new_project(["framework=none"], output_dir=scratch, no_input=True)
        served = scratch / "served"
        served.mkdir()
        write_random_file(served / "w.bin", SIZE)
        digest = hashlib.sha256()
        with (served / "w.bin").open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
        with counting_server(served) as (url, server):
            weight_url = f"{url}/w.bin"
            entry: dict[str, Any] = {"name": "w", "url": weight_url, "size": SIZE}
            entry["sha256"] = digest.hexdigest()
            entry["file_name"] = "w.bin"
            registry = project / "cell_segmentation" / "weights.json"
            registry.write_text(json.dumps({"format": 1, "weights": [entry]}))
            ours, theirs = [], []
            for run in range(RUNS):
                cache = scratch / f"cache{run}"
                loader = [sys.executable, "-c", FIRST_USE, str(cache), str(SIZE)]
                ours.append(measure(server, [loader] * PROCESSES, project))
                outputs = [scratch / f"curl{run}-{i}.bin" for i in range(PROCESSES)]
                curls = [[curl, "-s", "-o", str(out), weight_url] for out in outputs]
                theirs.append(measure(server, curls, scratch))
                if any(out.stat().st_size != SIZE for out in outputs):
                    raise SystemExit("a curl did not get the whole file")
                for out in outputs:
                    out.unlink()
                shutil.rmtree(cache)
    report(ours, theirs)


def report(ours: list[tuple[float, int]], theirs: list[tuple[float, int]]) -> None:
    mine = statistics.median(seconds for seconds, _ in ours)
    reference = statistics.median(seconds for seconds, _ in theirs)
    mine_bytes = max(sent for _, sent in ours)
    reference_bytes = min(sent for _, sent in theirs)
    print(
        f"{PROCESSES} processes' first use of 200 MB at once: {mine * 1000:.0f} ms vs "
        f"{PROCESSES} curl -o at once {reference * 1000:.0f} ms = {mine / reference:.2f}x time "
        f"{verdict('<= 1.0x', mine / reference)}"
    )
    ratio = mine_bytes / reference_bytes
    print(
        f"bytes served for them: {mine_bytes / 1e6:.0f} MB vs {reference_bytes / 1e6:.0f} MB = "
        f"{ratio:.2f}x bytes {verdict('<= 0.3x', ratio)}"
    )


if __name__ == "__main__":
    main()
