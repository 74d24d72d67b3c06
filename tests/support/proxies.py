"""A real forward proxy on 127.0.0.1, as universities and companies run them: proxy.py (from
PyPI), asking for a user name and password, started and stopped by the tests.

Its access log is what the tests read to see what went through it: one line per connection,
``CONNECT host:port`` for a tunnel and ``GET host:port/path`` for a plain-HTTP request, written
when the connection closes.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "student"
# Characters a URL must escape, so the test sees them unquoted on their way to the proxy.
PASSWORD = "p@ss:w0rd/secret"
ACCESS = re.compile(r" - ([A-Z]+) (\S+) - ")
REFUSED = "ProxyAuthenticationFailed"
START_SECONDS = 60


@dataclass(frozen=True)
class ForwardProxy:
    """The running proxy: where it listens and what it logged (after ``offset`` bytes)."""

    port: int
    log: Path
    offset: int = 0

    def from_now(self) -> ForwardProxy:
        """The same proxy, its log read from here on: for one test of many sharing it."""
        size = self.log.stat().st_size if self.log.exists() else 0
        return dataclasses.replace(self, offset=size)

    def _text(self) -> str:
        if not self.log.exists():
            return ""
        with self.log.open("rb") as log:
            log.seek(self.offset)
            return log.read().decode("utf-8", errors="replace")

    def url(self, *, password: str = PASSWORD) -> str:
        """Its URL as a proxy variable holds it, with credentials quoted."""
        from urllib.parse import quote

        return f"http://{USER}:{quote(password, safe='')}@127.0.0.1:{self.port}"

    def requests(self, expected: int = 1, timeout: float = 10) -> list[str]:
        """``METHOD target`` of each connection logged, once at least ``expected`` are."""
        deadline = time.monotonic() + timeout
        while True:
            found = [f"{m[1]} {m[2]}" for m in ACCESS.finditer(self._text())]
            found = [request for request in found if request != "CONNECT None:None"]
            if len(found) >= expected or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def refusals(self, expected: int = 1, timeout: float = 10) -> list[str]:
        """The requests it refused for want of the right credentials, once ``expected`` are."""
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in self._text().splitlines() if REFUSED in line]
            if len(found) >= expected or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


@contextmanager
def forward_proxy(directory: Path) -> Iterator[ForwardProxy]:
    """proxy.py on a port the OS picks, asking for ``USER`` and ``PASSWORD``; stopped after."""
    port_file, log = directory / "proxy.port", directory / "proxy.log"
    command = [
        sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0",
        "--port-file", str(port_file), "--num-workers", "1", "--num-acceptors", "1",
        "--log-file", str(log), "--log-level", "INFO", "--basic-auth", f"{USER}:{PASSWORD}",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None:
                raise RuntimeError(f"proxy.py did not start: {process.communicate()[1]!r}")
            assert time.monotonic() < deadline, "proxy.py did not start in time"
            time.sleep(0.05)
        yield ForwardProxy(int(port_file.read_text()), log)
    finally:
        process.terminate()
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def without_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy variable from the machine running the tests, in either case."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
