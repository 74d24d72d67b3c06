"""Run real tools and fail with their output when they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path


def run(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    expect_success: bool = True,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """Run ``command``; when ``expect_success``, assert it exited 0 and show its output if not."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    # Tools must not pick up the test runner's own virtual environment by accident.
    full_env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if expect_success:
        assert result.returncode == 0, (
            f"{' '.join(map(str, command))} exited {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"
        )
    return result


def run_into_closed_pipe(words: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``ml-publish WORDS`` writing to a pipe whose reader has already gone (``| head`` done)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ml_publish", *map(str, words)],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            env={**os.environ, "NO_COLOR": "1"},
        )
    finally:
        os.close(writer)
    return subprocess.CompletedProcess(result.args, result.returncode, "", result.stderr)


def quiet_end(result: subprocess.CompletedProcess[str]) -> bool:
    """Whether the run ended quietly: as the CPython docs advise for a closed pipe (exit 1), or
    with argparse's --help, which ignores a failed write itself (exit 0)."""
    return result.returncode in (0, 1) and result.stderr == ""
