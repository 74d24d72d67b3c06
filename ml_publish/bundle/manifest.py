"""The bundle's manifest (``bundle-manifest.json``): every file with its size and SHA-256, the
versions inside, the target, what was left out; and the size report and limit read from it.

``builder`` imports it only once pip runs (``contents`` does), as it does the rest."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import parse_wheel_filename

from ml_publish.bundle import MANIFEST_FILE
from ml_publish.bundle.targets import GB, Target
from ml_publish.digests import sha256_of
from ml_publish.errors import UsageError

if TYPE_CHECKING:
    from ml_publish.weights.registry import WeightEntry

MANIFEST_FORMAT = 1
PACKAGE, DEPENDENCY, WEIGHTS = "package", "dependency", "weights"


@dataclass(frozen=True)
class BundleFile:
    """One file of the bundle: its path inside it, what it is, and its bytes' size and hash."""

    path: str
    kind: str
    name: str
    version: str
    size: int
    sha256: str


def wheel_files(root: Path, wheels: list[Path], project_wheel: Path) -> list[BundleFile]:
    """The wheelhouse described: the project's wheel first, then its dependencies by name."""
    files = []
    for wheel in wheels:
        name, version, _, _ = parse_wheel_filename(wheel.name)
        kind = PACKAGE if wheel.name == project_wheel.name else DEPENDENCY
        relative = wheel.relative_to(root).as_posix()
        files.append(
            BundleFile(relative, kind, name, str(version), wheel.stat().st_size, sha256_of(wheel))
        )
    return sorted(files, key=lambda f: (f.kind != PACKAGE, f.name))


def weight_files(root: Path, entries: list[WeightEntry], copies: list[Path]) -> list[BundleFile]:
    """The weights described by their registry entries (their copies were verified)."""
    return [
        BundleFile(
            copy.relative_to(root).as_posix(), WEIGHTS, entry.name, "", entry.size, entry.sha256
        )
        for entry, copy in zip(entries, copies)
    ]


def write_manifest(
    root: Path, files: list[BundleFile], target: Target, left_out: list[str]
) -> Path:
    package = next(f for f in files if f.kind == PACKAGE)
    document = {
        "format": MANIFEST_FORMAT,
        "package": {"name": package.name, "version": package.version},
        "target": {"python": target.python, "platform": target.platform},
        "left_out_as_preinstalled": left_out,
        "files": [asdict(f) for f in files],
    }
    path = root / MANIFEST_FILE
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return path


def read_manifest(root: Path) -> list[BundleFile]:
    document = json.loads((root / MANIFEST_FILE).read_text(encoding="utf-8"))
    return [BundleFile(**raw) for raw in document["files"]]


def shown_size(size: float) -> str:
    for unit, scale in (("GB", GB), ("MB", 1000**2), ("kB", 1000)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{int(size)} B"


def size_lines(files: list[BundleFile]) -> list[str]:
    """The sizes: the package, the dependencies together, each weight, the total."""
    dependencies = [f for f in files if f.kind == DEPENDENCY]
    lines = [f"  {f.path}  {shown_size(f.size)}" for f in files if f.kind == PACKAGE]
    count = f"{len(dependencies)} dependenc{'y' if len(dependencies) == 1 else 'ies'}"
    lines.append(f"  wheels of {count}  {shown_size(sum(f.size for f in dependencies))}")
    lines += [f"  {f.path}  {shown_size(f.size)}" for f in files if f.kind == WEIGHTS]
    lines.append(f"  total  {shown_size(sum(f.size for f in files))}")
    return lines


def check_size(wheels_size: int, weights_size: int, limit_gb: float) -> None:
    """Refuse a bundle above ``limit_gb`` (Kaggle's dataset limit by default), with the numbers."""
    total = wheels_size + weights_size
    if total > limit_gb * GB:
        parts = f"wheels {shown_size(wheels_size)}, weights {shown_size(weights_size)}"
        raise UsageError(
            f"the bundle would be {shown_size(total)} ({parts}), above the "
            f"{shown_size(limit_gb * GB)} a Kaggle dataset may hold; bundle fewer weights "
            "(--weights NAME ...), leave out what the target has (--exclude-preinstalled), or "
            "raise --size-limit for another target"
        )
