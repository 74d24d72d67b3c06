"""``weights add`` of a 500 MB state dict with metadata, against ``sha256sum`` of the file alone.

The state dict (50 tensors of 10 MB, float32) is written by torch; ``ml-publish weights add``
then registers it with a license, metrics and categories given, its parameter count and file
size computed (the count read from ``data.pkl`` alone), into a fresh copy of a generated
project each run, as a person runs it: a new process, the command line, the README table
rewritten. The reference is ``sha256sum`` of the same file, the least any registration must do
(``openssl dgst -sha256`` printed beside it for scale: coreutils hashes more slowly).
Both read the file from the page cache (run 0 fills it and is not counted); they take turns.
Needs torch in the running Python, or the Python that ``BENCH_TORCH_PYTHON`` names, to write
the file. Run: ``python benchmarks/weights_add.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import report

from ml_publish.template import new_project

RUNS = 5
GOAL = "<= 1.5x"
WRITE = """
import sys, torch
torch.manual_seed(0)
state = {f"layer{i}.weight": torch.randn(2_500_000) for i in range(50)}
torch.save(state, sys.argv[1])
"""
METRICS = {"dataset": "ImageNet-1k", "split": "val", "values": {"acc@1": 80.674, "acc@5": 95.1}}


# Registry URLs from the project's own facts, not from a CI runner's variables.
ENVIRONMENT = {**os.environ, "GITHUB_REPOSITORY": "", "GITHUB_SERVER_URL": ""}


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=cwd, capture_output=True, env=ENVIRONMENT)
    return time.perf_counter() - start


def add_command(project: Path, state: Path, categories: Path) -> list[str]:
    return [
        *(sys.executable, "-m", "ml_publish", "weights", "-C", str(project), "add", str(state)),
        *("--name", "big", "--arch", "example_net", "--meta", "license=Apache-2.0"),
        *("--metrics", json.dumps(METRICS), "--categories", str(categories)),
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        rendered = new_project([], output_dir=scratch / "rendered", no_input=True)
        state, categories = scratch / "state.pth", scratch / "classes.txt"
        categories.write_text("\n".join(f"class {n}" for n in range(10)), encoding="utf-8")
        torch_python = os.environ.get("BENCH_TORCH_PYTHON", sys.executable)
        if subprocess.run([torch_python, "-c", WRITE, str(state)], cwd=scratch).returncode:
            sys.exit("this benchmark needs torch (or BENCH_TORCH_PYTHON naming a Python with it)")
        ours, theirs, openssl = [], [], []
        for run in range(RUNS + 1):  # run 0 fills the page cache and is not counted
            project = shutil.copytree(rendered, scratch / f"run{run}" / rendered.name)
            commands = {
                "add": add_command(project, state, categories),
                "sha256sum": ["sha256sum", str(state)],
                "openssl": ["openssl", "dgst", "-sha256", str(state)],
            }
            order = list(commands) if run % 2 else list(commands)[::-1]
            times = {name: timed(commands[name], scratch) for name in order}
            if run:
                ours.append(times["add"])
                theirs.append(times["sha256sum"])
                openssl.append(times["openssl"])
        size_mb = state.stat().st_size / 1e6
    report(
        f"weights add of a {size_mb:.0f} MB state dict with metadata",
        statistics.median(ours),
        statistics.median(theirs),
        "sha256sum",
        GOAL,
    )
    # coreutils' SHA-256 is slower than OpenSSL's (which Python's hashlib uses): for scale.
    print(f"  openssl dgst -sha256 of the same file: {statistics.median(openssl) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
