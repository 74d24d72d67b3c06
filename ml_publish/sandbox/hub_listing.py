"""How the Hub describes a repository and its files: ``repo_info``'s JSON (with ``siblings``), and
the entries of ``paths-info`` and ``tree`` (each file's git ``oid``, ``size`` and, for an LFS
file, ``lfs.oid``, the SHA-256 of its bytes, which is how a client learns what the Hub holds).
No ``xetHash`` is ever given: the stand-in stores LFS only. Part of the Hub stand-in that
``release --sandbox`` and ``demo`` run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ml_publish.sandbox.hub_errors import JsonObject
from ml_publish.sandbox.hub_state import HubCommit, HubFile, HubRepo, HubState


def repo_info_json(repo: HubRepo, commit: HubCommit, *, blobs: bool) -> JsonObject:
    """What ``GET /api/models/{repo_id}`` answers, at ``commit``."""
    siblings = []
    for path, file in sorted(commit.files.items()):
        sibling: JsonObject = {"rfilename": path}
        if blobs:
            sibling |= {"size": file.size, "blobId": file.git_oid}
            if file.lfs:
                lfs = {"size": file.size, "sha256": file.sha256, "pointerSize": len(file.pointer)}
                sibling["lfs"] = lfs
        siblings.append(sibling)
    return {
        "_id": hashlib.sha1(repo.key.encode()).hexdigest()[:24],
        "id": repo.repo_id,
        "author": repo.repo_id.split("/")[0],
        "sha": commit.oid,
        "lastModified": commit.date,
        "createdAt": repo.created_at,
        "private": repo.private,
        "gated": False,
        "disabled": False,
        "downloads": 0,
        "likes": 0,
        "tags": [],
        "siblings": siblings,
        "usedStorage": sum(file.size for file in commit.files.values()),
    }


def file_json(file: HubFile) -> JsonObject:
    """One file as ``paths-info`` and ``tree`` list it."""
    entry: JsonObject = {"type": "file", "oid": file.git_oid, "size": file.size, "path": file.path}
    if file.lfs:
        entry["lfs"] = {"oid": file.sha256, "size": file.size, "pointerSize": len(file.pointer)}
    return entry


def folder_json(path: str, commit: HubCommit) -> JsonObject:
    """One folder: git gives it a tree id; here it is a digest of what is under it."""
    below = "".join(
        f"{name}:{file.git_oid}\n"
        for name, file in sorted(commit.files.items())
        if name.startswith(path + "/")
    )
    return {
        "type": "directory",
        "oid": hashlib.sha1(below.encode()).hexdigest(),
        "size": 0,
        "path": path,
    }


def paths_info(
    state: HubState, repo: HubRepo, commit: HubCommit, paths: Iterable[str], expand: bool
) -> list[JsonObject]:
    """The entries for ``paths`` that exist at ``commit``; missing ones are left out."""
    folders = _folders(commit)
    entries = []
    for path in paths:
        path = path.strip("/")
        if path in commit.files:
            entry = file_json(commit.files[path])
        elif path in folders:
            entry = folder_json(path, commit)
        else:
            continue
        if expand:
            entry["lastCommit"] = _last_commit(state, repo, commit, path)
        entries.append(entry)
    return entries


def tree_json(commit: HubCommit, folder: str, *, recursive: bool) -> list[JsonObject]:
    """The entries under ``folder`` (the root when empty): one level, or all with ``recursive``."""
    prefix = f"{folder}/" if folder else ""
    entries: dict[str, JsonObject] = {}
    for path, file in sorted(commit.files.items()):
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix) :].split("/")
        for depth in range(1, len(parts)):
            if depth > 1 and not recursive:
                break
            name = prefix + "/".join(parts[:depth])
            entries.setdefault(name, folder_json(name, commit))
        if recursive or len(parts) == 1:
            entries[path] = file_json(file)
    return list(entries.values())


def _folders(commit: HubCommit) -> set[str]:
    folders: set[str] = set()
    for path in commit.files:
        parts = path.split("/")[:-1]
        folders.update("/".join(parts[: depth + 1]) for depth in range(len(parts)))
    return folders


def _last_commit(state: HubState, repo: HubRepo, commit: HubCommit, path: str) -> JsonObject:
    """The newest commit in ``commit``'s history that changed what ``path`` holds."""
    history = state.commits(repo.repo_id, commit.oid, repo.repo_type)
    changed = history[-1]
    for newer, older in zip(history, history[1:]):
        if _under(newer, path) != _under(older, path):
            changed = newer
            break
    return {"id": changed.oid, "title": changed.title, "date": changed.date}


def _under(commit: HubCommit, path: str) -> list[tuple[str, str]]:
    return sorted(
        (name, file.git_oid)
        for name, file in commit.files.items()
        if name == path or name.startswith(path + "/")
    )
