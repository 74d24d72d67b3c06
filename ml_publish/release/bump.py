"""The version bump: one commit that says ``Release vX.Y.Z`` and an annotated tag on it.

The commit changes the version where it is written, points the weights this release publishes
at the new tag's download URLs (marked uploaded: nobody can see the commit before they are),
regenerates the README weights table and ``hubconf.py`` from the registry, and sets this
release's version and date (and ``--doi``) in ``CITATION.cff``. When git tags make the version
(setuptools-scm, hatch-vcs), the tag is the bump: the commit holds only the weights and the
citation, and without either there is no commit, only the tag. Re-running it after a crash
rewrites the same contents and commits or tags only what is still missing.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone
from pathlib import Path

from ml_publish import git
from ml_publish.checks.docs import CITATION_FILE
from ml_publish.errors import UsageError
from ml_publish.layout.version_source import SCM, UNSUPPORTED, VersionSource
from ml_publish.project_facts import resolve_repository
from ml_publish.release.citation import bare_doi, cites_a_version, update_citation, update_doi_badge
from ml_publish.release.context import ReleaseContext
from ml_publish.versions import VERSION_LINE
from ml_publish.weights.hubconf import HUBCONF_FILE
from ml_publish.weights.naming import download_server, release_download_url
from ml_publish.weights.project import Project
from ml_publish.weights.refresh import refresh_tables
from ml_publish.weights.hub_sync import with_hub_mirror
from ml_publish.weights.registry import WeightEntry, load_registry, save_registry

STATIC_VERSION_LINE = re.compile(r"""^(version\s*=\s*)["'][^"']*["']""", re.MULTILINE)


def commit_message(tag: str) -> str:
    return f"Release {tag}"


def cannot_bump(source: VersionSource) -> str:
    return (
        f"ml-publish release cannot bump the version: {source.where}; write it as a static "
        "[project] version or a __version__ line, or take it from git tags (setuptools-scm, "
        "hatch-vcs)"
    )


def version_file(project: Project) -> Path | None:
    """The one file the version is written in; ``None`` when git tags make the version."""
    source = project.version_source()
    if source.kind == UNSUPPORTED:
        raise UsageError(cannot_bump(source))
    return source.path if source.kind != SCM else None


def current_version(project: Project) -> str:
    source = project.version_source()
    if source.kind == UNSUPPORTED:
        raise UsageError(cannot_bump(source))
    return project.version()


def write_version(path: Path, version: str) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name == "pyproject.toml":
        # Only the first `version = ...` inside [project] is the package's version.
        head, marker, rest = text.partition("[project]")
        new = head + marker + STATIC_VERSION_LINE.sub(rf'\g<1>"{version}"', rest, count=1)
    else:
        new = VERSION_LINE.sub(rf'\g<1>"{version}"', text, count=1)
    if new != text:
        path.write_text(new, encoding="utf-8")


def weights_to_release(project: Project) -> list[str]:
    """The pending weights: this release publishes them."""
    return [e.name for e in load_registry(project.registry) if e.status == "pending"]


def point_weights_at_tag(ctx: ReleaseContext) -> None:
    """Give this release's weights their final URLs on the new tag, as published entries."""
    if not ctx.state.weights:
        return
    registry = ctx.project.registry
    server = download_server()
    repository = ctx.state.repository or resolve_repository(None, ctx.root)
    released = set(ctx.state.weights)
    entries = [
        (
            with_hub_mirrors(
                dataclasses.replace(
                    entry,
                    url=release_download_url(server, repository, ctx.state.tag, entry.file_name),
                    status="uploaded",
                ),
                ctx.state.huggingface,
                ctx.state.tag,
            )
            if entry.name in released
            else entry
        )
        for entry in load_registry(registry)
    ]
    save_registry(registry, entries)


def with_hub_mirrors(entry: WeightEntry, hub_repo: str | None, tag: str) -> WeightEntry:
    """The Hub's copy at the tag as a mirror, so the published wheel falls back to it."""
    return with_hub_mirror(entry, hub_repo, tag) if hub_repo else entry


def cite_release(ctx: ReleaseContext) -> Path | None:
    """Name this release (and ``--doi``) in CITATION.cff and the README's DOI badge."""
    doi = bare_doi(ctx.options.doi) if ctx.options.doi else None
    released = datetime.fromtimestamp(ctx.clock(), tz=timezone.utc).date()
    update_doi_badge(ctx.project.readme, doi)
    return update_citation(ctx.root, ctx.state.version, released, doi)


def plan_citation(ctx: ReleaseContext) -> list[str]:
    citation = ctx.root / CITATION_FILE
    text = citation.read_text(encoding="utf-8") if citation.is_file() else ""
    changes = [f"version {ctx.state.version}, date-released"] if cites_a_version(text) else []
    if ctx.options.doi:
        changes.append(f"doi {bare_doi(ctx.options.doi)} (and the README's DOI badge)")
    return [f"set {' and '.join(changes)} in {CITATION_FILE}"] if text and changes else []


def bump(ctx: ReleaseContext) -> None:
    root, tag = ctx.root, ctx.state.tag
    release_commit = git.resolve(root, "HEAD")
    if git.commit_subject(root, "HEAD") != commit_message(tag):
        path = version_file(ctx.project)
        if path is not None:
            write_version(path, ctx.state.version)
        point_weights_at_tag(ctx)
        refresh_tables(root)
        citation = cite_release(ctx)
        # All of them, changed now or by an interrupted earlier run (then already staged).
        candidates = [path, ctx.project.registry, ctx.project.readme, root / HUBCONF_FILE, citation]
        paths = sorted({str(p.relative_to(root)) for p in candidates if p and p.is_file()})
        if path is None and not set(paths) & set(git.changed_paths(root)):
            ctx.note(f"git tags make the version: the tag {tag} is the bump, nothing to commit")
        else:
            git.commit_paths(root, paths, commit_message(tag))
            release_commit = git.resolve(root, "HEAD")
            ctx.note(f"committed {commit_message(tag)}: {', '.join(paths)}")
    if not git.local_tag_exists(root, tag):
        git.create_annotated_tag(root, tag, commit_message(tag))
        ctx.note(f"tagged {(release_commit or '')[:12]} as {tag}")
    elif git.resolve(root, tag) != release_commit:
        raise UsageError(
            f"tag {tag} exists but not on the release commit; delete it (git tag -d {tag})"
        )


def plan(ctx: ReleaseContext) -> list[str]:
    path = version_file(ctx.project)
    version = f"{ctx.state.previous_version} -> {ctx.state.version}"
    if path is None:
        where = ctx.project.version_source().where
        lines = [f"take the version from {where}: the tag {ctx.state.tag} is the bump ({version})"]
    else:
        lines = [f"set the version {version} in {path.relative_to(ctx.root)}"]
    lines.extend(plan_citation(ctx))
    if ctx.state.weights:
        lines.append(
            f"point {len(ctx.state.weights)} weight file(s) ({', '.join(ctx.state.weights)}) at "
            f"{ctx.state.tag}; regenerate the README weights table and hubconf.py"
        )
    if path is None and not ctx.state.weights:
        lines.append(f"tag HEAD {ctx.state.tag} (annotated); nothing to commit")
    else:
        lines.append(
            f"commit '{commit_message(ctx.state.tag)}' and tag it {ctx.state.tag} (annotated)"
        )
    return lines
