"""GitHub's Releases API, uploads host and download host, served from this machine, with the
list of Actions workflow runs a release waits on.

``release --sandbox`` and ``demo`` (and the tests) point a client at ``api_url`` instead of
api.github.com; release JSON then leads it to ``uploads_url`` and ``server_url`` just as real
release JSON leads to uploads.github.com and github.com. The ``faults`` hook lets tests inject
the failures a reliable client must survive (dropped connections, 5xx answers, secondary and
primary rate limits; see ``github_fault_hook``); the product runs it with none.

Where the shapes come from: releases and assets follow GitHub's OpenAPI description and real
recorded sessions (tests/data/github). Those cover releases only, so ``GET
/repos/{owner}/{repo}/actions/runs`` follows GitHub's REST reference instead, "List workflow
runs for a repository" (docs.github.com/rest/actions/workflow-runs): the query narrows by
``branch`` (for a tag push, the run's ``head_branch`` is the tag), ``event``, ``status`` and
``head_sha``, pages like the other lists, and the answer is ``{"total_count": n,
"workflow_runs": [...]}`` with each run's ``id``, ``name``, ``path``, ``head_branch``,
``head_sha``, ``event``, ``status``, ``conclusion``, ``html_url``, ``run_number``,
``run_attempt``, ``created_at`` and ``updated_at`` among the reference's keys. The reference's
example ``path`` carries an ``@ref`` suffix (".github/workflows/build.yml@main"); runs seen in
the wild have shown the bare file path, which the emulator gives; clients must accept both.
"""

from __future__ import annotations

import ssl
import time
from pathlib import Path

from ml_publish.sandbox.github_fault_hook import NO_FAULTS, FaultInjection
from ml_publish.sandbox.github_handler import RATE_LIMIT, GitHubRequestHandler
from ml_publish.sandbox.github_json import GitHubJson, Origins
from ml_publish.sandbox.github_state import GitHubState
from ml_publish.sandbox.loopback_host import LoopbackHost
from ml_publish.sandbox.loopback_service import LoopbackService

DEFAULT_MAX_ASSET_SIZE = 2 * 1024**3  # GitHub's limit per release asset


class HostServer(LoopbackHost):
    """One emulated host on its own free port, sharing the emulator's state."""

    def __init__(self, role: str, emulator: GitHubEmulator) -> None:
        self.emulator = emulator
        super().__init__(role, GitHubRequestHandler, emulator.tls)


class GitHubEmulator(LoopbackService):
    """GitHub's Releases REST API (and its Actions runs list) on three local ports: API,
    uploads and downloads.

    Use it as a context manager (``with GitHubEmulator() as gh:``); the servers, their threads
    and the asset bytes (kept on disk in a temporary directory) are gone after the block. With
    ``tls`` (a server context holding a certificate for 127.0.0.1) every host speaks HTTPS.
    ``faults`` is the hook tests break it through; by default nothing breaks.
    """

    service_name = "GitHubEmulator"
    thread_prefix = "github"
    storage_prefix = "github-emulator-"

    def __init__(
        self,
        *,
        token: str = "test-token",
        immutable_releases: bool = False,
        max_asset_size: int = DEFAULT_MAX_ASSET_SIZE,
        tls: ssl.SSLContext | None = None,
        faults: FaultInjection = NO_FAULTS,
    ) -> None:
        super().__init__(tls=tls, faults=faults)
        self.token = token
        self.immutable_releases = immutable_releases
        self.max_asset_size = max_asset_size
        self._state: GitHubState | None = None
        self._json: GitHubJson | None = None
        self._requests_counted = 0
        self._rate_limit_reset = int(time.time()) + 3600

    def _open_hosts(self, storage: Path) -> dict[str, LoopbackHost]:
        hosts = {role: HostServer(role, self) for role in ("api", "uploads", "downloads")}
        self._json = GitHubJson(
            Origins(hosts["api"].url, hosts["uploads"].url, hosts["downloads"].url)
        )
        self._state = GitHubState(storage, immutable_releases=self.immutable_releases)
        return dict(hosts)

    @property
    def api_url(self) -> str:
        """The stand-in for https://api.github.com."""
        return self._host("api").url

    @property
    def uploads_url(self) -> str:
        """The stand-in for https://uploads.github.com."""
        return self._host("uploads").url

    @property
    def server_url(self) -> str:
        """The stand-in for https://github.com, which serves published assets' downloads."""
        return self._host("downloads").url

    @property
    def state(self) -> GitHubState:
        """The releases, assets and workflow runs, for tests to seed, drive or inspect."""
        if self._state is None:
            raise RuntimeError("start the GitHubEmulator first")
        return self._state

    @property
    def json(self) -> GitHubJson:
        """How GitHub renders the state's objects, with URLs on this emulator's hosts."""
        if self._json is None:
            raise RuntimeError("start the GitHubEmulator first")
        return self._json

    def rate_limit_headers(self) -> dict[str, str]:
        """The primary rate-limit headers GitHub sends, counting this response against the quota."""
        with self._lock:
            self._requests_counted += 1
            used = self._requests_counted
        return {
            "x-ratelimit-limit": str(RATE_LIMIT),
            "x-ratelimit-remaining": str(max(RATE_LIMIT - used, 0)),
            "x-ratelimit-reset": str(self._rate_limit_reset),
            "x-ratelimit-used": str(used),
            "x-ratelimit-resource": "core",
        }
