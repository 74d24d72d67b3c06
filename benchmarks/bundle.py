"""``ml-publish bundle`` of the demo project against ``pip download`` of the same requirements
plus ``cp`` of its weight: the same wheelhouse for Kaggle's target and the same weight file.

Goal: at most 1.2x. Both start from the project's built wheel (``--wheel``) and skip nothing pip
does; the bundle also hashes every file for its manifest and writes its Kaggle files. For scale,
the bundle with its offline check (a fresh venv installs it and loads the weight), and with the
wheel built too. Run from a checkout with ml-publish installed: ``python benchmarks/bundle.py``.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from timing import report

from ml_publish import index
from ml_publish.release.demo_project import DEMO_ANSWERS, WEIGHTS_NAME, safetensors_bytes
from ml_publish.template import new_project
from ml_publish.weights.registration import add_weights

RUNS = 11
TARGET = ["--python-version", "3.11", "--platform", "manylinux2014_x86_64"]


def demo_project(scratch: Path) -> tuple[Path, Path]:
    """The demo project with its weight registered, and its built wheel."""
    project = new_project(DEMO_ANSWERS, output_dir=scratch, no_input=True)
    weights = project / f"{WEIGHTS_NAME}.safetensors"
    weights.write_bytes(safetensors_bytes())
    add_weights(project, weights, name=WEIGHTS_NAME, repository="demo/iris-classifier")
    weights.unlink()
    built = index.build(project, scratch / "dist")
    return project, next(path for path in built if path.suffix == ".whl")


def interleaved_medians(
    commands: Sequence[Sequence[str]], runs: int, before_each: Callable[[], None]
) -> list[float]:
    """Median wall time of each command, run in turns (after one warm-up round), so a machine
    whose load changes during the run weighs on every command alike."""
    samples: list[list[float]] = [[] for _ in commands]
    for attempt in range(runs + 1):
        for command, times in zip(commands, samples):
            before_each()
            start = time.perf_counter()
            subprocess.run(
                command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
            )
            if attempt:
                times.append(time.perf_counter() - start)
    return [statistics.median(times) for times in samples]


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        project, wheel = demo_project(scratch)
        (staged,) = (project / ".ml-publish" / "weights").iterdir()
        out = scratch / "bundle"

        def clear() -> None:
            shutil.rmtree(out, ignore_errors=True)

        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:"]
        download = " ".join([*pip, *TARGET, "-d", f"{out}/wheels", str(wheel)])
        copy = f"mkdir -p {out}/weights && cp {staged} {out}/weights/"
        bundle = [ml_publish, "bundle", str(out), "--project", str(project)]
        reference, measured, verified, built = interleaved_medians(
            [
                ["sh", "-c", f"{download} && {copy}"],
                [*bundle, "--wheel", str(wheel), "--no-verify"],
                [*bundle, "--wheel", str(wheel)],
                [*bundle, "--no-verify"],
            ],
            RUNS,
            clear,
        )
        report("ml-publish bundle", measured, reference, "pip download + cp", "<= 1.2x")
        report("  with its offline check", verified, reference, "pip download + cp", None)
        report("  building the wheel too", built, reference, "pip download + cp", None)


if __name__ == "__main__":
    main()
