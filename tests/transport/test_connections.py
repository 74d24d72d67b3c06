"""Keep-alive connections (one per origin, reused, dropped on demand, through a proxy) and the
body sender (``sendfile`` on plain sockets), on real sockets."""

from __future__ import annotations

import base64
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ml_publish.errors import OperationFailed
from ml_publish.transport.connections import UPLOAD_BLOCK, Connections, send_body
from tests.support.processes import READ_SECONDS
from tests.support.proxies import without_proxies
from tests.support.scripted_server import ScriptedReply, ScriptedServer, scripted_server


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the machine running the tests."""
    without_proxies(monkeypatch)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with scripted_server(ScriptedReply(200, {})) as running:
        yield running


def test_a_connection_per_origin_is_reused_until_dropped(server: ScriptedServer) -> None:
    url = urlsplit(f"{server.url}/things?page=2")
    connections = Connections(connect_timeout=30, read_timeout=READ_SECONDS)
    try:
        first, first_reused = connections.get(url)
        again, again_reused = connections.get(urlsplit(f"{server.url}/other"))
        connections.drop(url)
        fresh, fresh_reused = connections.get(url)
        target = connections.target(url)
    finally:
        connections.close()

    assert (first_reused, again is first, again_reused) == (False, True, True)
    assert (fresh is not first, fresh_reused) == (True, False)
    assert first.sock is None  # dropped means closed
    assert target == ("/things?page=2", {})
    assert fresh.sock is None  # and close() closed the rest


def test_plain_http_through_a_proxy_asks_it_for_the_whole_url_with_its_credentials(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The scripted server stands in for the proxy: the connection only has to be accepted.
    proxy_port = urlsplit(server.url).port
    monkeypatch.setenv("HTTP_PROXY", f"http://ann:s%40cret@127.0.0.1:{proxy_port}")
    url = urlsplit("http://files.example.org:8080/things?page=2")
    connections = Connections(connect_timeout=30, read_timeout=READ_SECONDS)
    try:
        connection, _ = connections.get(url)
        target, headers = connections.target(url)
    finally:
        connections.close()

    assert (connection.host, connection.port) == ("127.0.0.1", proxy_port)
    assert target == "http://files.example.org:8080/things?page=2"
    assert headers == {"Proxy-Authorization": "Basic " + base64.b64encode(b"ann:s@cret").decode()}


def received(count: int) -> tuple[socket.socket, list[bytes], threading.Thread]:
    """A socket to send into, and what its other end reads until ``count`` bytes or the end."""
    sending, receiving = socket.socketpair()
    chunks: list[bytes] = []

    def read() -> None:
        got = 0
        while got < count and (chunk := receiving.recv(1 << 20)):
            chunks.append(chunk)
            got += len(chunk)
        receiving.close()

    reader = threading.Thread(target=read)
    reader.start()
    return sending, chunks, reader


def test_a_body_is_sent_from_its_offset_in_blocks_with_progress(tmp_path: Path) -> None:
    data = os.urandom(UPLOAD_BLOCK + 3000)
    path = tmp_path / "w.bin"
    path.write_bytes(data)
    size = UPLOAD_BLOCK + 1000
    sending, chunks, reader = received(size)
    reported: list[int] = []

    with sending, path.open("rb") as source:
        send_body(sending, source, 2000, size, reported.append)
    reader.join(READ_SECONDS)

    assert b"".join(chunks) == data[2000 : 2000 + size]
    assert reported == [UPLOAD_BLOCK, 1000]


def test_a_file_that_shrank_while_it_was_sent_stops_the_upload(tmp_path: Path) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(os.urandom(5000))
    sending, chunks, reader = received(8000)

    with sending, path.open("rb") as source:
        with pytest.raises(OperationFailed) as raised:
            send_body(sending, source, 0, 8000, None)
    reader.join(READ_SECONDS)

    assert str(raised.value) == f"{path} changed while it was being uploaded; upload it again"
    assert len(b"".join(chunks)) == 5000
