"""A real forward proxy on 127.0.0.1, as universities and companies run them: proxy.py (from
PyPI), asking for a user name and password, started and stopped by the tests.

Its access log is what the tests read to see what went through it: one line per connection,
``CONNECT host:port`` for a tunnel and ``GET host:port/path`` for a plain-HTTP request, written
when the connection closes. A test reads it once it is complete (``settled``), never by waiting
for as many lines as it hopes for.
"""

from __future__ import annotations

import base64
import dataclasses
import http.client
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.static_server import serving

USER = "student"
# Characters a URL must escape, so the test sees them unquoted on their way to the proxy.
PASSWORD = "p@ss:w0rd/secret"
ACCESS = re.compile(r" - ([A-Z]+) (\S+) - ")
REFUSED = "ProxyAuthenticationFailed"
START_SECONDS = 60
# Generous: the proxy answers from this machine, but a machine can be busy.
SETTLE_SECONDS = 300


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

    def settled(self) -> str:
        """The log of every connection made before this call, complete.

        proxy.py logs a connection when it closes, a moment after the client is done with it.
        So this sends a request of its own, marked, through the proxy, and waits for its line:
        the proxy handles connections in order on its one worker, so every line before it is
        there too, and none that could still come.
        """
        marker = f"settled-{uuid.uuid4().hex}"
        credentials = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        with tempfile.TemporaryDirectory() as empty, serving(Path(empty)) as url:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=SETTLE_SECONDS)
            try:
                headers = {"Proxy-Authorization": f"Basic {credentials}"}
                connection.request("GET", f"{url}/{marker}", headers=headers)
                connection.getresponse().read()
            finally:
                connection.close()
            deadline = time.monotonic() + SETTLE_SECONDS
            while marker not in (text := self._text()):
                assert time.monotonic() < deadline, "proxy.py never logged the marked request"
                time.sleep(0.05)
        return text[: text.index(marker)].rpartition("\n")[0]

    def requests(self) -> list[str]:
        """``METHOD target`` of each connection logged so far (refused ones have no target)."""
        found = [f"{m[1]} {m[2]}" for m in ACCESS.finditer(self.settled())]
        return [request for request in found if request != "CONNECT None:None"]

    def refusals(self) -> list[str]:
        """The requests it refused so far for want of the right credentials."""
        return [line for line in self.settled().splitlines() if REFUSED in line]


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
