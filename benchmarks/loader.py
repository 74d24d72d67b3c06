"""The generated package's loader against curl + openssl, on a 200 MB weight file.

``download_weights`` (stream, hash while writing, rename) against ``curl -o`` followed by
``openssl dgst -sha256``, both from the same local server. Goal: at least 0.7x the reference's
throughput, the upload benchmark's goal for the other direction of the same transfer.
Run: ``python benchmarks/loader.py``.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import verdict

from ml_publish.template import new_project

# tests/support is on sys.path in the editable install the README sets up for tests.
from tests.support.static_server import serving

SIZE = 200 * 1000**2
RUNS = 3


def main() -> None:
    curl = shutil.which("curl") or sys.exit("curl is needed as the reference")
    openssl = shutil.which("openssl") or sys.exit("openssl is needed as the reference")
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        project = new_project(["framework=none"], output_dir=scratch, no_input=True)
        served = scratch / "served"
        served.mkdir()
        content = os.urandom(SIZE)
        sha256 = hashlib.sha256(content).hexdigest()
        (served / "w.bin").write_bytes(content)
        registry = project / "cell_segmentation" / "weights.json"
        with serving(served) as url:
            weight_url = f"{url}/w.bin"
            entry = {
                "name": "w",
                "url": weight_url,
                "sha256": sha256,
                "size": SIZE,
                "file_name": "w.bin",
            }
            registry.write_text(json.dumps({"format": 1, "weights": [entry]}))
            sys.path.insert(0, str(project))
            pretrained = importlib.import_module("cell_segmentation.pretrained")
            ours, reference = [], []
            for run in range(RUNS):
                start = time.perf_counter()
                pretrained.download_weights("w", cache_dir=scratch / f"cache{run}", progress=False)
                ours.append(time.perf_counter() - start)
                target = scratch / f"curl{run}.bin"
                start = time.perf_counter()
                subprocess.run([curl, "-s", "-o", str(target), weight_url], check=True)
                digest = subprocess.run(
                    [openssl, "dgst", "-sha256", "-r", str(target)], capture_output=True, text=True
                ).stdout.split()[0]
                reference.append(time.perf_counter() - start)
                assert digest == sha256
    mine, theirs = statistics.median(ours), statistics.median(reference)
    print(
        f"download + verify 200 MB: {mine * 1000:.0f} ms vs curl -o + openssl dgst "
        f"{theirs * 1000:.0f} ms = {mine / theirs:.2f}x time ({theirs / mine:.2f}x throughput)"
        f" {verdict('>= 0.7x', theirs / mine)}"
    )


if __name__ == "__main__":
    main()
