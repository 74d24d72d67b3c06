"""Failures to inject into the Hub stand-in: the faults a reliable Hub client must survive.

The same queue of one-shot faults as the GitHub emulator's (``tests.support.github_faults``:
each fault is used up when it fires, so a test reads as a script), aimed at the Hub's points of
failure (ml_publish/sandbox/hub_fault_hook.py says what each kind does there). On the storage
host a fault's ``name`` is the LFS object's SHA-256 (``sha256_of`` computes it for a file);
``path`` narrows the others by URL path, ``after`` lets so many matching requests pass first.
"""

from __future__ import annotations

import hashlib
import os
import ssl
from pathlib import Path
from typing import TypedDict, Unpack

from ml_publish.sandbox.hub_stand_in import HubStandIn
from tests.support.github_faults import Fault, Faults

HUB_REPO = "octo-org/weights"  # the repository the sandbox tests' ``hub_api`` fixture creates
HUB_PART = 256 * 1024  # the part size of their stand-in: small parts keep multipart quick

# URL paths (regular expressions) of the requests tests most often break.
STORAGE_PUT = r"^/lfs/"
LFS_BATCH = r"\.git/info/lfs/objects/batch$"
COMMIT = r"^/api/[a-z]+/[^/]+/[^/]+/commit/"
PREUPLOAD = r"^/api/[a-z]+/[^/]+/[^/]+/preupload/"
RESOLVE = r"/resolve/"


def random_file(path: Path, size: int) -> Path:
    """A file of ``size`` random bytes, which no other test's file equals."""
    path.write_bytes(os.urandom(size))
    return path


def storage_puts(hub: HubStandIn, since: int = 0) -> list[str]:
    """The paths of the storage PUTs (LFS bytes sent) among the requests from ``since`` on."""
    return [r.path for r in hub.requests[since:] if r.host == "storage" and r.method == "PUT"]


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks: the name storage faults are aimed by."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


class HubFaults(Faults):
    """``Faults`` with the Hub's own failure: a storage PUT answered with a 5xx."""

    def fail_upload(self, status: int = 500, *, name: str | None = None, times: int = 1) -> None:
        """Answer a storage PUT (whole object or one part) of object ``name`` with ``status``,
        unread, as S3 does in a hiccup; huggingface_hub retries it."""
        if not 500 <= status <= 599:
            raise ValueError(f"a failed upload answers 5xx, not {status}")
        self._queue(Fault("server_error", times, "PUT", STORAGE_PUT, name, status=status))

    def cut_part(self, after_bytes: int, *, part: int, name: str | None = None) -> None:
        """Drop the PUT of part number ``part`` of a multipart upload after ``after_bytes``."""
        self._queue(Fault("cut", 1, "PUT", rf"^/lfs/[^/]+/{part}$", name, amount=after_bytes))


class HubStandInOptions(TypedDict, total=False):
    """What ``HubStandIn`` takes besides its faults (its defaults stay the stand-in's own)."""

    token: str
    user: str
    multipart_threshold: int
    part_size: int
    tls: ssl.SSLContext | None


class HubStandInWithFaults(HubStandIn):
    """The Hub stand-in with a ``HubFaults`` of its own, for a test to queue failures in."""

    def __init__(self, **options: Unpack[HubStandInOptions]) -> None:
        self.faults: HubFaults
        super().__init__(**options, faults=HubFaults())
