"""Hugging Face Hub repositories as in-memory data: commits (each a whole file tree), branches,
tags, and which LFS objects each repository holds.

Nothing here speaks HTTP: ``hub_routes`` maps the Hub's API onto these methods and
``hub_stand_in`` serves them. The rules follow the Hub's observed behaviour: a new repository
starts with one commit holding ``.gitattributes``; a file is stored through LFS when that file's
patterns match it, when it is 10 MB or more, or when its first bytes are binary; an LFS file's
git object is its pointer, and the Hub reports its SHA-256 beside it. Tests read the state through
``commits``, ``files`` and ``tags`` (so they can assert "nothing new was sent", "no duplicate
commit") and seed it with ``commit_files``. Part of the Hub stand-in that ``release --sandbox``
and ``demo`` run.
"""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ml_publish.sandbox.hub_errors import (
    HubError,
    bad_request,
    repo_not_found,
    revision_not_found,
)
from ml_publish.sandbox.hub_objects import LfsObjects

LFS_SIZE_THRESHOLD = 10 * 1000 * 1000
REPO_TYPES = ("model", "dataset", "space")
# A .gitattributes like the one the Hub writes into every new repository: LFS for the file
# types models and data sets are saved in (the Hub's own list is longer and changes over time).
DEFAULT_GITATTRIBUTES = "".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n"
    for pattern in (
        "*.7z *.arrow *.bin *.bz2 *.ckpt *.ftz *.gz *.h5 *.joblib *.mlmodel *.model *.msgpack"
        " *.npy *.npz *.onnx *.ot *.parquet *.pb *.pickle *.pkl *.pt *.pth *.rar *.safetensors"
        " *.tar *.tflite *.tgz *.wasm *.xz *.zip *.zst *tfevents*"
    ).split()
)


@dataclass(frozen=True)
class HubFile:
    """One file of one commit: its size and SHA-256, and its bytes (regular) or LFS object."""

    path: str
    size: int
    sha256: str
    lfs: bool
    content: bytes | None = None

    @property
    def pointer(self) -> bytes:
        """The git-lfs pointer the repository's git tree holds for an LFS file."""
        return (
            f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.sha256}\n"
            f"size {self.size}\n"
        ).encode()

    @property
    def git_oid(self) -> str:
        """The git blob id: of the pointer for an LFS file, of the bytes for a regular one."""
        blob = self.pointer if self.lfs else (self.content or b"")
        return hashlib.sha1(b"blob %d\0" % len(blob) + blob).hexdigest()


def regular_file(path: str, content: bytes) -> HubFile:
    """A file kept in git itself."""
    return HubFile(path, len(content), hashlib.sha256(content).hexdigest(), False, content)


@dataclass(frozen=True)
class HubCommit:
    """One commit: its id, message, parent, and the whole tree it leaves."""

    oid: str
    title: str
    description: str
    parent: str | None
    files: Mapping[str, HubFile]
    date: str
    author: str


@dataclass(frozen=True)
class FileChange:
    """One line of a commit: add ``file`` at ``path``, or delete a file or folder there."""

    kind: str  # "add", "delete" or "delete_folder"
    path: str
    file: HubFile | None = None


@dataclass
class HubRepo:
    """One repository: its commits by id, branch and tag heads, and the LFS objects it holds."""

    repo_type: str
    repo_id: str
    private: bool
    created_at: str
    commits: dict[str, HubCommit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    tag_messages: dict[str, str] = field(default_factory=dict)
    lfs_oids: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.repo_type}/{self.repo_id}"


class HubState:
    """Every repository of the stand-in; ``lock`` guards them (the routes hold it per request)."""

    def __init__(self, objects: LfsObjects, user: str) -> None:
        self.objects = objects
        self.user = user
        self.lock = threading.RLock()
        self._repos: dict[str, HubRepo] = {}
        self._moved: dict[str, str] = {}
        self._counter = itertools.count(1)

    def create_repo(self, repo_type: str, repo_id: str, *, private: bool = False) -> HubRepo:
        """A new repository with the Hub's first commit, or 409 when the name is taken."""
        with self.lock:
            key = f"{repo_type}/{repo_id}"
            if key in self._repos:
                raise HubError(409, f"You already created this {repo_type} repo")
            repo = HubRepo(repo_type, repo_id, private, _now())
            first = {
                ".gitattributes": regular_file(".gitattributes", DEFAULT_GITATTRIBUTES.encode())
            }
            commit = self._new_commit(repo, "initial commit", "", None, first)
            repo.branches["main"] = commit.oid
            self._repos[key] = repo
            return repo

    def repo(self, repo_type: str, repo_id: str) -> HubRepo:
        """The repository, or the Hub's RepoNotFound."""
        with self.lock:
            repo = self._repos.get(f"{repo_type}/{repo_id}")
        if repo is None:
            raise repo_not_found(repo_id)
        return repo

    def move_repo(self, repo_type: str, repo_id: str, new_id: str) -> None:
        """Rename a repository, as its owner can on the Hub; the old name then redirects."""
        with self.lock:
            repo = self.repo(repo_type, repo_id)
            if f"{repo_type}/{new_id}" in self._repos:
                raise HubError(409, f"You already created this {repo_type} repo")
            del self._repos[repo.key]
            repo.repo_id = new_id
            self._repos[repo.key] = repo
            self._moved[f"{repo_type}/{repo_id}"] = new_id

    def moved_to(self, repo_type: str, repo_id: str) -> str | None:
        """The repository's new name when it was renamed, else None."""
        with self.lock:
            return self._moved.get(f"{repo_type}/{repo_id}")

    def resolve(self, repo: HubRepo, revision: str) -> HubCommit:
        """The commit a branch, a tag, a full commit id or a prefix of one (7+) names."""
        with self.lock:
            oid = repo.branches.get(revision) or repo.tags.get(revision)
            if oid is None and len(revision) >= 7:
                found = [commit for commit in repo.commits if commit.startswith(revision.lower())]
                oid = found[0] if len(found) == 1 else None
            if oid is None:
                raise revision_not_found(revision)
            return repo.commits[oid]

    def commit(
        self,
        repo: HubRepo,
        branch: str,
        changes: Sequence[FileChange],
        summary: tuple[str, str],
        parent_commit: str | None = None,
    ) -> HubCommit:
        """Apply ``changes`` on top of ``branch`` as one new commit; ``summary`` is its title and
        description. With ``parent_commit``, refuse when the branch has moved since."""
        with self.lock:
            if branch not in repo.branches:
                raise revision_not_found(branch)
            head = repo.commits[repo.branches[branch]]
            if parent_commit is not None and parent_commit != head.oid:
                raise HubError(412, "A commit has happened since. Please refresh and try again.")
            files = dict(head.files)
            for change in changes:
                _apply(files, change, repo)
            commit = self._new_commit(repo, summary[0], summary[1], head.oid, files)
            repo.branches[branch] = commit.oid
            return commit

    def create_tag(self, repo: HubRepo, revision: str, tag: str, message: str = "") -> str:
        """Tag the commit ``revision`` names; 409 when the tag exists. The tagged commit id."""
        with self.lock:
            commit = self.resolve(repo, revision)
            if tag in repo.tags or tag in repo.branches:
                raise HubError(409, f"Tag {tag} already exists")
            repo.tags[tag] = commit.oid
            repo.tag_messages[tag] = message
            return commit.oid

    def delete_tag(self, repo: HubRepo, tag: str) -> None:
        """Remove a tag; the Hub's RevisionNotFound when there is none."""
        with self.lock:
            if tag not in repo.tags:
                raise revision_not_found(tag)
            del repo.tags[tag]
            repo.tag_messages.pop(tag, None)

    def upload_mode(self, repo: HubRepo, revision: str, path: str, size: int, sample: bytes) -> str:
        """ "lfs" or "regular", as the Hub decides at preupload."""
        attributes = self.resolve(repo, revision).files.get(".gitattributes")
        patterns = _lfs_patterns(attributes.content if attributes is not None else b"")
        name = path.rsplit("/", 1)[-1]
        matched = any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
        if matched or size >= LFS_SIZE_THRESHOLD or b"\0" in sample:
            return "lfs"
        return "regular"

    def add_lfs_object(self, repo: HubRepo, oid: str) -> None:
        """Count a stored object as this repository's (after an upload to it)."""
        with self.lock:
            repo.lfs_oids.add(oid)

    # What tests read and seed.

    def commits(
        self, repo_id: str, revision: str = "main", repo_type: str = "model"
    ) -> list[HubCommit]:
        """The history of ``revision``, newest first, as ``list_repo_commits`` shows it."""
        with self.lock:
            repo = self.repo(repo_type, repo_id)
            history: list[HubCommit] = []
            commit: HubCommit | None = self.resolve(repo, revision)
            while commit is not None:
                history.append(commit)
                commit = repo.commits[commit.parent] if commit.parent else None
            return history

    def files(
        self, repo_id: str, revision: str = "main", repo_type: str = "model"
    ) -> dict[str, HubFile]:
        """Every file of ``revision`` by path, each with its size, SHA-256 and LFS flag."""
        with self.lock:
            return dict(self.resolve(self.repo(repo_type, repo_id), revision).files)

    def tags(self, repo_id: str, repo_type: str = "model") -> dict[str, str]:
        """Every tag of the repository and the commit id it points at."""
        with self.lock:
            return dict(self.repo(repo_type, repo_id).tags)

    def commit_files(
        self,
        repo_id: str,
        files: Mapping[str, bytes | Path],
        message: str = "Upload files",
        repo_type: str = "model",
    ) -> HubCommit:
        """Commit ``files`` to main directly (no HTTP), stored as the Hub would: for tests that
        need the Hub to hold something already, such as other bytes under a weight's name."""
        with self.lock:
            repo = self.repo(repo_type, repo_id)
            changes = []
            for path, data in files.items():
                sample = data[:512] if isinstance(data, bytes) else _sample(data)
                size = len(data) if isinstance(data, bytes) else data.stat().st_size
                if self.upload_mode(repo, "main", path, size, sample) == "regular":
                    content = data if isinstance(data, bytes) else data.read_bytes()
                    changes.append(FileChange("add", path, regular_file(path, content)))
                    continue
                oid, size = self.objects.put(data)
                repo.lfs_oids.add(oid)
                changes.append(FileChange("add", path, HubFile(path, size, oid, True)))
            return self.commit(repo, "main", changes, (message, ""))

    def _new_commit(
        self,
        repo: HubRepo,
        title: str,
        description: str,
        parent: str | None,
        files: dict[str, HubFile],
    ) -> HubCommit:
        tree = "".join(f"{path}:{file.git_oid}\n" for path, file in sorted(files.items()))
        seed = f"{repo.key}\n{parent}\n{title}\n{next(self._counter)}\n{tree}".encode()
        commit = HubCommit(
            hashlib.sha1(seed).hexdigest(), title, description, parent, files, _now(), self.user
        )
        repo.commits[commit.oid] = commit
        return commit


def _apply(files: dict[str, HubFile], change: FileChange, repo: HubRepo) -> None:
    if change.kind == "add" and change.file is not None:
        if change.file.lfs and change.file.sha256 not in repo.lfs_oids:
            raise bad_request(
                f"Your push was rejected because an LFS pointer pointed to a file that does not"
                f" exist. For instance: {change.path}"
            )
        files[change.path] = change.file
    elif change.kind == "delete":
        if change.path not in files:
            raise HubError(404, "A file with this name doesn't exist", "EntryNotFound")
        del files[change.path]
    else:
        prefix = change.path.rstrip("/") + "/"
        for path in [path for path in files if path.startswith(prefix)]:
            del files[path]


def _lfs_patterns(gitattributes: bytes | None) -> list[str]:
    patterns = []
    for line in (gitattributes or b"").decode(errors="replace").splitlines():
        words = line.split()
        if len(words) > 1 and not words[0].startswith("#") and "filter=lfs" in words[1:]:
            patterns.append(words[0])
    return patterns


def _sample(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(512)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
