"""What a child process that makes its own HTTPS requests (twine, pip) is told, so that it
trusts the CA certificates this process trusts.

A module of its own, without ``ssl`` or ``urllib``, so a command whose first job is to start
pip (``ml-publish bundle``) starts it without importing them first.
"""

from __future__ import annotations

import os


def tool_environment() -> dict[str, str]:
    """Variables for child processes that use requests (twine, pip): ``REQUESTS_CA_BUNDLE`` set
    to the certificates ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` names, unless it is set already."""
    if os.environ.get("REQUESTS_CA_BUNDLE"):
        return {}
    chosen = os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR")
    return {"REQUESTS_CA_BUNDLE": chosen} if chosen else {}
