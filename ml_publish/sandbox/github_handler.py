"""One request to one of the emulated GitHub hosts (API, uploads, downloads), served over HTTP.

The routes (``github_routes``) decide what an API request does to the state; this handler reads
requests, streams upload and download bodies, answers in GitHub's shapes (errors, rate-limit
headers) and acts on the faults the emulator's hook hands it (``github_fault_hook``). Part of
the emulator that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import unquote

from ml_publish.sandbox.github_errors import ApiError, JsonObject, validation_failed
from ml_publish.sandbox.github_fault_hook import FaultKind
from ml_publish.sandbox.github_routes import API_ROUTES, DOWNLOAD_PATH, UPLOAD_PATH, ApiCall
from ml_publish.sandbox.loopback_handler import (
    LoopbackRequestHandler,
    RecordedRequest,
    served_range,
    send_file_part,
)

if TYPE_CHECKING:
    from ml_publish.sandbox.github_emulator import HostServer

RATE_LIMIT = 5000
DOCS = "https://docs.github.com/rest"
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


class GitHubRequestHandler(LoopbackRequestHandler):
    """One connection to one emulated host; the host's role decides what it serves."""

    server_version = "GitHub.com"

    @property
    def _host(self) -> HostServer:
        # Only a HostServer serves this handler (github_emulator, which imports this module).
        return cast("HostServer", self.server)

    def _keep(self, request: RecordedRequest) -> None:
        self._host.emulator.record(request)

    def _failure(self, status: int) -> ApiError:
        return ApiError(status, HTTPStatus(status).phrase)

    def _handle(self) -> None:
        self._begin()
        self._docs_url, self._request_id = DOCS, _request_id()
        emulator = self._host.emulator
        name = self._query.get("name", [None])[-1] if self._host.role == "uploads" else None
        with self._held_and_delayed(emulator.faults, emulator.stopping, name, None):
            try:
                self._serve()
            except ApiError as error:
                self._skip_body()
                self._send_error(error)

    do_GET = do_POST = do_PATCH = do_DELETE = _handle

    def _serve(self) -> None:
        if self._host.role == "downloads":
            self._download()
            return
        scheme, _, credential = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token") or credential != self._host.emulator.token:
            raise ApiError(401, "Bad credentials")
        self._refuse_if_rate_limited()
        if self._host.role == "uploads":
            self._upload()
            return
        if self._fail_by_fault(self._host.emulator.faults):
            return
        for method, pattern, route, anchor in API_ROUTES:
            match = pattern.fullmatch(self._path)
            if match is not None and method == self.command:
                self._docs_url = f"{DOCS}/{anchor}"
                params = {key: unquote(value) for key, value in match.groupdict().items()}
                url = self._host.url + self._path
                emulator = self._host.emulator
                call = ApiCall(
                    emulator.state, emulator.json, params, self._query, self._payload(), url
                )
                with call.state.lock:
                    reply = route(call)
                self._send(reply.status, reply.body, reply.headers)
                return
        raise ApiError(404, "Not Found")

    def _refuse_if_rate_limited(self) -> None:
        faults = self._host.emulator.faults
        fault = faults.take(["throttle", "rate_limit"], self.command, self._path)
        if fault is None:
            return
        if fault.kind == "throttle":
            headers = {"Retry-After": str(int(fault.amount))}
            raise ApiError(fault.status, SECONDARY_RATE_LIMIT_MESSAGE, headers=headers)
        headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(fault.amount))}
        headers["x-ratelimit-used"] = str(RATE_LIMIT)
        raise ApiError(403, "API rate limit exceeded for user ID 1.", headers=headers)

    def _payload(self) -> JsonObject:
        length = self.headers.get("Content-Length", "")
        raw = self._read_exactly(int(length)) if length.isdigit() else b""
        self._body_length, self._body_read = len(raw), True
        if not length.isdigit() and "Transfer-Encoding" in self.headers:
            self.close_connection = True  # the unread chunked body would poison the next request
        if not raw.strip():
            return {}
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise ApiError(400, "Problems parsing JSON")
        return payload

    def _upload(self) -> None:
        emulator, state = self._host.emulator, self._host.emulator.state
        match = UPLOAD_PATH.fullmatch(self._path)
        if self.command != "POST" or match is None:
            raise ApiError(404, "Not Found")
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                # Read to its end, so refusing it does not reset a client still sending.
                self._read_chunked(keep=False)
            raise ApiError(411, "Length Required")
        size, name = int(length), self._query.get("name", [""])[-1]
        if not name:
            raise validation_failed("ReleaseAsset", "missing_field", "name")
        if size > emulator.max_asset_size:
            message = f"size must be at most {emulator.max_asset_size} bytes"
            raise validation_failed("ReleaseAsset", "custom", "size", message)
        label = self._query["label"][-1] if "label" in self._query else None
        content_type = self.headers.get("Content-Type", "application/octet-stream")
        owner, repo, release_id = (unquote(part) for part in match.groups())
        release, asset = state.start_upload(owner, repo, int(release_id), name, label, content_type)
        cut = emulator.faults.take(["cut"], self.command, self._path, name)
        wanted = size if cut is None else min(size, int(cut.amount))
        received, sha256 = self._receive(asset.file, wanted)
        if cut is not None or received < size:
            asset.file.unlink(missing_ok=True)
            self._drop_connection()
            return
        if emulator.faults.take(["bad_gateway"], self.command, self._path, name) is not None:
            asset.file.unlink(missing_ok=True)
            raise ApiError(502, "Bad Gateway")
        state.finish_upload(asset, size, sha256)
        self._send(201, emulator.json.asset_json(release, asset))

    def _receive(self, target: Path, wanted: int) -> tuple[int, str]:
        """Stream up to ``wanted`` body bytes into ``target`` chunk by chunk, hashing them."""
        digest = hashlib.sha256()
        with target.open("wb") as out:

            def write(chunk: bytes) -> None:
                out.write(chunk)
                digest.update(chunk)

            received = self._stream_body(wanted, write)
        return received, digest.hexdigest()

    def _download(self) -> None:
        match = DOWNLOAD_PATH.fullmatch(self._path)
        if self.command != "GET" or match is None:
            raise ApiError(404, "Not Found")
        owner, repo, tag, name = (unquote(part) for part in match.groups())
        faults = self._host.emulator.faults
        kinds: list[FaultKind] = ["download_error", "download_cut", "download_pause"]
        fault = faults.take(kinds, self.command, self._path, name)
        if fault is not None and fault.kind == "download_error":
            raise self._failure(fault.status)
        asset = self._host.emulator.state.download(owner, repo, tag, name)
        self._record()
        first, last = served_range(self.headers.get("Range"), asset.size)
        # GitHub's download host answers a single byte range with 206, as any file host does.
        self.send_response(206 if (first, last) != (0, asset.size - 1) else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(last - first + 1))
        if (first, last) != (0, asset.size - 1):
            self.send_header("Content-Range", f"bytes {first}-{last}/{asset.size}")
        self.send_header("Content-Disposition", f"attachment; filename={asset.name}")
        self.end_headers()
        remaining = last - first + 1
        if fault is not None and fault.kind == "download_cut":
            # A cut: the whole length announced, fewer bytes sent, a hang-up.
            self.close_connection = True
            remaining = min(remaining, int(fault.amount))
        pause = fault if fault is not None and fault.kind == "download_pause" else None
        with asset.file.open("rb") as source:
            send_file_part(self, source, first, remaining, pause)

    def _send_error(self, error: ApiError) -> None:
        body: JsonObject = {"message": error.message}
        if self._host.role == "uploads":
            # uploads.github.com answers in its own recorded shape: request id, generic docs link.
            body |= {"request_id": self._request_id, "documentation_url": DOCS}
            body |= {"errors": error.errors} if error.errors else {}
        else:
            body |= {"errors": error.errors} if error.errors else {}
            body |= {"documentation_url": self._docs_url, "status": str(error.status)}
        self._send(error.status, body, error.headers)

    def _send(
        self,
        status: int,
        body: JsonObject | list[JsonObject] | None,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self._record()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        all_headers = self._host.emulator.rate_limit_headers() | (headers or {})
        all_headers |= {"X-GitHub-Media-Type": "github.v3; format=json"}
        all_headers |= {"X-GitHub-Request-Id": self._request_id}
        self._send_headers(all_headers)
        self.wfile.write(data)


def _request_id() -> str:
    return ":".join(secrets.token_hex(size).upper() for size in (2, 3, 4, 4, 4))
