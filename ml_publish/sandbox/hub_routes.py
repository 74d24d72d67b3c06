"""The Hub's JSON API as ``huggingface_hub`` calls it: which method and path does what to the
state, and the answer's shape.

Pure functions from a parsed request to a reply; ``hub_handler`` does the HTTP around them and
serves the byte-moving routes itself (``resolve`` downloads, storage PUTs). Every shape here is
the one the installed client reads (``HfApi.create_repo``, ``repo_info``, ``preupload_lfs_files``,
``create_commit``'s ndjson, ``create_tag``, ``list_repo_refs``, ``list_repo_commits``,
``get_paths_info``, ``list_repo_tree``); the LFS routes are in ``hub_lfs_routes``. Part of the
Hub stand-in that ``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import yaml

from ml_publish.sandbox.hub_errors import HubError, JsonObject, bad_request, repo_not_found
from ml_publish.sandbox.hub_listing import paths_info, repo_info_json, tree_json
from ml_publish.sandbox.hub_state import FileChange, HubFile, HubRepo, HubState, regular_file

REPO_SEGMENT = r"(?P<kind>models|datasets|spaces)/(?P<repo>[^/]+/[^/]+)"
XET_REFUSAL = (
    "This Hub stand-in serves LFS, not Xet storage: run the client with HF_HUB_DISABLE_XET=1"
)


@dataclass(frozen=True)
class HubUrls:
    """Where the stand-in's two hosts answer: the Hub itself and its file storage."""

    hub: str
    storage: str

    def repo_url(self, repo: HubRepo) -> str:
        """The repository's page, as ``create_repo`` returns it."""
        return f"{self.hub}/{url_prefix(repo.repo_type)}{repo.repo_id}"


@dataclass(frozen=True)
class HubCall:
    """One parsed API request: path parameters (decoded), query, body, and who sent it."""

    state: HubState
    urls: HubUrls
    params: Mapping[str, str]
    query: Mapping[str, list[str]]
    body: bytes
    user: str | None
    settings: Mapping[str, int] = field(default_factory=dict)

    def json(self) -> JsonObject:
        """The body as a JSON object, or the Hub's 400."""
        try:
            payload = json.loads(self.body or b"{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            raise bad_request("Invalid JSON body")
        return payload

    def repo(self) -> HubRepo:
        """The repository the path names, hidden (404) when private and the caller is anonymous."""
        repo = self.state.repo(self.params["kind"][:-1], self.params["repo"])
        if repo.private and self.user is None:
            raise repo_not_found(repo.repo_id)  # the Hub hides it as if it did not exist
        return repo

    def flag(self, name: str) -> bool:
        return self.query.get(name, [""])[-1].lower() in ("1", "true")


@dataclass(frozen=True)
class HubReply:
    status: int
    body: JsonObject | list[JsonObject]
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[HubCall], HubReply]


def url_prefix(repo_type: str) -> str:
    """What goes before a repository's id in its web and git URLs: nothing for models."""
    return "" if repo_type == "model" else f"{repo_type}s/"


def create_repo(call: HubCall) -> HubReply:
    payload = call.json()
    name, namespace = payload.get("name"), payload.get("organization") or call.user
    if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+", name):
        raise bad_request("Invalid repo name")
    repo_type = payload.get("type") or "model"
    if repo_type not in ("model", "dataset", "space"):
        raise bad_request(f"Invalid repo type: {repo_type}")
    private = payload.get("visibility") == "private" or payload.get("private") is True
    repo_id = f"{namespace}/{name}"
    try:
        repo = call.state.create_repo(repo_type, repo_id, private=private)
    except HubError as error:
        existing = HubRepo(repo_type, repo_id, private, "")
        body = {"error": error.message, "url": call.urls.repo_url(existing)}
        return HubReply(error.status, body, error.answer_headers())
    return HubReply(200, {"url": call.urls.repo_url(repo), "name": repo_id, "id": repo.key})


def whoami(call: HubCall) -> HubReply:
    token = {"displayName": "stand-in", "role": "write"}
    body: JsonObject = {"type": "user", "id": call.user, "name": call.user}
    body["fullname"] = call.user
    body |= {"orgs": [], "auth": {"type": "access_token", "accessToken": token}}
    return HubReply(200, body)


def validate_yaml(call: HubCall) -> HubReply:
    """The model card's front matter must be a YAML mapping, as the Hub checks before a commit."""
    content = str(call.json().get("content", ""))
    match = re.match(r"\A---\s*\n(.*?)\n---\s*(\n|\Z)", content, re.DOTALL)
    if match is None:
        return HubReply(200, {"errors": [], "warnings": []})
    try:
        metadata = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        return HubReply(400, {"errors": [{"message": f"Invalid YAML: {error}"}], "warnings": []})
    if metadata is not None and not isinstance(metadata, dict):
        return HubReply(400, {"errors": [{"message": "Metadata must be a mapping"}]})
    return HubReply(200, {"errors": [], "warnings": []})


def repo_info(call: HubCall) -> HubReply:
    repo = call.repo()
    commit = call.state.resolve(repo, call.params.get("revision") or "main")
    return HubReply(200, repo_info_json(repo, commit, blobs=call.flag("blobs")))


def preupload(call: HubCall) -> HubReply:
    repo, revision = call.repo(), call.params["revision"]
    commit = call.state.resolve(repo, revision)
    payload = call.json()
    ignore = str(payload.get("gitIgnore") or _text(commit.files.get(".gitignore")))
    answers = []
    for item in payload.get("files", []):
        path, size = str(item["path"]), int(item["size"])
        sample = base64.b64decode(str(item.get("sample", "")))
        mode = call.state.upload_mode(repo, revision, path, size, sample)
        existing = commit.files.get(path)
        answer: JsonObject = {
            "path": path,
            "uploadMode": mode,
            "shouldIgnore": _ignored(path, ignore),
        }
        if existing is not None:
            answer["oid"] = existing.sha256 if existing.lfs else existing.git_oid
        answers.append(answer)
    return HubReply(200, {"files": answers, "commitOid": commit.oid})


def commit(call: HubCall) -> HubReply:
    repo = call.repo()
    if call.flag("create_pr"):
        raise bad_request("This Hub stand-in does not serve pull requests")
    header, changes = _parse_commit(call, repo)
    summary = (str(header.get("summary", "")), str(header.get("description", "")))
    parent = header.get("parentCommit")
    made = call.state.commit(
        repo, call.params["revision"], changes, summary, parent if isinstance(parent, str) else None
    )
    url = f"{call.urls.repo_url(repo)}/commit/{made.oid}"
    return HubReply(
        200, {"success": True, "commitOid": made.oid, "commitUrl": url, "hookOutput": ""}
    )


def create_tag(call: HubCall) -> HubReply:
    payload = call.json()
    tag = payload.get("tag")
    if not isinstance(tag, str) or not tag:
        raise bad_request("Missing tag name")
    message = str(payload.get("message") or "")
    call.state.create_tag(call.repo(), call.params["revision"], tag, message)
    return HubReply(200, {})


def delete_tag(call: HubCall) -> HubReply:
    call.state.delete_tag(call.repo(), call.params["revision"])
    return HubReply(200, {})


def refs(call: HubCall) -> HubReply:
    repo = call.repo()
    with call.state.lock:
        heads = [("branches", "refs/heads", repo.branches), ("tags", "refs/tags", repo.tags)]
        body: JsonObject = {
            kind: [
                {"name": name, "ref": f"{prefix}/{name}", "targetCommit": oid}
                for name, oid in sorted(names.items())
            ]
            for kind, prefix, names in heads
        }
    body["converts"] = []
    if call.flag("include_prs"):
        body["pullRequests"] = []
    return HubReply(200, body)


def list_commits(call: HubCall) -> HubReply:
    repo = call.repo()
    history = call.state.commits(repo.repo_id, call.params["revision"], repo.repo_type)
    items = [
        {
            "id": item.oid,
            "title": item.title,
            "message": item.description,
            "authors": [{"user": item.author, "avatar": None}],
            "date": item.date,
        }
        for item in history
    ]
    return HubReply(200, items)


def get_paths_info(call: HubCall) -> HubReply:
    repo = call.repo()
    form = parse_qs(call.body.decode(errors="replace"), keep_blank_values=True)
    commit = call.state.resolve(repo, call.params["revision"])
    expand = form.get("expand", ["false"])[-1].lower() == "true"
    return HubReply(200, paths_info(call.state, repo, commit, form.get("paths", []), expand))


def list_tree(call: HubCall) -> HubReply:
    repo = call.repo()
    commit = call.state.resolve(repo, call.params["revision"])
    folder = call.params.get("path") or ""
    return HubReply(200, tree_json(commit, folder.strip("/"), recursive=call.flag("recursive")))


def auth_check(call: HubCall) -> HubReply:
    """Whether the caller may read (or, with ``/write``, push to) the repository."""
    call.repo()
    if call.params.get("write") and call.user is None:
        raise HubError(401, "You must be authenticated to write to this repository")
    return HubReply(200, {})


def refuse_xet(call: HubCall) -> HubReply:
    raise HubError(501, XET_REFUSAL)


def _parse_commit(call: HubCall, repo: HubRepo) -> tuple[JsonObject, list[FileChange]]:
    header: JsonObject = {}
    changes = []
    for line in call.body.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            key, value = item["key"], item["value"]
        except (ValueError, KeyError, TypeError):
            raise bad_request("Invalid ndjson line in the commit payload") from None
        if key == "header":
            header = value
        else:
            changes.append(_change(call, repo, key, value))
    return header, changes


def _change(call: HubCall, repo: HubRepo, key: str, value: Mapping[str, Any]) -> FileChange:
    path = str(value.get("path", ""))
    if not path or path.startswith("/") or ".." in path.split("/"):
        raise bad_request(f"Invalid path: {path!r}")
    if key == "file":
        try:
            content = base64.b64decode(str(value.get("content", "")), validate=True)
        except binascii.Error:
            raise bad_request(f"Invalid base64 content for {path}") from None
        return FileChange("add", path, regular_file(path, content))
    if key == "lfsFile":
        oid = str(value.get("oid", ""))
        stored = call.state.objects.path(oid)
        size = stored.stat().st_size if call.state.objects.has(oid) else int(value.get("size", 0))
        return FileChange("add", path, HubFile(path, size, oid, True))
    if key in ("deletedFile", "deletedFolder"):
        return FileChange("delete" if key == "deletedFile" else "delete_folder", path)
    raise bad_request(f"Unknown commit operation: {key}")


def _text(file: HubFile | None) -> str:
    return "" if file is None or file.content is None else file.content.decode(errors="replace")


def _ignored(path: str, gitignore: str) -> bool:
    """A simple reading of .gitignore: a pattern matches the path or its last part."""
    name = path.rsplit("/", 1)[-1]
    for line in gitignore.splitlines():
        pattern = line.strip()
        if pattern and not pattern.startswith(("#", "!")):
            pattern = pattern.lstrip("/")
            if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(name, pattern):
                return True
    return False


API_ROUTES: list[tuple[str, re.Pattern[str], Route, bool]] = [
    # method, path, route, whether it needs a token
    ("POST", re.compile(r"/api/repos/create"), create_repo, True),
    ("GET", re.compile(r"/api/whoami-v2"), whoami, True),
    ("POST", re.compile(r"/api/validate-yaml"), validate_yaml, False),
    ("GET", re.compile(rf"/api/{REPO_SEGMENT}"), repo_info, False),
    ("GET", re.compile(rf"/api/{REPO_SEGMENT}/revision/(?P<revision>[^/]+)"), repo_info, False),
    ("POST", re.compile(rf"/api/{REPO_SEGMENT}/preupload/(?P<revision>[^/]+)"), preupload, True),
    ("POST", re.compile(rf"/api/{REPO_SEGMENT}/commit/(?P<revision>[^/]+)"), commit, True),
    ("POST", re.compile(rf"/api/{REPO_SEGMENT}/tag/(?P<revision>[^/]+)"), create_tag, True),
    ("DELETE", re.compile(rf"/api/{REPO_SEGMENT}/tag/(?P<revision>[^/]+)"), delete_tag, True),
    ("GET", re.compile(rf"/api/{REPO_SEGMENT}/refs"), refs, False),
    ("GET", re.compile(rf"/api/{REPO_SEGMENT}/commits/(?P<revision>[^/]+)"), list_commits, False),
    (
        "POST",
        re.compile(rf"/api/{REPO_SEGMENT}/paths-info/(?P<revision>[^/]+)"),
        get_paths_info,
        False,
    ),
    (
        "GET",
        re.compile(rf"/api/{REPO_SEGMENT}/tree/(?P<revision>[^/]+)(?:/(?P<path>.*))?"),
        list_tree,
        False,
    ),
    ("GET", re.compile(rf"/api/{REPO_SEGMENT}/auth-check(?P<write>/write)?"), auth_check, False),
    ("GET", re.compile(rf"/api/{REPO_SEGMENT}/xet-(?:read|write)-token/.*"), refuse_xet, False),
]
