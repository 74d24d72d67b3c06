"""Preflight: everything a release needs, checked before anything is written.

Each problem is one line that says what is wrong and what to do about it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ml_publish import git, index
from ml_publish.digests import hashed_file
from ml_publish.errors import UsageError
from ml_publish.github import find_token
from ml_publish.release.context import REMOTE, ReleaseContext
from ml_publish.release.hub_release import hub_problems
from ml_publish.toml_file import read_toml
from ml_publish.weights.parts import MAX_RELEASE_ASSETS, asset_count
from ml_publish.weights.registry import WeightEntry, load_registry


class PreflightFailed(UsageError):
    """The release cannot start; the message lists every problem, one per line."""


def distribution_name(ctx: ReleaseContext) -> str:
    pyproject = ctx.root / "pyproject.toml"
    name = read_toml(pyproject).get("project", {}).get("name") if pyproject.is_file() else None
    if not name:
        raise UsageError(f"no [project] name in {pyproject}; the release needs one")
    return str(name)


def check_ready(ctx: ReleaseContext) -> None:
    """Raise ``PreflightFailed`` naming every problem, or return when the release may start."""
    problems = [
        problem
        for finding in (
            work_tree_problems,
            branch_problems,
            tag_problems,
            index_problems,
            audit_problems,
            weights_problems,
            credential_problems,
        )
        for problem in finding(ctx)
    ]
    if problems:
        raise PreflightFailed("\n".join(problems))


def work_tree_problems(ctx: ReleaseContext) -> list[str]:
    if git.tracked_files(ctx.root) is None:
        return [f"{ctx.root} is not a git work tree; a release is a tagged commit"]
    if not git.has_identity(ctx.root):
        return [
            "git does not know who you are; git config --global user.name 'Your Name' and "
            "user.email you@example.com"
        ]
    changed = git.changed_paths(ctx.root)
    if changed:
        shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        return [f"the work tree has uncommitted changes ({shown}); commit or stash them first"]
    return []


def branch_problems(ctx: ReleaseContext) -> list[str]:
    branch = git.current_branch(ctx.root)
    if branch is None:
        return ["HEAD is detached; check out the branch to release from"]
    default = git.default_branch(ctx.root)
    if default is not None and branch != default and not ctx.options.allow_branch:
        return [f"on branch {branch}, not {default}; switch to {default} or pass --allow-branch"]
    return []


def tag_problems(ctx: ReleaseContext) -> list[str]:
    tag = ctx.state.tag
    if git.local_tag_exists(ctx.root, tag):
        return [f"tag {tag} already exists; choose a higher version (or git tag -d {tag})"]
    if not git.has_remote(ctx.root, REMOTE):
        return [f"no git remote {REMOTE!r} to push the release to; git remote add {REMOTE} URL"]
    try:
        on_remote = git.remote_ref(ctx.root, REMOTE, f"refs/tags/{tag}")
    except git.GitError as error:
        return [f"cannot read the tags of {REMOTE} ({error}); check the remote and try again"]
    if on_remote is not None:
        return [f"tag {tag} already exists on {REMOTE}; choose a higher version"]
    return []


def index_problems(ctx: ReleaseContext) -> list[str]:
    if not ctx.state.pypi:
        return []
    name = distribution_name(ctx)
    try:
        found = index.files_on_index(ctx.simple_url, name, ctx.state.version)
    except index.PackageIndexError as error:
        return [f"{error}; check the connection, or pass --index-url"]
    if found:
        return [
            f"{name} {ctx.state.version} already exists on the index ({', '.join(sorted(found))});"
            " an index never takes a file name twice: bump the version"
        ]
    return []


def audit_problems(ctx: ReleaseContext) -> list[str]:
    from ml_publish.checks.base import FAIL
    from ml_publish.checks.runner import run_checks

    failed = [result.id for result in run_checks(ctx.root) if result.result == FAIL]
    if failed:
        return [
            f"ml-publish check fails ({', '.join(failed)}); run ml-publish check to see the fixes"
        ]
    return []


def weights_problems(ctx: ReleaseContext) -> list[str]:
    pending = [e for e in load_registry(ctx.project.registry) if e.status == "pending"]
    if pending and not ctx.state.github:
        return [f"{len(pending)} pending weight file(s) need the GitHub release; drop --no-github"]
    problems = []
    # The sdist and the wheel go on the release too.
    assets = asset_count(pending) + 2
    if assets > MAX_RELEASE_ASSETS:
        problems.append(
            f"the release would hold {assets} assets ({len(pending)} pending weight file(s) in "
            f"{assets - 2} assets, the sdist and the wheel); GitHub allows {MAX_RELEASE_ASSETS}: "
            "release fewer weights at once, or register large ones with a larger --part-size"
        )
    held = staged_and_intact(ctx, pending)
    for entry in pending:
        staged = ctx.project.staging_dir / entry.file_name
        if entry.name not in held:
            problems.append(f"{entry.name}: {staged} is missing; add the weights again")
        elif not held[entry.name]:
            problems.append(
                f"{entry.name}: {staged} no longer matches the registry; run ml-publish weights "
                "verify, then add the weights again"
            )
    return problems


def staged_and_intact(ctx: ReleaseContext, entries: list[WeightEntry]) -> dict[str, bool]:
    """Whether each staged weight holds its registered bytes, by name; missing ones left out.
    hashlib lets go of the GIL, so the files are hashed side by side, one per core."""
    staged = [(entry, ctx.project.staging_dir / entry.file_name) for entry in entries]
    present = [(entry, path) for entry, path in staged if path.is_file()]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        intact = pool.map(lambda pair: holds_registered_bytes(ctx, pair[1], pair[0]), present)
        return {entry.name: ok for (entry, _), ok in zip(present, intact)}


def holds_registered_bytes(ctx: ReleaseContext, staged: Path, entry: WeightEntry) -> bool:
    """Whether ``staged`` holds ``entry``'s bytes; if so, remember it as verified this run."""
    if staged.stat().st_size != entry.size:
        return False
    digest, identity = hashed_file(staged)
    if digest != entry.sha256:
        return False
    if identity is not None:
        ctx.verified_files[staged] = identity
    return True


def credential_problems(ctx: ReleaseContext) -> list[str]:
    problems = []
    if ctx.state.github:
        try:
            find_token()
        except UsageError as error:
            problems.append(str(error))
    if ctx.state.pypi and ctx.state.publish == "local":
        problem = index.credentials_problem(ctx.upload_url)
        if problem is not None:
            problems.append(problem)
    return problems + hub_problems(ctx)
