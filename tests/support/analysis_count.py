"""``ml-publish adopt`` run in this process at a pretend terminal, counting how many times it
analyses the repository.

The analyses are counted by tracing calls of ``analyse_repository`` (``sys.setprofile``):
nothing of adopt's is replaced, so a second analysis anywhere, by any import of it, counts.
Run as ``python -m tests.support.analysis_count ROOT TYPED ARGS...`` (in a venv with torch, for
the safetensors offer) it prints the exit code, the count and the output as JSON.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from ml_publish import cli
from ml_publish.repository_analysis.analyse import analyse_repository


class TerminalInput(io.StringIO):
    """Standard input that is a terminal to adopt, holding what the person types."""

    def isatty(self) -> bool:
        return True


@dataclass(frozen=True)
class CountedRun:
    exit_code: int
    analyses: int
    printed: str


def adopt_counting(root: Path, arguments: list[str], typed: str) -> CountedRun:
    """``ml-publish adopt ROOT ARGUMENTS`` with ``typed`` as the answers at a terminal."""
    calls = 0
    code = analyse_repository.__code__

    def profile(frame: FrameType, event: str, _: Any) -> None:
        nonlocal calls
        if event == "call" and frame.f_code is code:
            calls += 1

    printed = io.StringIO()
    stdin = sys.stdin
    sys.stdin = TerminalInput(typed)
    sys.setprofile(profile)
    try:
        with contextlib.redirect_stdout(printed):
            exit_code = cli.main(["adopt", str(root), *arguments])
    finally:
        sys.setprofile(None)
        sys.stdin = stdin
    return CountedRun(exit_code, calls, printed.getvalue())


if __name__ == "__main__":
    counted = adopt_counting(Path(sys.argv[1]), sys.argv[3:], sys.argv[2])
    print(json.dumps([counted.exit_code, counted.analyses, counted.printed]))
