"""Keep-alive connections to servers, through the proxy the environment names, and the way a
file's bytes leave this machine: ``sendfile(2)`` straight from the page cache to the socket on
plain HTTP, 16 MiB blocks through TLS.

HTTPS goes through a proxy in a ``CONNECT`` tunnel (``http.client``'s ``set_tunnel``), so TLS
runs end to end and is checked against the CA certificates ``network`` names; plain HTTP is
asked of the proxy with the whole URL as the request target.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
from collections.abc import Callable
from urllib.parse import SplitResult

from ml_publish.errors import OperationFailed
from ml_publish.transport import network
from ml_publish.transport.failures import HttpFailure

# Large blocks keep a 2 GB upload to a few hundred system calls; memory stays at one block.
UPLOAD_BLOCK = 16 * 1024 * 1024
Progress = Callable[[int], None]


class Connections:
    """One keep-alive connection per origin, with separate connect and read timeouts, through
    the proxy the environment names: HTTPS in a ``CONNECT`` tunnel, plain HTTP asked of the
    proxy with the whole URL as the request target."""

    def __init__(self, connect_timeout: float, read_timeout: float) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._open: dict[tuple[str, str], http.client.HTTPConnection] = {}
        # Plain-HTTP origins reached through a proxy, which needs the whole URL in each request.
        self._relayed: dict[tuple[str, str], network.Proxy] = {}

    def get(self, url: SplitResult) -> tuple[http.client.HTTPConnection, bool]:
        """A connected connection to ``url``'s origin, and whether it was used before."""
        key = (url.scheme, url.netloc)
        connection = self._open.get(key)
        if connection is not None and connection.sock is not None:
            return connection, True
        proxy = network.proxy_for(url.geturl())
        address = url.netloc if proxy is None else proxy.address
        if url.scheme == "https":
            connection = http.client.HTTPSConnection(
                address, timeout=self.connect_timeout, context=network.tls_context()
            )
            if proxy is not None:
                connection.set_tunnel(url.hostname or "", url.port, headers=proxy.headers)
        else:
            connection = http.client.HTTPConnection(address, timeout=self.connect_timeout)
            if proxy is not None:
                self._relayed[key] = proxy
        try:
            connection.connect()
        except ssl.SSLCertVerificationError as error:
            connection.close()
            raise HttpFailure(network.untrusted(error, url.netloc)) from None
        except OSError as error:
            connection.close()
            if proxy is None or isinstance(error, ssl.SSLError):  # TLS with the server failed
                raise
            raise network.tunnel_failure(error, proxy, url.netloc) from None
        assert connection.sock is not None
        connection.sock.settimeout(self.read_timeout)
        self._open[key] = connection
        return connection, False

    def target(self, url: SplitResult) -> tuple[str, dict[str, str]]:
        """The request target for ``url`` on its connection, and the proxy's headers if any."""
        proxy = self._relayed.get((url.scheme, url.netloc))
        if proxy is not None:
            return url.geturl(), proxy.headers
        return url.path + (f"?{url.query}" if url.query else ""), {}

    def drop(self, url: SplitResult) -> None:
        """Close the connection to ``url``'s origin, if one is open; the next ``get`` opens
        another."""
        connection = self._open.pop((url.scheme, url.netloc), None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for connection in self._open.values():
            connection.close()
        self._open.clear()


def send_body(
    sock: socket.socket,
    source: io.BufferedReader,
    offset: int,
    size: int,
    on_progress: Progress | None,
) -> None:
    """Send ``size`` bytes of ``source`` from ``offset``: zero-copy on plain TCP, large blocks
    through TLS."""
    sent = 0
    if isinstance(sock, ssl.SSLSocket):
        buffer = bytearray(UPLOAD_BLOCK)
        view = memoryview(buffer)
        source.seek(offset)
        while sent < size and (read := source.readinto(view[: min(UPLOAD_BLOCK, size - sent)])):
            sock.sendall(view[:read])
            sent += read
            if on_progress is not None:
                on_progress(read)
    else:
        while sent < size:
            count = sock.sendfile(source, offset + sent, min(UPLOAD_BLOCK, size - sent))
            if count == 0:
                break
            sent += count
            if on_progress is not None:
                on_progress(count)
    if sent != size:
        raise OperationFailed(f"{source.name} changed while it was being uploaded; upload it again")
