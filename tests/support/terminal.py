"""Running ml-publish on a pseudo-terminal, as a person at a keyboard would."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
from pathlib import Path

from tests.support.processes import READ_SECONDS


def run_on_terminal(
    arguments: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    typed: str = "",
    python: Path = Path(sys.executable),
) -> str:
    """``python -m ml_publish ARGUMENTS`` with a terminal as stdin and stdout; what it printed.

    ``typed`` is sent as keystrokes up front; the terminal buffers it until asked.
    """
    command = [str(python), "-m", "ml_publish", *arguments]
    return run_command_on_terminal(command, cwd=cwd, env=env, typed=typed)


def run_command_on_terminal(
    command: list[str], *, cwd: Path, env: dict[str, str], typed: str = ""
) -> str:
    """``command`` with a terminal as stdin, stdout and stderr; what it printed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin, stdout and stderr are the pseudo-terminal
        os.chdir(cwd)
        os.execve(command[0], command, {**os.environ, "COLUMNS": "120", **env})
    if typed:
        os.write(fd, typed.encode())
    chunks: list[bytes] = []
    while True:
        if not select.select([fd], [], [], READ_SECONDS)[0]:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(fd)
            shown = b"".join(chunks).decode(errors="replace")
            raise AssertionError(f"{command} printed nothing for {READ_SECONDS} s:\n{shown}")
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    os.close(fd)
    return b"".join(chunks).decode(errors="replace")
