"""A certificate authority of the tests' own, as a TLS-inspecting proxy's would be: servers on
127.0.0.1 get certificates it signed, and only a client told to trust it accepts them."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

# Every variable that names CA certificates for ml-publish (or for the tools it runs).
CA_VARIABLES = ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE")


@dataclass(frozen=True)
class LocalCA:
    """The CA's certificate (PEM, for ``SSL_CERT_FILE``) and a server context it signed."""

    certificate: Path
    server: ssl.SSLContext


def local_ca(directory: Path) -> LocalCA:
    """A new CA, its certificate written to ``directory``, and a server certificate for
    127.0.0.1 signed by it."""
    authority = trustme.CA()
    certificate = directory / "local-ca.pem"
    authority.cert_pem.write_to_path(str(certificate))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(server)
    return LocalCA(certificate, server)


def trust_only(monkeypatch: pytest.MonkeyPatch, certificate: Path) -> None:
    """Make ``certificate`` the only CA this process (and its children) trusts."""
    for variable in CA_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))
