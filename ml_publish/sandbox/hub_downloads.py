"""Sending file bytes as the Hub and its CDN do: ``resolve`` URLs parsed, one byte range answered
with 206 and ``Content-Range`` (a range past the end with 416), HEAD answered with the headers
alone, and the download faults acted on (a cut after some bytes, a pause). Part of the Hub
stand-in that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote

from ml_publish.sandbox.hub_errors import HubError
from ml_publish.sandbox.hub_fault_hook import InjectedFault
from ml_publish.sandbox.loopback_handler import asked_range, send_file_part, served_range

RESOLVE_PATH = re.compile(
    r"/(?:(?P<kind>datasets|spaces)/)?(?P<repo>[^/]+/[^/]+)"
    r"/resolve/(?P<revision>[^/]+)/(?P<path>.+)"
)


def resolve_target(path: str) -> tuple[str, str, str, str] | None:
    """The repository type, id, revision and file a ``resolve`` URL names; None for others."""
    match = RESOLVE_PATH.fullmatch(path)
    if match is None:
        return None
    kind = (match.group("kind") or "models")[:-1]
    return kind, unquote(match["repo"]), unquote(match["revision"]), unquote(match["path"])


def send_file(
    handler: BaseHTTPRequestHandler,
    source: Path | bytes,
    headers: dict[str, str],
    *,
    fault: InjectedFault | None,
) -> None:
    """Answer with ``source``'s bytes (or the range asked for), acting on a download fault."""
    size = source.stat().st_size if isinstance(source, Path) else len(source)
    first, last = byte_range(handler.headers.get("Range"), size)
    partial = (first, last) != (0, size - 1) and size > 0
    handler.send_response(206 if partial else 200)
    handler.send_header("Content-Type", "application/octet-stream")
    handler.send_header("Content-Length", str(last - first + 1))
    if partial:
        handler.send_header("Content-Range", f"bytes {first}-{last}/{size}")
    for name, value in headers.items():
        handler.send_header(name, value)
    remaining = last - first + 1
    if fault is not None and fault.kind == "download_cut":
        handler.send_header("Connection", "close")
        handler.close_connection = True  # the whole length announced, fewer bytes sent
        remaining = min(remaining, int(fault.amount))
    handler.end_headers()
    if handler.command == "HEAD":
        return
    pause = fault if fault is not None and fault.kind == "download_pause" else None
    if isinstance(source, bytes):
        handler.wfile.write(source[first : first + remaining])
        return
    _send_part(handler, source, first, remaining, pause)


def byte_range(header: str | None, size: int) -> tuple[int, int]:
    """The first and last byte a ``Range: bytes=A-B`` header asks for; all of it when none.
    A range that starts past the end is refused with 416, as S3 does."""
    asked = asked_range(header, size)
    if asked is not None and asked[0] >= size > 0:
        raise HubError(
            416,
            "The requested range is not satisfiable",
            headers={"Content-Range": f"bytes */{size}"},
        )
    return served_range(header, size)


def _send_part(
    handler: BaseHTTPRequestHandler,
    file: Path,
    first: int,
    remaining: int,
    pause: InjectedFault | None,
) -> None:
    """Send ``remaining`` bytes of ``file`` from ``first``, pausing where ``pause`` says."""
    with file.open("rb") as source:
        if pause is None:
            # The kernel copies the file to the socket: no read into Python, no write out of it.
            # The headers went out unbuffered already (the handler's wfile has no buffer).
            handler.connection.sendfile(source, first, remaining)
            return
        send_file_part(handler, source, first, remaining, pause)
