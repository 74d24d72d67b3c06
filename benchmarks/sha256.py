"""Hashing a 1 GiB weight file: ml-publish's ``sha256_of`` against ``openssl dgst -sha256``.

Goal: at least 0.9x openssl's throughput. Run: ``python benchmarks/sha256.py``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import verdict, write_random_file

from ml_publish.digests import sha256_of

SIZE = 1024**3
RUNS = 3


def main() -> None:
    openssl = shutil.which("openssl") or sys.exit("openssl is needed as the reference")
    with tempfile.TemporaryDirectory() as scratch:
        blob = Path(scratch) / "weights.bin"
        write_random_file(blob, SIZE)
        ours, reference = [], []
        for _ in range(RUNS):
            start = time.perf_counter()
            digest = sha256_of(blob)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            output = subprocess.run(
                [openssl, "dgst", "-sha256", "-r", str(blob)], capture_output=True, text=True
            ).stdout
            reference.append(time.perf_counter() - start)
            assert output.split()[0] == digest
    mine, theirs = statistics.median(ours), statistics.median(reference)
    print(
        f"sha256 of 1 GiB: {SIZE / mine / 1e6:.0f} MB/s vs openssl {SIZE / theirs / 1e6:.0f} MB/s"
        f" = {theirs / mine:.2f}x throughput {verdict('>= 0.9x', theirs / mine)}"
    )


if __name__ == "__main__":
    main()
