"""Check registered weights: staged files against their hashes, and the places serving them.

The release serves each weight whole, or part by part (each part and the whole checked);
``all_sources`` also downloads it from each of its mirrors. Downloads go through the proxy the
environment names and show their progress on ``display``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ml_publish.digests import sha256_of
from ml_publish.terminal import Display
from ml_publish.weights.downloads import SourceFailed, served_sha256
from ml_publish.weights.parts import release_assets
from ml_publish.weights.project import open_project
from ml_publish.weights.registry import WeightEntry, load_registry


def verify_weights(
    project_root: Path,
    *,
    download: bool = False,
    all_sources: bool = False,
    display: Display | None = None,
) -> list[str]:
    """Problems found: staged files that are missing or differ, and with ``download`` the
    release's URLs (with ``all_sources`` every mirror's too)."""
    project = open_project(project_root)
    display = display or Display()
    problems = []
    for entry in load_registry(project.registry):
        staged = project.staging_dir / entry.file_name
        if entry.status == "pending":
            if not staged.is_file():
                problems.append(f"{entry.name}: staged file {staged} is missing")
            elif sha256_of(staged) != entry.sha256:
                problems.append(f"{entry.name}: {staged} no longer has SHA-256 {entry.sha256}")
        if download or all_sources:
            problems.extend(release_problems(entry, display))
        if all_sources:
            problems.extend(source_problem(entry, url, display) for url in entry.mirrors)
    return [problem for problem in problems if problem]


def release_problems(entry: WeightEntry, display: Display) -> list[str]:
    """What is wrong with the release's copy: each part's bytes, then the whole file's."""
    if not entry.parts:
        return [source_problem(entry, entry.url, display)]
    whole = hashlib.sha256()
    for asset, _ in release_assets(entry):
        problem = source_problem(asset, asset.url, display, also=whole)
        if problem:
            return [problem]
    if whole.hexdigest() != entry.sha256:
        return [
            f"{entry.name}: its parts join into SHA-256 {whole.hexdigest()}, not {entry.sha256}"
        ]
    return []


def source_problem(entry: WeightEntry, url: str, display: Display, also: Any = None) -> str:
    """What is wrong with the bytes ``url`` serves for ``entry``, or an empty string."""
    try:
        with display.transfer(entry.file_name, entry.size) as report:
            others = () if also is None else (also,)
            found = served_sha256(url, entry.size, also=others, report=report)
    except SourceFailed as failure:
        return f"{entry.name}: cannot download {url}: {failure}"
    if found != entry.sha256:
        return f"{entry.name}: {url} has SHA-256 {found}, not {entry.sha256}"
    return ""
