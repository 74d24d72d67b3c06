"""A server run as a subprocess on a free port of 127.0.0.1, waited for, and always stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.5
STOP_SECONDS = 15


def free_port() -> int:
    """A TCP port of 127.0.0.1 that the OS says is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving_process(
    command: Sequence[str | Path],
    *,
    url: str,
    log: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 180,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until the block ends, entering once ``url`` answers 200.

    The output goes to ``log`` and is shown when the server exits early or never answers.
    The process gets a session of its own, so stopping it stops whatever it started.
    """
    full_env = {**os.environ, **(env or {})}
    full_env.pop("VIRTUAL_ENV", None)
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(part) for part in command],
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(process, url, log, timeout)
        yield process
    finally:
        stop(process)


def wait_until_answering(
    process: subprocess.Popen[bytes], url: str, log: Path, timeout: float
) -> None:
    """Return once ``url`` answers 200; fail, with the server's output, if it exits or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"the server exited {process.returncode} before {url} answered\n"
                f"--- output ---\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(POLL_SECONDS)
    raise AssertionError(
        f"{url} did not answer within {timeout:.0f} s\n"
        f"--- output ---\n{log.read_text(errors='replace')}"
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``process`` and its session; kill them if they outlive ``STOP_SECONDS``."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
