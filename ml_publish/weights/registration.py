"""Register a weight file: hash it, name it by its content, stage it, record it as pending.

The staged file waits, git-ignored, in ``.ml-publish/weights/`` until ``weights upload`` or
``release`` puts it on its GitHub release; the registry entry already names its final URL.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ml_publish.digests import sha256_of
from ml_publish.errors import UsageError
from ml_publish.toml_file import read_toml
from ml_publish.weights.naming import (
    MAX_WEIGHT_BYTES,
    check_weight_name,
    download_server,
    release_download_url,
    weight_file_name,
)
from ml_publish.weights.project import Project, check_tag, open_project, resolve_repository
from ml_publish.weights.refresh import refresh_hubconf, refresh_readme
from ml_publish.weights.registry import WeightEntry, load_registry, save_registry
from ml_publish.weights.table import human_size

LIGHTNING_SUFFIX = ".ckpt"
GITIGNORE_LINE = ".ml-publish/"
OWN_GITIGNORE = "# Written by ml-publish: nothing in this directory is ever committed.\n*\n"


def parse_meta(pairs: list[str], meta_file: Path | None) -> dict[str, Any]:
    """Metadata from a JSON or TOML file, then ``KEY=VALUE`` pairs (JSON values where valid)."""
    meta: dict[str, Any] = {}
    if meta_file is not None:
        meta.update(read_meta_file(meta_file))
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise UsageError(f"--meta {pair!r} is not KEY=VALUE; for example dataset=ImageNet")
        try:
            meta[key] = json.loads(value)
        except json.JSONDecodeError:
            meta[key] = value
    return meta


def read_meta_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise UsageError(f"metadata file {path} does not exist")
    try:
        if path.suffix == ".toml":
            return read_toml(path)
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise UsageError(f"metadata file {path} cannot be read: {error}") from None
    if not isinstance(loaded, dict):
        raise UsageError(f"metadata file {path} must hold an object of KEY: VALUE")
    return loaded


def check_weight_file(path: Path) -> int:
    """The file's size, after refusing what cannot be published."""
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if not path.is_file():
        raise UsageError(f"{path} is not a file; add weight files one at a time")
    size = path.stat().st_size
    if size >= MAX_WEIGHT_BYTES:
        raise UsageError(
            f"{path} is {human_size(size)}; GitHub release assets must be under 2 GiB: save "
            "a state dict only (no optimizer), in half precision, or split it into shards"
        )
    return size


def add_weights(
    project_root: Path,
    file: Path,
    *,
    name: str,
    arch: str = "",
    meta: dict[str, Any] | None = None,
    strip_prefix: str | None = None,
    repository: str | None = None,
    tag: str | None = None,
) -> WeightEntry:
    """Stage ``file`` under its content-addressed name and register it as pending."""
    project = open_project(project_root)
    check_weight_name(name)
    check_weight_file(file)
    entries = load_registry(project.registry)
    repository = resolve_repository(repository, project_root)
    tag = check_tag(tag or f"v{project.version()}")
    project.staging_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=project.staging_dir) as scratch:
        source, suffix = file, file.suffix
        if strip_prefix is not None or file.suffix == LIGHTNING_SUFFIX:
            from ml_publish.weights.checkpoints import extract_state_dict

            source, suffix = Path(scratch) / "state_dict.pth", ".pth"
            extract_state_dict(file, source, strip_prefix)
        sha256 = sha256_of(source)
        file_name = weight_file_name(name, sha256, suffix)
        existing = next((e for e in entries if e.name == name), None)
        if existing is not None:
            if existing.sha256 == sha256:
                return existing
            raise UsageError(
                f"{name!r} is already registered with other content ({existing.sha256[:10]}); "
                "choose a new name, such as one with a version suffix"
            )
        staged = project.staging_dir / file_name
        stage(source, staged)
    server = download_server()
    entry = WeightEntry(
        name=name,
        url=release_download_url(server, repository, tag, file_name),
        sha256=sha256,
        size=staged.stat().st_size,
        file_name=file_name,
        status="pending",
        arch=arch,
        meta=meta or {},
    )
    save_registry(project.registry, [*entries, entry])
    refresh_readme(project, [*entries, entry])
    refresh_hubconf(project, repository, [*entries, entry])
    ignore_staging_dir(project)
    return entry


def stage(source: Path, staged: Path) -> None:
    """Put the file in the git-ignored staging directory without copying it if possible."""
    staged.unlink(missing_ok=True)
    try:
        os.link(source, staged)
    except OSError:
        shutil.copyfile(source, staged)


def ignore_staging_dir(project: Project) -> None:
    """Keep ``.ml-publish/`` out of git: by a line in the project's .gitignore, and by its own
    .gitignore, which holds even when the project's is reset (as after a failed adopt)."""
    own = project.staging_dir.parent / ".gitignore"
    if not own.exists():
        own.write_text(OWN_GITIGNORE, encoding="utf-8")
    gitignore = project.root / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    if GITIGNORE_LINE not in lines:
        with gitignore.open("a", encoding="utf-8") as out:
            out.write(f"\n# Weight files staged by ml-publish, never committed\n{GITIGNORE_LINE}\n")


def list_weights(project_root: Path) -> list[WeightEntry]:
    return load_registry(open_project(project_root).registry)
