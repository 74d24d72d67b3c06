"""Run real tools and fail with their output when they fail; read a running child's lines
with a deadline."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

# How long a test waits for a child's next line: generous for a slow, loaded machine; a child
# that prints nothing for this long is hung.
READ_SECONDS = 300


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


class LineReader:
    """The lines of a child's text stream as they arrive, read with a deadline: a child that
    hangs, or holds its output back, fails the test instead of stalling it."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._lines.put(line)
        self._lines.put(None)

    def until(self, wanted: Callable[[str], bool], timeout: float = READ_SECONDS) -> list[str]:
        """The lines up to and including the first that is ``wanted``."""
        lines: list[str] = []
        while not lines or not wanted(lines[-1]):
            line = self._next(timeout, lines)
            if line is None:
                raise AssertionError(f"the output ended before the line wanted:\n{''.join(lines)}")
            lines.append(line)
        return lines

    def rest(self, timeout: float = READ_SECONDS) -> str:
        """Everything else the child prints, up to the end of its output."""
        lines: list[str] = []
        while (line := self._next(timeout, lines)) is not None:
            lines.append(line)
        return "".join(lines)

    def _next(self, timeout: float, so_far: list[str]) -> str | None:
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line for {timeout} s after:\n{''.join(so_far)}") from None


def start_interruptible(command: Sequence[str | Path], **options: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(command, **options)`` whose process takes Ctrl-C (SIGINT) as it would
    at a terminal, however the tests themselves were started.

    A shell starts a background job (``pytest &``, a CI step's ``nohup``) with SIGINT ignored,
    every process it starts inherits that, and a Python started so installs no
    KeyboardInterrupt handler: a test's Ctrl-C would never land. exec() gives a signal this
    process handles its default meaning back, so handling it here while starting is enough.
    """
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen([str(part) for part in command], **options)
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
