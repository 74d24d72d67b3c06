"""``weights mirror add|remove``: other places serving a weight's bytes, tried after the release.

A mirror is an HTTPS URL serving the whole file (a Hugging Face Hub ``resolve/`` URL, a Zenodo
record's file, a university server); the generated package's loader tries the release first,
then each mirror in the registered order. A mirror is added only once it serves the registered
size (and, when asked, the registered SHA-256); plain HTTP is accepted on this machine only,
for local servers.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from pathlib import Path

from ml_publish.errors import OperationFailed, UsageError
from ml_publish.weights.downloads import SourceFailed, served_sha256, served_size
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.refresh import refresh_readme
from ml_publish.weights.registry import WeightEntry, load_registry, save_registry
from ml_publish.weights.table import human_size

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def add_mirror(project_root: Path, name: str, url: str, *, verify: bool = False) -> WeightEntry:
    """Add ``url`` as the last mirror of the weight ``name``, once it serves the right bytes."""
    project = open_project(project_root)
    entries = load_registry(project.registry)
    entry = registered(entries, name)
    check_mirror_url(url, entry)
    if url in entry.mirrors:
        return entry
    check_serves(entry, url, verify=verify)
    return save(project, entries, dataclasses.replace(entry, mirrors=(*entry.mirrors, url)))


def remove_mirror(project_root: Path, name: str, url: str) -> WeightEntry:
    """Remove ``url`` from the mirrors of the weight ``name``."""
    project = open_project(project_root)
    entries = load_registry(project.registry)
    entry = registered(entries, name)
    if url not in entry.mirrors:
        listed = ", ".join(entry.mirrors) or "none"
        raise UsageError(f"{url} is not a mirror of {name} (its mirrors: {listed})")
    mirrors = tuple(mirror for mirror in entry.mirrors if mirror != url)
    return save(project, entries, dataclasses.replace(entry, mirrors=mirrors))


def registered(entries: list[WeightEntry], name: str) -> WeightEntry:
    found = next((entry for entry in entries if entry.name == name), None)
    if found is None:
        known = ", ".join(entry.name for entry in entries) or "none yet"
        raise UsageError(f"no weight named {name!r} is registered (known: {known})")
    return found


def check_mirror_url(url: str, entry: WeightEntry) -> None:
    """Refuse what is not a mirror: not HTTPS (but on this machine), or the release URL."""
    parts = urllib.parse.urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not (parts.scheme == "https" or local) or not parts.hostname:
        raise UsageError(f"{url!r} is not an HTTPS URL; a mirror must be one (https://...)")
    if url == entry.url:
        raise UsageError(f"{url} is where the release serves {entry.name}, not a mirror of it")


def check_serves(entry: WeightEntry, url: str, *, verify: bool) -> None:
    """Stop unless ``url`` serves the registered size, and with ``verify`` the SHA-256 too."""
    try:
        if verify:
            found = served_sha256(url, entry.size)
            if found != entry.sha256:
                raise UsageError(
                    f"{url} serves other bytes than {entry.name} (SHA-256 {found}, registered "
                    f"{entry.sha256}); nothing was changed"
                )
            return
        size = served_size(url)
    except SourceFailed as failure:
        error = UsageError if failure.permanent else OperationFailed
        raise error(f"{url} does not serve {entry.name}: {failure}; nothing was changed") from None
    if size is None:
        check_serves(entry, url, verify=True)  # no size announced: count the bytes, and hash
    elif size != entry.size:
        raise UsageError(
            f"{url} serves {size} bytes ({human_size(size)}), but {entry.name} is {entry.size} "
            f"bytes ({human_size(entry.size)}); nothing was changed"
        )


def save(project: Project, entries: list[WeightEntry], changed: WeightEntry) -> WeightEntry:
    """Write ``changed`` in its entry's place, and the README table that shows the mirrors."""
    entries = [changed if entry.name == changed.name else entry for entry in entries]
    save_registry(project.registry, entries)
    refresh_readme(project, entries)
    return changed
