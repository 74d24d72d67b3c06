"""Check registered weights: staged files against their hashes, and download URLs."""

from __future__ import annotations

import hashlib
import urllib.request
from pathlib import Path

from ml_publish.digests import sha256_of
from ml_publish.weights.project import open_project
from ml_publish.weights.registry import WeightEntry, load_registry


def verify_weights(project_root: Path, *, download: bool = False) -> list[str]:
    """Problems found: staged files that are missing or differ, and with ``download`` URLs."""
    project = open_project(project_root)
    problems = []
    for entry in load_registry(project.registry):
        staged = project.staging_dir / entry.file_name
        if entry.status == "pending":
            if not staged.is_file():
                problems.append(f"{entry.name}: staged file {staged} is missing")
            elif sha256_of(staged) != entry.sha256:
                problems.append(f"{entry.name}: {staged} no longer has SHA-256 {entry.sha256}")
        if download:
            problems.extend(check_download(entry))
    return problems


def check_download(entry: WeightEntry) -> list[str]:
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(entry.url, timeout=60) as response:
            while chunk := response.read(1 << 20):
                digest.update(chunk)
    except OSError as error:
        return [f"{entry.name}: cannot download {entry.url}: {error}"]
    if digest.hexdigest() != entry.sha256:
        return [f"{entry.name}: {entry.url} has SHA-256 {digest.hexdigest()}, not {entry.sha256}"]
    return []
