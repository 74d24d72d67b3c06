"""Wall-time measurement shared by the benchmarks: the median of repeated runs of a command."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def median_seconds(
    command: Sequence[str], runs: int, before_each: Callable[[], None] | None = None
) -> float:
    """Median wall time of ``command`` over ``runs`` runs (after one warm-up run)."""
    samples = []
    for attempt in range(runs + 1):
        if before_each:
            before_each()
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt:
            samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(figure: str, measured: float, reference: float, reference_name: str, goal: str) -> None:
    print(
        f"{figure}: {measured * 1000:.1f} ms vs {reference_name} {reference * 1000:.1f} ms"
        f" = {measured / reference:.2f}x (goal {goal})"
    )


def write_random_file(path: Path, size: int, block: int = 64 << 20) -> None:
    """Fill ``path`` with ``size`` random bytes (real data: a sparse file would flatter I/O)."""
    with path.open("wb") as out:
        for start in range(0, size, block):
            out.write(os.urandom(min(block, size - start)))
