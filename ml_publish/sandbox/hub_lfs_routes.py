"""The Hub's git-LFS routes as ``huggingface_hub``'s ``lfs.py`` uses them: the batch API, which
answers each object with nothing to do (already held), a single PUT, or multipart part URLs plus
a completion URL; the verify step; and the multipart completion.

The batch answer offers only what the client asked for among ``basic`` and ``multipart`` and
never ``xet``. Part URLs and single-PUT URLs point at the stand-in's storage host under a ticket,
as the Hub's point at signed S3 URLs; ``hub_handler`` receives those bytes. Part of the Hub
stand-in that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ml_publish.sandbox.hub_errors import HubError, JsonObject, bad_request
from ml_publish.sandbox.hub_objects import UploadTicket
from ml_publish.sandbox.hub_routes import HubCall, HubReply, Route, url_prefix
from ml_publish.sandbox.hub_state import HubRepo

GIT_REPO = r"(?:(?P<kind>datasets|spaces)/)?(?P<repo>[^/]+/[^/]+?)\.git/info/lfs/objects"
DEFAULT_MULTIPART_THRESHOLD = 64 * 1024 * 1024
DEFAULT_PART_SIZE = 32 * 1024 * 1024


def batch(call: HubCall) -> HubReply:
    payload = call.json()
    if payload.get("operation") != "upload":
        raise bad_request("This Hub stand-in answers upload batches only")
    offered = payload.get("transfers") or ["basic"]
    repo = call.repo()
    threshold = call.settings.get("multipart_threshold", DEFAULT_MULTIPART_THRESHOLD)
    part_size = call.settings.get("part_size", DEFAULT_PART_SIZE)
    chosen = "basic"
    objects = []
    for item in payload.get("objects", []):
        oid, size = str(item.get("oid", "")), item.get("size")
        if not re.fullmatch(r"[0-9a-f]{64}", oid) or not isinstance(size, int) or size < 0:
            objects.append({"oid": oid, "size": 0, "error": {"code": 422, "message": "Invalid"}})
            continue
        if oid in repo.lfs_oids and call.state.objects.has(oid, size):
            objects.append({"oid": oid, "size": size})  # held already: nothing to send
            continue
        multipart = "multipart" in offered and size > threshold
        chosen = "multipart" if multipart else chosen
        ticket = call.state.objects.new_ticket(
            repo.key, oid, size, part_size if multipart else None
        )
        objects.append(_upload_object(call, repo, ticket))
    return HubReply(200, {"transfer": chosen, "objects": objects, "hash_algo": "sha256"})


def verify(call: HubCall) -> HubReply:
    payload = call.json()
    repo = call.repo()
    oid, size = str(payload.get("oid", "")), payload.get("size")
    if oid not in repo.lfs_oids or not call.state.objects.has(
        oid, size if isinstance(size, int) else None
    ):
        raise HubError(404, f"Object {oid} not found")
    return HubReply(200, {"success": True})


def complete_multipart(call: HubCall) -> HubReply:
    ticket = call.state.objects.ticket(call.query.get("uploadId", [""])[-1])
    payload = call.json()
    if payload.get("oid") != ticket.oid or not isinstance(payload.get("parts"), list):
        raise bad_request("The completion does not name this upload's object and parts")
    call.state.objects.complete(ticket, payload["parts"])
    kind, _, repo_id = ticket.repo_key.partition("/")
    call.state.add_lfs_object(call.state.repo(kind, repo_id), ticket.oid)
    return HubReply(200, {"success": True})


def _upload_object(call: HubCall, repo: HubRepo, ticket: UploadTicket) -> JsonObject:
    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    storage = f"{call.urls.storage}/lfs/{ticket.token}"
    verify_href = (
        f"{call.urls.hub}/{url_prefix(repo.repo_type)}{repo.repo_id}.git/info/lfs/objects/verify"
    )
    if ticket.part_size is None:
        upload: JsonObject = {"href": storage, "expires_at": expires}
    else:
        header = {"chunk_size": str(ticket.part_size)}
        header |= {
            f"{number:05d}": f"{storage}/{number}" for number in range(1, ticket.part_count + 1)
        }
        href = f"{call.urls.hub}/api/complete_multipart?uploadId={ticket.token}"
        upload = {"href": href, "header": header, "expires_at": expires}
    actions = {"upload": upload, "verify": {"href": verify_href, "expires_at": expires}}
    return {"oid": ticket.oid, "size": ticket.size, "authenticated": True, "actions": actions}


LFS_ROUTES: list[tuple[str, re.Pattern[str], Route, bool]] = [
    ("POST", re.compile(rf"/{GIT_REPO}/batch"), batch, True),
    ("POST", re.compile(rf"/{GIT_REPO}/verify"), verify, True),
    # Signed by its ticket, as the Hub's completion URL is: the client sends no token with it.
    ("POST", re.compile(r"/api/complete_multipart"), complete_multipart, False),
]
