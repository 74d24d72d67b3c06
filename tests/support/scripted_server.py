"""A local HTTP server that answers from a script, for replies the GitHub emulator cannot give.

The emulator stamps healthy rate-limit headers on every answer and has no API-side 5xx, so a
403 that is no rate limit, or a run of 502s, comes from here instead.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class ScriptedReply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ScriptedServer:
    """Gives the scripted replies in order, repeating the last; records each request's headers."""

    url: str
    replies: list[ScriptedReply]
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def next_reply(self) -> ScriptedReply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        assert isinstance(self.server, _ScriptedHTTPServer)
        script = self.server.script
        length = self.headers.get("Content-Length", "0")
        self.rfile.read(int(length) if length.isdigit() else 0)
        headers = {name.lower(): value for name, value in self.headers.items()}
        script.requests.append((self.command, self.path, headers))
        reply = script.next_reply()
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_DELETE = _answer


class _ScriptedHTTPServer(ThreadingHTTPServer):
    def __init__(self, replies: list[ScriptedReply]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script = ScriptedServer(f"http://127.0.0.1:{self.server_port}", replies)


@contextmanager
def scripted_server(*replies: ScriptedReply) -> Iterator[ScriptedServer]:
    """Serve ``replies`` on 127.0.0.1 until the block ends."""
    server = _ScriptedHTTPServer(list(replies))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.script
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
