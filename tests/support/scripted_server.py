"""A local HTTP server that answers from a script, for replies the GitHub emulator cannot give.

The emulator stamps healthy rate-limit headers on every answer and speaks plain HTTP, so a 403
that is no rate limit, an answer with an exact body or headers, or HTTPS comes from here instead
(the emulator's ``faults`` give 5xx answers and dropped connections).
"""

from __future__ import annotations

import hashlib
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ScriptedReply:
    """One answer; status 0 hangs up instead, after reading the request."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScriptedRequest:
    """One request as received; its body is kept only as a SHA-256."""

    method: str
    path: str
    headers: dict[str, str]
    body_sha256: str


@dataclass
class ScriptedServer:
    """Gives the scripted replies in order, repeating the last; records each request."""

    url: str
    replies: list[ScriptedReply]
    requests: list[ScriptedRequest] = field(default_factory=list)

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
        body = self.rfile.read(int(length) if length.isdigit() else 0)
        headers = {name.lower(): value for name, value in self.headers.items()}
        digest = hashlib.sha256(body).hexdigest()
        script.requests.append(ScriptedRequest(self.command, self.path, headers, digest))
        reply = script.next_reply()
        if reply.status == 0:
            self.close_connection = True
            return
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
    def __init__(self, replies: list[ScriptedReply], tls: tuple[Path, Path] | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.socket = context.wrap_socket(self.socket, server_side=True)
            scheme = "https"
        self.script = ScriptedServer(f"{scheme}://127.0.0.1:{self.server_port}", replies)


@contextmanager
def scripted_server(
    *replies: ScriptedReply, tls: tuple[Path, Path] | None = None
) -> Iterator[ScriptedServer]:
    """Serve ``replies`` on 127.0.0.1 until the block ends.

    With ``tls`` (a certificate file and its key file) it serves HTTPS.
    """
    server = _ScriptedHTTPServer(list(replies), tls)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.script
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
