"""``no-weights-in-git`` over 2,000 staged files against pre-commit-hooks' check-added-large-files.

Goal: at most 1.5x. Both get the same file names on the command line, as pre-commit passes
them, and the same 500 KB limit; every file is below it, so both pass. pre-commit-hooks is
installed from PyPI into a scratch venv and its entry point is called directly.
Run with ml-publish installed (from a wheel): ``python benchmarks/no_weights_hook.py``.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

from timing import median_seconds, report

FILES = 2_000
RUNS = 20
MAX_KB = 500
PRE_COMMIT_HOOKS = "pre-commit-hooks==6.0.0"


def staged_repository(root: Path) -> list[str]:
    """A git repository with ``FILES`` staged files of 1 to 300 KB, in nested directories."""
    generator = random.Random(2026)
    names = []
    for index in range(FILES):
        name = f"src/part{index % 40}/module_{index}.py"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"# data\n" * (generator.randint(1, 300) * 1024 // 7))
        names.append(name)
    subprocess.run(["git", "init", "--quiet"], cwd=root, check=True)
    subprocess.run(["git", "add", "--all"], cwd=root, check=True)
    return names


def main() -> None:
    ml_publish = shutil.which("ml-publish") or sys.exit("install ml-publish first")
    with tempfile.TemporaryDirectory() as scratch:
        tools = Path(scratch) / "hooks-venv"
        venv.EnvBuilder(with_pip=True).create(tools)
        subprocess.run(
            [tools / "bin" / "python", "-m", "pip", "install", "--quiet", PRE_COMMIT_HOOKS],
            check=True,
        )
        repository = Path(scratch) / "repository"
        names = staged_repository(repository)
        os.chdir(repository)
        reference = median_seconds(
            [str(tools / "bin" / "check-added-large-files"), f"--maxkb={MAX_KB}", *names], RUNS
        )
        measured = median_seconds(
            [ml_publish, "no-weights-in-git", f"--max-kb={MAX_KB}", *names], RUNS
        )
    report(
        f"no-weights-in-git, {FILES} files",
        measured,
        reference,
        "check-added-large-files",
        "<= 1.5x",
    )


if __name__ == "__main__":
    main()
