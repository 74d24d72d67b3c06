"""``no-weights-in-git`` against pre-commit-hooks' check-added-large-files, on two commits.

Goal: at most 1.5x, for each commit. Both hooks get the same 2,000 staged file names on the
command line, as pre-commit passes them, and the same 500 KB limit.

1. Every file is below the limit: both pass, after a ``stat`` of each file.
2. 200 of the files are above the limit and both refuse the commit. check-added-large-files
   names all 200. no-weights-in-git names the 100 with a weight extension (``.pt``, ``.ckpt``,
   ...) without opening them; the 100 without one it opens and sniffs, naming the 50 that start
   like weights (a ``torch.save`` zip, a pickle, safetensors) and passing the 50 CSV files.
   Before timing, each hook's output is checked to name exactly those files.

pre-commit-hooks is installed from PyPI into a scratch venv and its entry point is called
directly. Run with ml-publish installed (from a wheel): ``python benchmarks/no_weights_hook.py``.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

from timing import median_seconds, report

FILES = 2_000
OVER_LIMIT = 200  # of the second commit's FILES: half with a weight extension, half without
RUNS = 20
MAX_KB = 500
PRE_COMMIT_HOOKS = "pre-commit-hooks==6.0.0"
REFERENCE = "check-added-large-files"
WEIGHT_SUFFIXES = (".pt", ".ckpt", ".safetensors", ".onnx", ".h5")


def torch_checkpoint(payload: bytes) -> bytes:
    """What ``torch.save`` writes: a zip whose first entry is the pickled object."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as checkpoint:
        checkpoint.writestr("checkpoint/data.pkl", payload)
    return archive.getvalue()


def safetensors(payload: bytes) -> bytes:
    header = json.dumps({"w": {"dtype": "U8", "shape": [len(payload)], "data_offsets": [0, 0]}})
    return struct.pack("<Q", len(header)) + header.encode() + payload


def pickled(payload: bytes) -> bytes:
    return pickle.dumps(payload, protocol=4)


SNIFFED_WEIGHTS: tuple[Callable[[bytes], bytes], ...] = (torch_checkpoint, pickled, safetensors)


def write(root: Path, name: str, content: bytes) -> str:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def small_files(root: Path, count: int) -> list[str]:
    """``count`` source files of 1 to 300 KB, in nested directories."""
    generator = random.Random(2026)
    return [
        write(
            root,
            f"src/part{i % 40}/module_{i}.py",
            b"# data\n" * (generator.randint(1, 300) * 1024 // 7),
        )
        for i in range(count)
    ]


def large_files(root: Path) -> tuple[list[str], set[str]]:
    """``OVER_LIMIT`` files of 501 to 1,000 KB; all their names, and those of the weights."""
    generator = random.Random(2027)
    names, weights = [], set()
    for index in range(OVER_LIMIT):
        size = generator.randint(MAX_KB + 1, 2 * MAX_KB) * 1024
        if index % 2 == 0:  # named like weights: refused by name, never opened
            suffix = WEIGHT_SUFFIXES[index // 2 % len(WEIGHT_SUFFIXES)]
            name = write(
                root, f"checkpoints/run{index % 7}/model_{index}{suffix}", os.urandom(size)
            )
            weights.add(name)
        elif index % 4 == 1:  # weights under a neutral name: refused by content
            kind = SNIFFED_WEIGHTS[index // 4 % len(SNIFFED_WEIGHTS)]
            name = write(root, f"outputs/fold{index % 5}/state_{index}", kind(os.urandom(size)))
            weights.add(name)
        else:  # data: opened, sniffed and let through
            line = b"0.125,0.25,0.5,cat\n"
            name = write(
                root, f"data/split{index % 3}/table_{index}.csv", line * (size // len(line))
            )
        names.append(name)
    return names, weights


def stage(root: Path) -> None:
    subprocess.run(["git", "add", "--all"], cwd=root, check=True)


def refused(command: list[str]) -> set[str]:
    """The files a hook names, after checking that it refused the commit."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 1:
        sys.exit(f"{command[0]} exited with {result.returncode}, not 1:\n{result.stdout}")
    lines = result.stdout.splitlines()
    return {line.split()[0].rstrip(":") for line in lines if line and not line[0].isspace()}


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    with tempfile.TemporaryDirectory() as scratch:
        tools = Path(scratch) / "hooks-venv"
        venv.EnvBuilder(with_pip=True).create(tools)
        subprocess.run(
            [tools / "bin" / "python", "-m", "pip", "install", "--quiet", PRE_COMMIT_HOOKS],
            check=True,
        )
        theirs = [str(tools / "bin" / REFERENCE), f"--maxkb={MAX_KB}"]
        ours = [ml_publish, "no-weights-in-git", f"--max-kb={MAX_KB}"]
        repository = Path(scratch) / "repository"
        subprocess.run(["git", "init", "--quiet", str(repository)], check=True)
        os.chdir(repository)

        names = small_files(repository, FILES)
        stage(repository)
        reference = median_seconds([*theirs, *names], RUNS)
        measured = median_seconds([*ours, *names], RUNS)
        report(f"no-weights-in-git, {FILES} files", measured, reference, REFERENCE, "<= 1.5x")

        for name in names[FILES - OVER_LIMIT :]:  # so the index holds the commit's files alone
            (repository / name).unlink()
        large, weights = large_files(repository)
        stage(repository)
        names = names[: FILES - OVER_LIMIT] + large
        assert refused([*theirs, *names]) == set(large)
        assert refused([*ours, *names]) == weights
        reference = median_seconds([*theirs, *names], RUNS, exit_code=1)
        measured = median_seconds([*ours, *names], RUNS, exit_code=1)
        report(
            f"no-weights-in-git, {FILES} files, {OVER_LIMIT} over the limit"
            f" ({OVER_LIMIT // 2} of them sniffed)",
            measured,
            reference,
            REFERENCE,
            "<= 1.5x",
        )


if __name__ == "__main__":
    main()
