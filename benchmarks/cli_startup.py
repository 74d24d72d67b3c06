"""``ml-publish --help`` wall time against ``python -c pass`` (goal: at most 2x).

Run from a checkout with ml-publish installed: ``python benchmarks/cli_startup.py``.
"""

from __future__ import annotations

import shutil
import sys

from timing import median_seconds, report

RUNS = 30


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    reference = median_seconds([sys.executable, "-c", "pass"], RUNS)
    measured = median_seconds([ml_publish, "--help"], RUNS)
    report("ml-publish --help", measured, reference, "python -c pass", "<= 2x")


if __name__ == "__main__":
    main()
