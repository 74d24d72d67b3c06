"""A 900 MB weight in 3 parts: the generated package's loader against curl + cat + openssl.

The loader downloads the parts one by one, joins them while hashing each part and the whole,
and renames the result into the cache; the reference downloads the three parts with ``curl
-o``, joins them with ``cat`` and hashes the result with ``openssl dgst -sha256``. Both read
from the same local static server, each in a process of its own, taking turns (order swapped
every round) so a shared machine's load slows both alike. Goal: at most 1.1x the reference's
time. Run: ``python benchmarks/parts.py``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from timing import report, write_random_file

from ml_publish.template import new_project

# tests/support is on sys.path in the editable install the README sets up for tests.
from tests.support.static_server import serving

SIZE = 900 * 1000**2
PARTS = 3
RUNS = 3
FILE_NAME = "big-0123456789.bin"
DOWNLOAD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from cell_segmentation.pretrained import Registry
registry = Registry.from_text(Path(sys.argv[2]).read_text())
registry.download("big", cache_dir=Path(sys.argv[3]), progress=False)
"""


def split_and_register(whole: Path, served: Path, url: str) -> tuple[dict[str, object], str]:
    """Serve ``whole`` in ``PARTS`` parts from ``served``; its registry entry and SHA-256."""
    sha256 = hashlib.sha256()
    parts: list[dict[str, object]] = []
    part_size = -(-SIZE // PARTS)
    with whole.open("rb") as source:
        for number in range(1, PARTS + 1):
            chunk = source.read(part_size)
            sha256.update(chunk)
            name = f"{FILE_NAME}.part-{number:03d}-of-{PARTS:03d}"
            (served / name).write_bytes(chunk)
            part_sha256 = hashlib.sha256(chunk).hexdigest()
            parts.append({"file_name": name, "size": len(chunk), "sha256": part_sha256})
    entry: dict[str, object] = {"name": "big", "url": f"{url}/{FILE_NAME}", "size": SIZE}
    entry |= {"sha256": sha256.hexdigest(), "file_name": FILE_NAME, "parts": parts}
    return entry, sha256.hexdigest()


def timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(8 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def main() -> None:
    curl = shutil.which("curl") or sys.exit("curl is needed as the reference")
    openssl = shutil.which("openssl") or sys.exit("openssl is needed as the reference")
    parts = [f"{FILE_NAME}.part-{n:03d}-of-{PARTS:03d}" for n in range(1, PARTS + 1)]
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        project = new_project(["framework=none"], output_dir=scratch, no_input=True)
        served, cache, out = scratch / "served", scratch / "cache", scratch / "curl"
        served.mkdir()
        write_random_file(scratch / "whole.bin", SIZE)
        with serving(served) as url:
            entry, sha256 = split_and_register(scratch / "whole.bin", served, url)
            (scratch / "whole.bin").unlink()
            registry = scratch / "weights.json"
            registry.write_text(json.dumps({"format": 1, "weights": [entry]}))

            def loader() -> None:
                command = [sys.executable, "-c", DOWNLOAD, str(project), str(registry)]
                subprocess.run([*command, str(cache)], check=True)

            def curl_cat_openssl() -> None:
                out.mkdir()
                for name in parts:
                    subprocess.run([curl, "-s", "-f", "-o", str(out / name), f"{url}/{name}"])
                with (out / "whole.bin").open("wb") as joined:
                    subprocess.run(["cat", *(str(out / n) for n in parts)], stdout=joined)
                dgst = [openssl, "dgst", "-sha256", "-r", str(out / "whole.bin")]
                found = subprocess.run(dgst, capture_output=True, text=True).stdout.split()[0]
                assert found == sha256

            ours, theirs = [], []
            for run in range(RUNS + 1):  # round 0 warms the page cache and is not counted
                if run % 2:
                    mine, reference = timed(loader), timed(curl_cat_openssl)
                else:
                    reference, mine = timed(curl_cat_openssl), timed(loader)
                assert sha256_of(cache / FILE_NAME) == sha256
                shutil.rmtree(cache)
                shutil.rmtree(out)
                if run:
                    ours.append(mine)
                    theirs.append(reference)
    report(
        "download + join + verify 900 MB in 3 parts",
        statistics.median(ours),
        statistics.median(theirs),
        "curl x3 + cat + openssl dgst",
        "<= 1.1x",
    )


if __name__ == "__main__":
    main()
