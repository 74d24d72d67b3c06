"""Run real tools and fail with their output when they fail."""

from __future__ import annotations

import os
import subprocess
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
