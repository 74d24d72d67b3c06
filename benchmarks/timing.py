"""What the benchmarks share: the median wall time of a command, and how a figure meets its goal.

Every figure's line ends with its goal and ``met`` or ``not met``, e.g. ``= 1.42x (goal <= 2x):
met``, so a script or a person can tell from the output alone; context lines carry no goal.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

# A goal as the benchmarks print it: a bound on a ratio, a time or a size.
GOAL = re.compile(r"(<=|>=) (\d+(?:\.\d+)?) ?(x|s|MB)")


def median_seconds(
    command: Sequence[str],
    runs: int,
    before_each: Callable[[], None] | None = None,
    *,
    exit_code: int = 0,
) -> float:
    """Median wall time of ``command`` over ``runs`` runs (after one warm-up run).

    Every run must end with ``exit_code``: a command that fails sooner than it should is not
    timed doing its job.
    """
    samples = []
    for attempt in range(runs + 1):
        if before_each:
            before_each()
        start = time.perf_counter()
        run = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt:
            samples.append(time.perf_counter() - start)
        if run.returncode != exit_code:
            raise SystemExit(f"{command[0]} exited with {run.returncode}, not {exit_code}")
    return statistics.median(samples)


def verdict(goal: str, value: float) -> str:
    """``(goal <= 2x): met`` or ``...: not met``, as ``value`` keeps ``goal`` (``>= 0.9x``, ...).

    ``value`` is in the goal's unit: a ratio for ``x``, seconds for ``s``, megabytes for ``MB``.
    """
    match = GOAL.fullmatch(goal)
    if match is None:
        raise ValueError(f"a goal reads like '<= 2x', '>= 0.9x' or '<= 10 s', not {goal!r}")
    bound, limit = match[1], float(match[2])
    met = value <= limit if bound == "<=" else value >= limit
    return f"(goal {goal}): {'met' if met else 'not met'}"


def report(
    figure: str, measured: float, reference: float, reference_name: str, goal: str | None
) -> None:
    """Print a time against its reference's and whether their ratio meets ``goal``.

    ``goal=None`` prints a line for scale, with no goal to meet.
    """
    ratio = measured / reference
    print(
        f"{figure}: {measured * 1000:.1f} ms vs {reference_name} {reference * 1000:.1f} ms"
        f" = {ratio:.2f}x {verdict(goal, ratio) if goal else '(for scale)'}"
    )


def write_random_file(path: Path, size: int, block: int = 64 << 20) -> None:
    """Fill ``path`` with ``size`` random bytes (real data: a sparse file would flatter I/O)."""
    with path.open("wb") as out:
        for start in range(0, size, block):
            out.write(os.urandom(min(block, size - start)))
