"""Check registered weights: staged files against their hashes, and download URLs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ml_publish import network
from ml_publish.digests import sha256_of
from ml_publish.terminal import Display
from ml_publish.weights.project import open_project
from ml_publish.weights.registry import WeightEntry, load_registry


def verify_weights(
    project_root: Path, *, download: bool = False, display: Display | None = None
) -> list[str]:
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
            problems.extend(check_download(entry, display or Display()))
    return problems


def check_download(entry: WeightEntry, display: Display) -> list[str]:
    """Problems with downloading ``entry``: unreachable, or other bytes than registered."""
    digest = hashlib.sha256()
    try:
        with (
            network.open_url(entry.url, timeout=60) as response,
            display.transfer(entry.file_name, entry.size) as report,
        ):
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                report(len(chunk))
    except OSError as error:
        problem = network.describe_failure(error, entry.url)
        return [f"{entry.name}: cannot download {entry.url}: {problem}"]
    if digest.hexdigest() != entry.sha256:
        return [f"{entry.name}: {entry.url} has SHA-256 {digest.hexdigest()}, not {entry.sha256}"]
    return []
