"""The weight files a bundle carries, each checked against the registry before it is copied.

A weight comes from where ml-publish already has its bytes: the staged copy of a pending weight
(``.ml-publish/weights``), else the loader's cache, else a download from its release URL (or a
mirror). Whatever the source, the copy in the bundle has the registered size and SHA-256, or the
bundle is not made.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ml_publish.digests import sha256_of
from ml_publish.errors import OperationFailed, UsageError
from ml_publish.weights.cache_check import loader_cache_dir
from ml_publish.weights.project import Project
from ml_publish.weights.registry import WeightEntry, load_registry

BLOCK = 1 << 20
TIMEOUT_SECONDS = 60
LOADER_FILES = ("_local.py", "pretrained.py", "_cache.py", "_download.py")


def chosen_weights(project: Project, names: list[str] | None) -> list[WeightEntry]:
    """The registry's entries named by ``--weights`` (every entry when none are named)."""
    entries = load_registry(project.registry)
    if not names:
        return entries
    known = {entry.name: entry for entry in entries}
    unknown = [name for name in names if name not in known]
    if unknown:
        listed = ", ".join(known) or "none"
        raise UsageError(f"no registered weight {', '.join(unknown)} (registered: {listed})")
    return [known[name] for name in names]


def check_loader_reads_bundles(project: Project, entries: list[WeightEntry]) -> None:
    """Refuse to bundle weights for a loader that would not look for them in the bundle."""
    variable = f"{project.import_name.replace('.', '_').upper()}_WEIGHTS_DIR"
    loader = [project.package_dir / name for name in LOADER_FILES]
    if entries and not any(
        path.is_file() and variable in path.read_text(encoding="utf-8") for path in loader
    ):
        raise UsageError(
            f"the package's loader does not read {variable}, so it would not find the bundled "
            "weights; run ml-publish update (or ml-publish weights init) to bring it, then bundle"
        )


def copy_weights(project: Project, entries: list[WeightEntry], destination: Path) -> list[Path]:
    """Put each entry's verified file into ``destination`` under its registered file name."""
    destination.mkdir(parents=True, exist_ok=True)
    cache = loader_cache_dir(project)
    copies = []
    for entry in entries:
        target = destination / entry.file_name
        for local in (project.staging_dir / entry.file_name, cache / entry.file_name):
            if local.is_file() and local.stat().st_size == entry.size:
                shutil.copyfile(local, target)
                if sha256_of(target) == entry.sha256:
                    break
        else:
            download_verified(entry, target)
        copies.append(target)
    return copies


def download_verified(entry: WeightEntry, target: Path) -> None:
    """Download ``entry`` from its release URL, then each mirror, into ``target``, verified."""
    if entry.parts:
        raise OperationFailed(
            f"weights {entry.name} is published in {len(entry.parts)} parts and is neither "
            "staged nor in the loader's cache; download it once (download_weights) and bundle "
            "again"
        )
    problems = []
    for url in (entry.url, *entry.mirrors):
        problem = fetch(entry, url, target)
        if problem is None:
            return
        problems.append(f"{url}: {problem}")
    target.unlink(missing_ok=True)
    raise OperationFailed(f"weights {entry.name} could not be fetched: {'; '.join(problems)}")


def fetch(entry: WeightEntry, url: str, target: Path) -> str | None:
    """Write what ``url`` serves to ``target``; what is wrong with it, or None."""
    # Only a weight neither staged nor cached needs the network (and its imports).
    from ml_publish.transport import network

    digest = hashlib.sha256()
    try:
        with network.open_url(url, timeout=TIMEOUT_SECONDS) as response, target.open("wb") as out:
            while chunk := response.read(BLOCK):
                digest.update(chunk)
                out.write(chunk)
    except OSError as error:
        return network.describe_failure(error, url)
    size = target.stat().st_size
    if size != entry.size:
        return f"served {size} bytes, not {entry.size}"
    if digest.hexdigest() != entry.sha256:
        return f"served SHA-256 {digest.hexdigest()}, not {entry.sha256}"
    return None
