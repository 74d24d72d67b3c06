"""One request to one of the Hub stand-in's hosts, served over HTTP.

The ``hub`` host answers the JSON API (``hub_routes``, ``hub_lfs_routes``) and ``resolve``
downloads: a regular file comes back at once with its git ETag, an LFS file is a 302 to the
``storage`` host carrying ``X-Linked-Etag`` (its SHA-256) and ``X-Linked-Size``, so the client
drops its token and downloads from "the CDN" as it does on the real Hub. The ``storage`` host
takes the LFS PUTs (whole or in parts) and serves the blobs, with byte ranges. Bodies stream
through in chunks. At each point where the Hub can fail, the handler asks the stand-in's fault
hook (``hub_fault_hook``) and acts on what it gets. Part of the Hub stand-in that
``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import time
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import quote, unquote

from ml_publish.sandbox.hub_downloads import resolve_target, send_file
from ml_publish.sandbox.hub_errors import HubError, JsonObject
from ml_publish.sandbox.hub_lfs_routes import LFS_ROUTES
from ml_publish.sandbox.hub_objects import (
    Digest,
    PartTarget,
    SparseWriter,
    UploadTicket,
)
from ml_publish.sandbox.hub_routes import API_ROUTES, HubCall
from ml_publish.sandbox.loopback_handler import LoopbackRequestHandler, RecordedRequest

if TYPE_CHECKING:
    from ml_publish.sandbox.hub_stand_in import HubHost

ROUTES = API_ROUTES + LFS_ROUTES
INVALID_TOKEN = "Invalid credentials in Authorization header"


class HubRequestHandler(LoopbackRequestHandler):
    """One connection to one host of the stand-in; the host's role decides what it serves."""

    server_version = "hub-stand-in"

    @property
    def _host(self) -> HubHost:
        # Only a HubHost serves this handler (hub_stand_in, which imports this module).
        return cast("HubHost", self.server)

    def _keep(self, request: RecordedRequest) -> None:
        self._host.stand_in.record(request)

    def _failure(self, status: int) -> HubError:
        return HubError(status, HTTPStatus(status).phrase)

    def _handle(self) -> None:
        self._begin()
        stand_in, name = self._host.stand_in, self._object_name()
        with self._held_and_delayed(stand_in.faults, stand_in.stopping, name, name):
            try:
                if self._host.role == "storage":
                    self._serve_storage()
                else:
                    self._serve_hub()
            except HubError as error:
                self._skip_body()
                self._send_json(error.status, {"error": error.message}, error.answer_headers())

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _handle

    def _object_name(self) -> str | None:
        """The LFS object a storage request moves (the name faults are aimed by there)."""
        parts = self._path.strip("/").split("/")
        if self._host.role != "storage" or len(parts) < 2:
            return None
        if parts[0] == "blobs":
            return parts[-1]
        with contextlib.suppress(HubError):
            return self._host.stand_in.state.objects.ticket(parts[1]).oid
        return None

    def _serve_hub(self) -> None:
        user = self._user()
        self._refuse_if_throttled()
        if self._fail_by_fault(self._host.stand_in.faults):
            return
        target = resolve_target(self._path)
        if target is not None and self.command in ("GET", "HEAD"):
            try:
                self._resolve(target, user)
            except HubError as error:
                if error.code != "RepoNotFound" or not self._redirect_if_moved(*target[:2]):
                    raise
            return
        for method, pattern, route, needs_token in ROUTES:
            match = pattern.fullmatch(self._path)
            if match is None or method != self.command:
                continue
            if needs_token and user is None:
                raise HubError(401, "Invalid username or password.")
            params = {key: unquote(value) for key, value in match.groupdict().items() if value}
            params.setdefault("kind", "models")
            stand_in = self._host.stand_in
            call = HubCall(
                stand_in.state,
                stand_in.urls,
                params,
                self._query,
                self._body(),
                user,
                stand_in.settings,
            )
            with stand_in.state.lock:
                reply = route(call)
            self._send_json(reply.status, reply.body, reply.headers)
            return
        raise HubError(404, "Sorry, we can't find the page you are looking for.")

    def _redirect_if_moved(self, kind: str, repo_id: str) -> bool:
        """Send a renamed repository's old URL on to its new one (307, a relative Location),
        as the Hub does; whether it was renamed."""
        new_id = self._host.stand_in.state.moved_to(kind, repo_id)
        if new_id is None:
            return False
        old, new = quote(repo_id), quote(new_id)
        location = self.path.replace(f"/{old}/", f"/{new}/", 1)
        self._send_json(307, {"redirect": location}, {"Location": location})
        return True

    def _user(self) -> str | None:
        """Who the token names: the stand-in's user, nobody without one, 401 for a wrong one."""
        scheme, _, credential = self.headers.get("Authorization", "").partition(" ")
        if not credential:
            return None
        if scheme.lower() != "bearer" or credential != self._host.stand_in.token:
            raise HubError(401, INVALID_TOKEN)
        return self._host.stand_in.user

    def _refuse_if_throttled(self) -> None:
        fault = self._host.stand_in.faults.take(
            ["throttle", "rate_limit"], self.command, self._path
        )
        if fault is None:
            return
        if fault.kind == "throttle":
            headers = {"Retry-After": str(int(fault.amount))}
        else:
            # The IETF draft headers the Hub sends: the quota spent, reset in so many seconds.
            reset = max(int(fault.amount - time.time()), 0)
            headers = {"RateLimit": f'"api";r=0;t={reset}'}
            headers["RateLimit-Policy"] = '"fixed window";"api";q=1000;w=300'
        raise HubError(429, "Too Many Requests", headers=headers)

    def _resolve(self, target: tuple[str, str, str, str], user: str | None) -> None:
        stand_in = self._host.stand_in
        kind, repo_id, revision, path = target
        with stand_in.state.lock:
            repo = stand_in.state.repo(kind, repo_id)
            if repo.private and user is None:
                raise HubError(401, f"Repository {repo_id} not found", "RepoNotFound")
            commit = stand_in.state.resolve(repo, revision)
        file = commit.files.get(path)
        if file is None:
            raise HubError(
                404, f"Entry not found: {path}", "EntryNotFound", {"X-Repo-Commit": commit.oid}
            )
        headers = {"X-Repo-Commit": commit.oid, "ETag": f'"{file.git_oid}"'}
        headers["Accept-Ranges"] = "bytes"
        if file.lfs:
            location = f"{stand_in.blob_url(file.sha256)}?filename={path.rsplit('/', 1)[-1]}"
            headers |= {"Location": location, "X-Linked-Etag": f'"{file.sha256}"'}
            headers["X-Linked-Size"] = str(file.size)
            self._send_json(302, {"redirect": location}, headers)
            return
        self._record()
        send_file(self, file.content or b"", headers, fault=None)

    def _serve_storage(self) -> None:
        parts = self._path.strip("/").split("/")
        if self.command == "PUT" and parts[0] == "lfs" and len(parts) in (2, 3):
            self._receive_upload(parts[1], int(parts[2]) if len(parts) == 3 else None)
            return
        if self.command in ("GET", "HEAD") and parts[0] == "blobs" and len(parts) == 3:
            self._serve_blob(parts[1], parts[2])
            return
        raise HubError(404, "Not Found")

    def _serve_blob(self, signature: str, oid: str) -> None:
        stand_in = self._host.stand_in
        if not secrets.compare_digest(signature, stand_in.signature(oid)):
            raise HubError(403, "Access Denied")
        fault = stand_in.faults.take(
            ["download_error", "download_cut", "download_pause"], self.command, self._path, oid
        )
        if fault is not None and fault.kind == "download_error":
            raise self._failure(fault.status)
        if not stand_in.state.objects.has(oid):
            raise HubError(404, "The specified key does not exist.")
        self._record()
        headers = {"ETag": f'"{oid}"', "Accept-Ranges": "bytes"}
        send_file(self, stand_in.state.objects.path(oid), headers, fault=fault)

    def _receive_upload(self, token: str, part: int | None) -> None:
        stand_in = self._host.stand_in
        objects = stand_in.state.objects
        ticket = objects.ticket(token)
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            raise HubError(411, "Length Required")
        if self._fail_by_fault(stand_in.faults, ticket.oid):
            return
        expected = ticket.size if part is None else _part_length(ticket, part)
        if int(length) != expected:
            raise HubError(400, f"Expected {expected} bytes, got {length}")
        cut = stand_in.faults.take(["cut"], self.command, self._path, ticket.oid)
        wanted = expected if cut is None else min(expected, int(cut.amount))
        if part is None:
            target = PartTarget(objects.incoming_file(), 0, True, hashlib.sha256(), whole=True)
        else:
            target = objects.part_target(ticket, part)
        received, digest = self._receive(target, wanted)
        if cut is not None or received < expected:
            if target.whole:
                target.file.unlink(missing_ok=True)
            self._drop_connection()
            return
        if stand_in.faults.take(["bad_gateway"], self.command, self._path, ticket.oid):
            if target.whole:
                target.file.unlink(missing_ok=True)
            raise HubError(502, "Bad Gateway")
        self._accept(ticket, part, target.file, digest)

    def _accept(
        self, ticket: UploadTicket, part: int | None, file: Path, digest: Digest | None
    ) -> None:
        objects = self._host.stand_in.state.objects
        if part is not None:
            self._send_json(200, None, {"ETag": objects.accept_part(ticket, part, digest)})
            return
        sha256 = digest.hexdigest() if digest is not None else ""
        objects.accept_whole(ticket, file, sha256)
        objects.finish(ticket)
        state = self._host.stand_in.state
        kind, _, repo_id = ticket.repo_key.partition("/")
        state.add_lfs_object(state.repo(kind, repo_id), ticket.oid)
        self._send_json(200, None, {"ETag": f'"{sha256[:32]}"'})

    def _receive(self, target: PartTarget, wanted: int) -> tuple[int, Digest | None]:
        """Stream up to ``wanted`` body bytes into ``target``'s file at its offset, in chunks,
        feeding its hash; a whole object's file ends where the body does."""
        digest = target.digest
        with target.file.open("r+b" if target.file.exists() else "wb") as out:
            out.seek(target.offset)
            writer = SparseWriter(out, holes=target.holes)

            def write(chunk: bytes) -> None:
                writer.write(chunk)
                if digest is not None:
                    digest.update(chunk)

            received = self._stream_body(wanted, write)
            if target.whole:
                writer.end_file()
        return received, digest

    def _body(self) -> bytes:
        """The whole (small) body of an API request."""
        length = self.headers.get("Content-Length", "")
        raw = self._read_exactly(int(length)) if length.isdigit() else b""
        if not length.isdigit() and "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raw = self._read_chunked()
        self._body_length, self._body_read = len(raw), True
        return raw

    def _send_json(
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
        self._send_headers({"X-Request-Id": f"Root={secrets.token_hex(12)}"} | (headers or {}))
        if self.command != "HEAD":
            self.wfile.write(data)


def _part_length(ticket: UploadTicket, number: int) -> int:
    if ticket.part_size is None:
        return ticket.size
    return max(0, min(ticket.part_size, ticket.size - (number - 1) * ticket.part_size))
