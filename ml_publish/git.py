"""The git adapter: the only module that runs git."""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from ml_publish.errors import OperationFailed

# Accounts a machine commits as when nobody set user.name (a container's, a notebook image's).
MACHINE_USERS = {"root", "ubuntu", "jovyan", "vagrant", "ec2-user"}
GITHUB_REMOTE = re.compile(
    r"^(?:https://[^/]+/|git@[^:]+:|ssh://git@[^/]+/)(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$"
)


def git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def origin_repository(cwd: Path) -> str | None:
    """``owner/name`` of the ``origin`` remote, when it looks like a GitHub remote."""
    result = git(["remote", "get-url", "origin"], cwd)
    if result.returncode != 0:
        return None
    match = GITHUB_REMOTE.match(result.stdout.strip())
    return match["repo"] if match else None


def tracked_files(cwd: Path) -> list[str] | None:
    """Paths git tracks under ``cwd``, relative to it; ``None`` outside a git work tree."""
    result = git(["ls-files", "-z"], cwd)
    if result.returncode != 0:
        return None
    return [name for name in result.stdout.split("\0") if name]


def submodule_paths(cwd: Path) -> list[str]:
    """The paths of the git submodules (gitlinks) in the index of the work tree at ``cwd``."""
    result = git(["ls-files", "--stage", "-z"], cwd)
    entries = [entry for entry in result.stdout.split("\0") if entry.startswith("160000 ")]
    return [entry.split("\t", 1)[1] for entry in entries if "\t" in entry]


def main_author(cwd: Path) -> tuple[str, str] | None:
    """The person (name, email) with the most commits on HEAD: not a bot (``dependabot[bot]``)
    and not a machine's default identity (``root@localhost``, git's ``user@host.(none)``);
    ``None`` without one."""
    result = git(["log", "--format=%an%x00%ae", "HEAD"], cwd)
    lines = result.stdout.splitlines() if result.returncode == 0 else []
    authors = Counter(
        (name, email)
        for name, _, email in (line.partition("\0") for line in lines)
        if is_a_person(name, email)
    )
    if not authors:
        return None
    return authors.most_common(1)[0][0]


def is_a_person(name: str, email: str) -> bool:
    """Whether a commit's author names a person, not a bot or a machine's default identity."""
    domain = email.rpartition("@")[2].lower()
    return (
        bool(name.strip())
        and not name.endswith("[bot]")
        and name.lower() not in MACHINE_USERS
        and "." in domain
        and not domain.endswith((".(none)", ".localdomain", ".local"))
    )


def default_branch(cwd: Path) -> str | None:
    """The branch ``origin`` points HEAD at, else the branch checked out, else ``None``."""
    remote_head = git(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd)
    if remote_head.returncode == 0:
        return remote_head.stdout.strip().removeprefix("origin/")
    local_head = git(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd)
    return local_head.stdout.strip() if local_head.returncode == 0 else None


def ignored_paths(cwd: Path, paths: tuple[str, ...]) -> set[str]:
    """Which of ``paths`` the ignore rules of the work tree at ``cwd`` match, tracked or not."""
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin", "-z"],
        cwd=cwd,
        input="\0".join(paths) + "\0",
        capture_output=True,
        text=True,
        check=False,
    )
    return {name for name in result.stdout.split("\0") if name}


def listed_files(cwd: Path) -> list[str] | None:
    """Tracked files plus new ones the ignore rules allow; ``None`` outside a git work tree."""
    result = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd)
    if result.returncode != 0:
        return None
    return sorted({name for name in result.stdout.split("\0") if name})


def changed_paths(cwd: Path) -> list[str]:
    """Paths with uncommitted changes (staged, unstaged or untracked and not ignored)."""
    result = git(["status", "--porcelain", "-z", "--untracked-files=all"], cwd)
    entries = [entry for entry in result.stdout.split("\0") if entry]
    return [entry[3:] for entry in entries if len(entry) > 3]


class GitError(OperationFailed):
    """A git command failed; the message is git's own."""


def merge_file(
    ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str]
) -> tuple[bytes, int]:
    """``git merge-file --diff3``: the three-way merge of one file's texts, and its conflicts.

    Conflicts are left in the text as markers, the base's lines between ``|||||||`` and
    ``=======``; ``labels`` name ours, the base and theirs on the marker lines.
    """
    with tempfile.TemporaryDirectory(prefix="ml-publish-merge-") as scratch:
        paths = []
        for name, text in zip(("ours", "base", "theirs"), (ours, base, theirs)):
            path = Path(scratch) / name
            path.write_bytes(text)
            paths.append(str(path))
        label_args = [word for label in labels for word in ("-L", label)]
        result = subprocess.run(
            ["git", "merge-file", "--stdout", "--diff3", *label_args, *paths],
            capture_output=True,
            check=False,
        )
    if result.returncode < 0 or result.returncode > 127:
        raise GitError(result.stderr.decode(errors="replace").strip() or "git merge-file failed")
    return result.stdout, result.returncode


def checked(args: list[str], cwd: Path) -> str:
    result = git(args, cwd)
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {args[0]} failed")
    return result.stdout


def git_directory(cwd: Path) -> Path:
    """The absolute path of the repository's git directory (``.git``, or a worktree's)."""
    return Path(checked(["rev-parse", "--absolute-git-dir"], cwd).strip())


def move(cwd: Path, source: str, destination: str) -> None:
    """``git mv``, so the history of the file follows it."""
    (cwd / destination).parent.mkdir(parents=True, exist_ok=True)
    checked(["mv", "--", source, destination], cwd)


def add(cwd: Path, paths: list[str]) -> None:
    """Stage ``paths`` as they are in the work tree (a link is staged as a link)."""
    checked(["add", "--", *paths], cwd)


def untrack(cwd: Path, path: str) -> None:
    """Stop tracking ``path`` and keep the file on disk."""
    checked(["rm", "--cached", "--quiet", "--", path], cwd)


def remove(cwd: Path, path: str) -> None:
    """``git rm`` a file whose content has been carried elsewhere (git keeps its history)."""
    checked(["rm", "--quiet", "--", path], cwd)


def move_into(cwd: Path, sources: list[str], directory: str) -> None:
    """``git mv`` several files into one directory with a single git process."""
    (cwd / directory).mkdir(parents=True, exist_ok=True)
    checked(["mv", "--", *sources, f"{directory}/"], cwd)


def current_branch(cwd: Path) -> str | None:
    """The branch checked out, or ``None`` on a detached HEAD."""
    result = git(["symbolic-ref", "--quiet", "--short", "HEAD"], cwd)
    return result.stdout.strip() if result.returncode == 0 else None


def resolve(cwd: Path, revision: str) -> str | None:
    """The commit ``revision`` names, or ``None`` if it names none."""
    result = git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd)
    return result.stdout.strip() if result.returncode == 0 else None


def local_tag_exists(cwd: Path, tag: str) -> bool:
    return git(["rev-parse", "--verify", "--quiet", f"refs/tags/{tag}"], cwd).returncode == 0


def has_remote(cwd: Path, remote: str) -> bool:
    return git(["remote", "get-url", remote], cwd).returncode == 0


def remote_ref(cwd: Path, remote: str, ref: str) -> str | None:
    """The object ``ref`` names on ``remote`` (``git ls-remote``), or ``None`` if absent."""
    listing = checked(["ls-remote", remote, ref], cwd)
    for line in listing.splitlines():
        sha, _, name = line.partition("\t")
        if name == ref:
            return sha
    return None


def commit_time(cwd: Path, revision: str) -> int:
    return int(checked(["log", "-1", "--format=%ct", revision], cwd).strip())


def commit_subject(cwd: Path, revision: str) -> str:
    return checked(["log", "-1", "--format=%s", revision], cwd).strip()


def previous_tag(cwd: Path, pattern: str, before: str = "HEAD") -> str | None:
    """The nearest tag matching ``pattern`` reachable from ``before``, if any."""
    result = git(["describe", "--tags", "--abbrev=0", "--match", pattern, before], cwd)
    return result.stdout.strip() if result.returncode == 0 else None


def tags_on_history(cwd: Path, revision: str = "HEAD") -> list[str]:
    """The tags of ``revision`` and of the commits before it; empty outside a git work tree."""
    result = git(["tag", "--merged", revision], cwd)
    return result.stdout.split() if result.returncode == 0 else []


def subjects_between(cwd: Path, start: str | None, end: str) -> list[str]:
    """``<subject> (<short sha>)`` of each commit after ``start`` up to ``end``, oldest first."""
    span = f"{start}..{end}" if start else end
    log = checked(["log", "--reverse", "--no-merges", "--format=%s (%h)", span], cwd)
    return log.splitlines()


def commit_paths(cwd: Path, paths: list[str], message: str) -> None:
    """Commit exactly ``paths`` (whatever else is staged stays out) with ``message``."""
    checked(["add", "--", *paths], cwd)
    checked(["commit", "--quiet", "--message", message, "--", *paths], cwd)


def create_annotated_tag(cwd: Path, tag: str, message: str, revision: str = "HEAD") -> None:
    checked(["tag", "--annotate", "--message", message, tag, revision], cwd)


def push(cwd: Path, remote: str, refspec: str) -> None:
    checked(["push", "--quiet", remote, refspec], cwd)


def has_identity(cwd: Path) -> bool:
    """Whether git knows a name and e-mail to commit with."""
    return all(git(["var", variable], cwd).returncode == 0 for variable in IDENTITY_VARIABLES)


IDENTITY_VARIABLES = ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT")
