"""How ml-publish reaches a server from this machine: the proxy and the CA certificates that the
environment names.

The only module that reads ``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (in
either case, by the standard library's rules: ``urllib.request.getproxies`` and
``proxy_bypass``; ``ALL_PROXY`` serves a scheme that has no variable of its own, as in curl and
requests) and ``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``. The transport's
``connections`` (an adapter's API requests and uploads) are opened from ``proxy_for`` and
``tls_context``; every other request goes through ``open_url``. Proxies are spoken to in
plain HTTP (``http://host:port``, the kind universities and companies run): an ``https://`` URL
goes through a ``CONNECT`` tunnel, so TLS runs end to end, checked against the CA certificates
named here; an ``http://`` URL is asked of the proxy directly. A proxy's user name and
password come from its URL and are never shown: messages name a proxy as ``http://host:port``
and the variable it came from.

CA certificates named by the environment replace the system's rather than add to them, as
they do for OpenSSL, curl and requests (a TLS-inspecting proxy's CA is all such a network
trusts). Each of ``REQUESTS_CA_BUNDLE``, ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` that is set
counts: machines often set one machine-wide and a person adds another, and both mean "trust
these". Child processes that use requests (twine) get ``REQUESTS_CA_BUNDLE`` from
``SSL_CERT_FILE`` (or ``SSL_CERT_DIR``) when it is unset, so both halves of a release trust the
same certificates.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ml_publish.errors import OperationFailed, UsageError

CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR")
# What http.client raises when a proxy answers CONNECT with anything but 200.
TUNNEL_ANSWER = re.compile(r"Tunnel connection failed: (\d{3})\s*(.*)")


class ProxyRefused(OperationFailed):
    """The proxy answered that it will not connect us (a 4xx answer): retrying cannot help."""


class ProxyTrouble(ConnectionError):
    """The proxy could not be reached, or could not reach the server: worth another try."""


@dataclass(frozen=True)
class Proxy:
    """A forward proxy: where it listens, the variable that named it, its credentials."""

    host: str
    port: int
    variable: str
    authorization: str | None = None

    @property
    def address(self) -> str:
        """``host:port`` as a connection or a request line takes it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def headers(self) -> dict[str, str]:
        """The headers each request to the proxy (or its ``CONNECT``) carries."""
        return {} if self.authorization is None else {"Proxy-Authorization": self.authorization}

    def __str__(self) -> str:
        return f"the proxy http://{self.address} (from {self.variable})"

    def __repr__(self) -> str:  # the default would show the credentials
        return f"Proxy({self.address!r}, variable={self.variable!r})"


def proxy_for(url: str) -> Proxy | None:
    """The proxy a request to ``url`` goes through, or None when it goes direct."""
    parts = urlsplit(url)
    raw, variable = _configured(parts.scheme)
    if not raw or urllib.request.proxy_bypass(parts.netloc.rpartition("@")[2]):
        return None
    return parse_proxy(raw, variable)


def parse_proxy(raw: str, variable: str) -> Proxy:
    """The proxy a variable's value names; a usage error for one that cannot be used."""
    parts = urlsplit(raw if "://" in raw else f"http://{raw}")
    if parts.scheme != "http":
        raise UsageError(
            f"{variable} names a {parts.scheme}:// proxy; ml-publish speaks to proxies in plain "
            "HTTP (HTTPS still goes through end to end, in a CONNECT tunnel): set it to "
            "http://host:port"
        )
    try:
        port = parts.port or 80
    except ValueError:
        port = 0
    if not parts.hostname or not port:
        raise UsageError(f"{variable} is not a proxy URL like http://host:port; fix or unset it")
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    return Proxy(parts.hostname, port, variable, authorization)


def _configured(scheme: str) -> tuple[str | None, str]:
    """The proxy URL configured for ``scheme`` and the variable it came from."""
    proxies = urllib.request.getproxies()
    raw = proxies.get(scheme) or proxies.get("all")
    names = (f"{scheme}_proxy", f"{scheme.upper()}_PROXY", "all_proxy", "ALL_PROXY")
    variable = next((name for name in names if os.environ.get(name) == raw), "system settings")
    return raw, variable


def tunnel_failure(error: OSError, proxy: Proxy, target: str) -> Exception:
    """What to raise when connecting through ``proxy`` to ``target`` failed with ``error``."""
    answer = TUNNEL_ANSWER.search(str(error))
    if answer is None:
        return ProxyTrouble(f"cannot reach {proxy}: {error}")
    status, reason = int(answer[1]), answer[2].strip()
    if status >= 500:
        return ProxyTrouble(f"{proxy} could not connect to {target}: {status} {reason}")
    advice = _advice(proxy, status)
    return ProxyRefused(f"{proxy} refused to connect to {target}: {status} {reason}; {advice}")


def untrusted(error: ssl.SSLCertVerificationError, host: str) -> str:
    """Why TLS to ``host`` failed its certificate check, and what to set."""
    return (
        f"the certificate {host} showed is not trusted here ({error.verify_message}); if a proxy "
        "or firewall inspects TLS on this network, point SSL_CERT_FILE (or REQUESTS_CA_BUNDLE) "
        "at its CA certificate"
    )


def _advice(proxy: Proxy, status: int) -> str:
    if status == 407 and proxy.authorization is None:
        return (
            "it wants a user name and password: set "
            f"{proxy.variable} to http://USER:PASSWORD@{proxy.address}"
        )
    if status == 407:
        return f"check the user name and password in {proxy.variable}"
    return (
        "ask whoever runs it to allow the host, or list the host in NO_PROXY if this machine "
        "can reach it directly"
    )


def tls_context() -> ssl.SSLContext:
    """A client TLS context that trusts the CA certificates the environment names, else the
    system's."""
    named = tuple((name, value) for name in CA_VARIABLES if (value := os.environ.get(name, "")))
    return _context(named)


@functools.lru_cache(maxsize=8)
def _context(named: tuple[tuple[str, str], ...]) -> ssl.SSLContext:
    context = None
    for variable, value in named:
        if not Path(value).exists():
            raise UsageError(
                f"{variable} names {value}, which does not exist; point it at the CA "
                "certificates (a PEM file, or a directory of them) or unset it"
            )
        cafile, capath = (None, value) if Path(value).is_dir() else (value, None)
        try:
            if context is None:
                context = ssl.create_default_context(cafile=cafile, capath=capath)
            else:
                context.load_verify_locations(cafile=cafile, capath=capath)
        except (ssl.SSLError, OSError) as error:
            raise UsageError(
                f"cannot read CA certificates from {value} ({variable}): {error}; it must hold "
                "PEM certificates"
            ) from None
    return context or ssl.create_default_context()


def open_url(request: urllib.request.Request | str, *, timeout: float) -> Any:
    """``urllib.request.urlopen`` through the proxy and with the CA certificates configured.

    Redirects are followed through the same settings, each new host checked against
    ``NO_PROXY``.
    """
    table = {}
    for scheme in ("http", "https"):
        raw, variable = _configured(scheme)
        if raw:
            parse_proxy(raw, variable)  # refuses an unusable one in one line
            table[scheme] = raw if "://" in raw else f"http://{raw}"
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler(table), urllib.request.HTTPSHandler(context=tls_context())
    )
    return opener.open(request, timeout=timeout)


def describe_failure(error: OSError, url: str) -> str:
    """A short account of a failed ``open_url``, naming the proxy when one was in the way."""
    proxy = proxy_for(url)
    if isinstance(error, urllib.error.HTTPError):
        answer = f"{error.code} {error.reason}"
        if error.code == 407 and proxy is not None:
            return f"{proxy} answered {answer}; {_advice(proxy, 407)}"
        return answer
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    host = urlsplit(url).netloc.rpartition("@")[2]
    if isinstance(cause, ssl.SSLCertVerificationError):
        return untrusted(cause, host)
    if proxy is not None and isinstance(cause, OSError):
        return str(tunnel_failure(cause, proxy, host))
    return str(cause)
