"""The Hugging Face Hub's API, served from this machine for the real ``huggingface_hub`` client.

``release --sandbox`` and ``demo`` (and the tests) start it and point the client at ``url`` through
``HF_ENDPOINT`` (``client_environment()``). It serves what the client uses to publish and fetch
weights: create-repo, repo info, preupload, the LFS batch API with single and multipart uploads,
the ndjson commit, tags and refs, commits, paths-info and tree listings, and ``resolve``
downloads (HEAD and GET, ranges, and a redirect to a second host standing in for the CDN).

It never advertises Xet storage: no ``X-Xet-*`` header, no ``xetHash``, no ``xet`` transfer,
and the Xet token routes are refused. The client does not ask the server before it uploads
through Xet, though: huggingface_hub 1.x and later upload through Xet whenever ``hf_xet`` is
importable, unless ``HF_HUB_DISABLE_XET=1`` is set (read once, when huggingface_hub is
imported). So a client talking to the stand-in must run with that variable, as
``client_environment()`` sets it; one that does not gets the refusal's message in its error.

Shapes come from the installed client's source (its ``hf_api``, ``_commit_api``, ``lfs`` and
``file_download`` modules: the fields each reads), and the Hub's HTTP conventions it relies on
(``X-Error-Code``, ``X-Repo-Commit``, ``X-Linked-Etag``, ``X-Linked-Size``). The state
(``hub_state``) is open to tests: commits per repository, files with their SHA-256, tags; and
``requests`` lists what was received, so a test can assert that a re-run sent nothing. File
bodies live on disk in a temporary directory and stream through in chunks. The ``faults``
hook lets tests inject failures (``hub_fault_hook``); the product runs it with none.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import ssl
from pathlib import Path

from ml_publish.sandbox.hub_fault_hook import NO_FAULTS, FaultInjection
from ml_publish.sandbox.hub_handler import HubRequestHandler
from ml_publish.sandbox.hub_lfs_routes import DEFAULT_MULTIPART_THRESHOLD, DEFAULT_PART_SIZE
from ml_publish.sandbox.hub_objects import LfsObjects
from ml_publish.sandbox.hub_routes import HubUrls
from ml_publish.sandbox.hub_state import HubState
from ml_publish.sandbox.loopback_host import LoopbackHost
from ml_publish.sandbox.loopback_service import LoopbackService


class HubHost(LoopbackHost):
    """One host of the stand-in ("hub" or "storage") on its own free port, sharing its state."""

    def __init__(self, role: str, stand_in: HubStandIn) -> None:
        self.stand_in = stand_in
        super().__init__(role, HubRequestHandler, stand_in.tls)


class HubStandIn(LoopbackService):
    """The Hub on two local ports: ``url`` (API, git-LFS, resolve) and ``storage_url`` (the
    S3 and CDN stand-in that LFS bytes go to and come from).

    Use it as a context manager (``with HubStandIn() as hub:``); servers, threads and stored
    bytes are gone after the block. ``token`` is the one access token it accepts (for the user
    ``user``); reads of public repositories need none. Files above ``multipart_threshold``
    bytes are uploaded in parts of ``part_size`` when the client offers multipart.
    """

    service_name = "HubStandIn"
    thread_prefix = "hub"
    storage_prefix = "hub-stand-in-"

    def __init__(
        self,
        *,
        token: str = "hf_stand_in_token",
        user: str = "stand-in-user",
        multipart_threshold: int = DEFAULT_MULTIPART_THRESHOLD,
        part_size: int = DEFAULT_PART_SIZE,
        tls: ssl.SSLContext | None = None,
        faults: FaultInjection = NO_FAULTS,
    ) -> None:
        super().__init__(tls=tls, faults=faults)
        self.token = token
        self.user = user
        self.settings = {"multipart_threshold": multipart_threshold, "part_size": part_size}
        self._secret = secrets.token_bytes(16)
        self._state: HubState | None = None

    def _open_hosts(self, storage: Path) -> dict[str, LoopbackHost]:
        self._state = HubState(LfsObjects(storage), self.user)
        return {role: HubHost(role, self) for role in ("hub", "storage")}

    @property
    def url(self) -> str:
        """The stand-in for https://huggingface.co: what ``HF_ENDPOINT`` is set to."""
        return self._host("hub").url

    @property
    def storage_url(self) -> str:
        """The stand-in for the Hub's storage and CDN hosts."""
        return self._host("storage").url

    @property
    def urls(self) -> HubUrls:
        return HubUrls(self.url, self.storage_url)

    @property
    def state(self) -> HubState:
        """The repositories, commits, tags and LFS objects, for tests to seed or inspect."""
        if self._state is None:
            raise RuntimeError("start the HubStandIn first")
        return self._state

    def client_environment(self) -> dict[str, str]:
        """The variables that point a ``huggingface_hub`` client (imported after they are set)
        at this stand-in and keep it on LFS; the token is the caller's to add."""
        return {
            "HF_ENDPOINT": self.url,
            "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        }

    def resolve_url(self, repo_id: str, revision: str, filename: str) -> str:
        """The download URL of one file, as the loader's mirror list records it."""
        return f"{self.url}/{repo_id}/resolve/{revision}/{filename}"

    def signature(self, oid: str) -> str:
        """What signs a blob's storage URL, as the Hub signs its CDN links."""
        return hmac.new(self._secret, oid.encode(), hashlib.sha256).hexdigest()[:32]

    def blob_url(self, oid: str) -> str:
        """Where ``resolve`` redirects for an LFS object's bytes."""
        return f"{self.storage_url}/blobs/{self.signature(oid)}/{oid}"
