"""``weights verify --cache``: the copies the project's loader cached, checked against the registry.

The loader trusts a cached file by its size (hashing gigabytes on every ``get_model`` would be
too slow), so bit rot or an edited file of the right size goes unnoticed until this check, or
``download_weights(name, verify=True)``, hashes it. The cache is found as the generated loader
finds it: ``<PACKAGE>_CACHE_DIR``, else torch hub's checkpoint directory for a PyTorch loader,
else the platform's cache directory for the package.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ml_publish.digests import sha256_of
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.registry import load_registry


@dataclass
class CacheReport:
    """What the cache holds of the registry's weights."""

    directory: Path
    verified: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"cache {self.directory}: {len(self.verified)} verified, {len(self.problems)} "
            f"wrong, {len(self.absent)} not cached"
        )


def verify_cache(project_root: Path, cache_dir: Path | None = None) -> CacheReport:
    """Hash every registered weight's cached copy in ``cache_dir`` (default: the loader's)."""
    project = open_project(project_root)
    report = CacheReport(cache_dir or loader_cache_dir(project))
    for entry in load_registry(project.registry):
        cached = report.directory / entry.file_name
        if not cached.is_file():
            report.absent.append(entry.name)
            continue
        size = cached.stat().st_size
        if size != entry.size:
            problem = f"is {size} bytes, not {entry.size}"
        elif (found := sha256_of(cached)) != entry.sha256:
            problem = f"has SHA-256 {found}, not {entry.sha256}"
        else:
            report.verified.append(entry.name)
            continue
        report.problems.append(
            f"{entry.name}: the cached {cached} {problem}; delete it and the loader downloads "
            "it again"
        )
    return report


def cache_variable(package: str) -> str:
    """The variable the generated loader reads its cache directory from."""
    return f"{package.replace('.', '_').upper()}_CACHE_DIR"


def loader_cache_dir(project: Project) -> Path:
    """The directory the project's generated loader caches its weights in."""
    configured = os.environ.get(cache_variable(project.package), "")
    if configured:
        return Path(configured)
    loader = [project.package_dir / name for name in ("_cache.py", "pretrained.py")]
    if any(path.is_file() and "TORCH_HOME" in path.read_text("utf-8") for path in loader):
        return torch_hub_checkpoints()
    return platform_cache() / project.package / "weights"


def torch_hub_checkpoints() -> Path:
    if "TORCH_HOME" in os.environ:
        return Path(os.environ["TORCH_HOME"]) / "hub" / "checkpoints"
    if "XDG_CACHE_HOME" in os.environ:
        return Path(os.environ["XDG_CACHE_HOME"]) / "torch" / "hub" / "checkpoints"
    return Path.home() / ".cache" / "torch" / "hub" / "checkpoints"


def platform_cache() -> Path:
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
    if sys.platform == "darwin":
        return home / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME", home / ".cache"))
