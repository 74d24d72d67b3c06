"""``ml-publish weights``: name, hash, stage and register weight files; list and verify them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from ml_publish.errors import UsageError
from ml_publish.hubconf import HUBCONF_FILE, render_hubconf
from ml_publish.project import Project, check_tag, open_project, resolve_repository
from ml_publish.registry import WeightEntry, load_registry, save_registry, sha256_of
from ml_publish.registry_rules import (
    MAX_WEIGHT_BYTES,
    download_server,
    release_download_url,
    weight_file_name,
)
from ml_publish.toml_file import read_toml
from ml_publish.weights_table import human_size, with_table

RELEASE_URL = re.compile(r"^https?://[^/]+/([^/]+/[^/]+)/releases/download/")
LIGHTNING_SUFFIX = ".ckpt"
GITIGNORE_LINE = ".ml-publish/"


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
    check_weight_file(file)
    entries = load_registry(project.registry)
    repository = resolve_repository(repository, project_root)
    tag = check_tag(tag or f"v{project.version()}")
    project.staging_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=project.staging_dir) as scratch:
        source, suffix = file, file.suffix
        if strip_prefix is not None or file.suffix == LIGHTNING_SUFFIX:
            from ml_publish.checkpoints import extract_state_dict

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


def refresh_readme(project: Project, entries: list[WeightEntry]) -> None:
    if project.readme.is_file():
        text = project.readme.read_text(encoding="utf-8")
        project.readme.write_text(with_table(text, entries), encoding="utf-8")


def refresh_hubconf(project: Project, repository: str, entries: list[WeightEntry]) -> None:
    """Rewrite hubconf.py (PyTorch projects have one) with an entry point per weight file."""
    hubconf = project.root / HUBCONF_FILE
    if hubconf.is_file():
        text = render_hubconf(project.package_dir.name, repository, entries)
        hubconf.write_text(text, encoding="utf-8")


def ignore_staging_dir(project: Project) -> None:
    gitignore = project.root / ".gitignore"
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    if GITIGNORE_LINE not in lines:
        with gitignore.open("a", encoding="utf-8") as out:
            out.write(f"\n# Weight files staged by ml-publish, never committed\n{GITIGNORE_LINE}\n")


def list_weights(project_root: Path) -> list[WeightEntry]:
    return load_registry(open_project(project_root).registry)


def format_listing(entries: list[WeightEntry]) -> str:
    if not entries:
        return "no weights registered; add one with: ml-publish weights add FILE --name NAME"
    rows = [("NAME", "SIZE", "SHA256", "STATUS", "URL")]
    rows += [(e.name, human_size(e.size), e.sha256[:12], e.status, e.url) for e in entries]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4]
        for row in rows
    )


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


def print_problems(problems: list[str]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def refresh_tables(project_root: Path) -> list[str]:
    """Rewrite the README weights table (and hubconf.py) from the registry; what changed."""
    project = open_project(project_root)
    entries = load_registry(project.registry)
    before = {path: read_if_exists(path) for path in (project.readme, project.root / HUBCONF_FILE)}
    refresh_readme(project, entries)
    if before[project.root / HUBCONF_FILE] is not None:
        repository = registered_repository(entries) or resolve_repository(None, project.root)
        refresh_hubconf(project, repository, entries)
    return [
        str(path.relative_to(project.root))
        for path, text in before.items()
        if read_if_exists(path) != text
    ]


def registered_repository(entries: list[WeightEntry]) -> str | None:
    """The ``owner/name`` the registered download URLs point at, when they agree on one."""
    found = {match[1] for e in entries if (match := RELEASE_URL.match(e.url))}
    return found.pop() if len(found) == 1 else None


def read_if_exists(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None
