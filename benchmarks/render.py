"""``ml-publish new --no-input`` against plain ``cookiecutter --no-input`` on the same template.

Goal: at most 1.3x. Run from a checkout with ml-publish installed: ``python benchmarks/render.py``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from timing import median_seconds, report

from ml_publish.template_files import template_dir

RUNS = 15


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    cookiecutter = shutil.which("cookiecutter") or sys.exit("install cookiecutter first")
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "out"

        def clear_output() -> None:
            shutil.rmtree(output, ignore_errors=True)

        reference = median_seconds(
            [
                cookiecutter,
                "--no-input",
                "--default-config",
                "-o",
                str(output),
                str(template_dir()),
            ],
            RUNS,
            clear_output,
        )
        measured = median_seconds(
            [ml_publish, "new", "--no-input", "-o", str(output)], RUNS, clear_output
        )
    report("ml-publish new --no-input", measured, reference, "cookiecutter --no-input", "<= 1.3x")


if __name__ == "__main__":
    main()
