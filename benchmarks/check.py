"""``ml-publish check`` on a freshly generated project against ``python -c pass`` (goal: <= 4x).

Also prints the floor: a Python that only imports what any such audit must parse with (PyYAML
for the workflows and pre-commit config, tomllib for pyproject.toml, subprocess for git).
Run with ml-publish installed from a wheel (pip byte-compiles it; an editable install
recompiles the sources on every run when PYTHONDONTWRITEBYTECODE is set):
``python benchmarks/check.py``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_seconds, report

RUNS = 30
FLOOR = "import pathlib, subprocess, tomllib, yaml"


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [ml_publish, "new", "--no-input", "-o", scratch], check=True, capture_output=True
        )
        (project,) = Path(scratch).iterdir()
        subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)
        subprocess.run(["git", "add", "--all"], cwd=project, check=True)
        reference = median_seconds([sys.executable, "-c", "pass"], RUNS)
        floor = median_seconds([sys.executable, "-c", FLOOR], RUNS)
        measured = median_seconds([ml_publish, "check", str(project)], RUNS)
    report("ml-publish check", measured, reference, "python -c pass", "<= 4x")
    report("  the import floor alone", floor, reference, "python -c pass", None)
    report("  ml-publish check", measured, floor, "the import floor", None)


if __name__ == "__main__":
    main()
