"""Register a weight file: hash it, name it by its content, stage it, record it as pending.

The staged file waits, git-ignored, in ``.ml-publish/weights/`` until ``weights upload`` or
``release`` puts it on its GitHub release; the registry entry already names its final URL.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from ml_publish.digests import sha256_of
from ml_publish.errors import UsageError
from ml_publish.project_facts import check_tag, resolve_repository
from ml_publish.toml_file import read_toml
from ml_publish.weights.metadata import given_meta_problem, project_license
from ml_publish.weights.naming import (
    check_weight_name,
    download_server,
    is_data,
    release_download_url,
    weight_file_name,
)
from ml_publish.weights.parts import (
    DEFAULT_PART_SIZE,
    check_part_count,
    hash_in_parts,
    parts_for,
)
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.recognition import HEAD_BYTES, content_kind, is_lfs_pointer, weight_kind
from ml_publish.weights.refresh import refresh_hubconf, refresh_readme
from ml_publish.weights.registry import WeightEntry, load_registry, save_registry

LIGHTNING_SUFFIX = ".ckpt"
# What torch.save writes, as recognition.content_kind names it: its zip format, or a pickle.
TORCH_SAVE_CONTENTS = ("a PyTorch checkpoint", "a pickle (torch.save, joblib)")
# What ``--format`` converts to.
FORMATS = ("safetensors",)
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


def check_weight_file(path: Path, root: Path) -> int:
    """The file's size, after refusing what cannot be registered."""
    if not path.exists():
        raise UsageError(f"{path} does not exist")
    if path.is_dir():
        raise UsageError(directory_message(path, root))
    if not path.is_file():
        raise UsageError(f"{path} is not a file; add weight files one at a time")
    if is_lfs_pointer(path):
        raise UsageError(
            f"{path} is a Git LFS pointer, not the weights: fetch the file with "
            "git lfs pull (git-lfs installed), then add it"
        )
    return path.stat().st_size


def directory_message(directory: Path, root: Path) -> str:
    """Why a directory is refused, naming the weight files in it (a ``save_pretrained`` folder
    holds one or a few beside its config and tokenizer files)."""
    found = sorted(
        file
        for file in directory.rglob("*")
        if file.is_file() and weight_kind(str(file), max_bytes=0) is not None
    )
    if not found:
        return (
            f"{directory} is a directory, with no weight file in it; add weight files one at a time"
        )
    shown = ", ".join(from_root(root, file) for file in found[:3]) + (
        ", ..." if len(found) > 3 else ""
    )
    return (
        f"{from_root(root, directory)} is a directory; add its weight files one at a time "
        f"(ml-publish weights add FILE): {shown}"
    )


def from_root(root: Path, path: Path) -> str:
    """``path`` from the project's root, as a user types it there, when it is below it."""
    root, path = root.resolve(), path.resolve()
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


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
    part_size: int = DEFAULT_PART_SIZE,
    file_format: str | None = None,
) -> WeightEntry:
    """Stage ``file`` under its content-addressed name and register it as pending.

    A file larger than ``part_size`` is registered with its parts (``weights.parts``);
    ``file_format="safetensors"`` converts a PyTorch checkpoint first. Registering the same
    content again changes nothing; a pending entry registered from this very file is replaced
    by what it becomes now (its conversion, or its state dict).
    """
    project = open_project(project_root)
    check_weight_name(name)
    check_weight_file(file, project_root)
    if file_format not in (None, *FORMATS):
        raise UsageError(f"--format {file_format!r} is not one of {', '.join(FORMATS)}")
    entries = load_registry(project.registry)
    repository = resolve_repository(repository, project_root)
    tag = check_tag(tag or f"v{project.version()}")
    meta = dict(meta or {})
    problem = given_meta_problem(meta)
    if problem is not None:
        raise UsageError(f"{name}: {problem}; nothing was registered")
    project.staging_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=project.staging_dir) as scratch:
        source, suffix = prepared(file, Path(scratch), strip_prefix, file_format, meta)
        sha256, spans = content_hashes(source, part_size)
        file_name = weight_file_name(name, sha256, suffix)
        existing = next((e for e in entries if e.name == name), None)
        if existing is not None:
            if existing.sha256 == sha256:
                return with_meta_updated(project, entries, existing, meta)
            if not registered_from(existing, file):
                raise UsageError(
                    f"{name!r} is already registered with other content "
                    f"({existing.sha256[:10]}); choose a new name, such as one with a version "
                    "suffix"
                )
            arch, meta = arch or existing.arch, {**existing.meta, **meta}
        staged = project.staging_dir / file_name
        stage(source, staged)
    meta = with_computed_meta(meta, staged, project_root)
    entry = WeightEntry(
        name=name,
        url=release_download_url(download_server(), repository, tag, file_name),
        sha256=sha256,
        size=staged.stat().st_size,
        file_name=file_name,
        status="pending",
        arch=arch,
        meta=meta,
        parts=parts_for(file_name, spans),
    )
    entries = replaced(entries, existing, entry, project.staging_dir)
    save_registry(project.registry, entries)
    refresh_readme(project, entries)
    refresh_hubconf(project, repository, entries)
    ignore_staging_dir(project)
    return entry


def with_meta_updated(
    project: Project, entries: list[WeightEntry], existing: WeightEntry, meta: dict[str, Any]
) -> WeightEntry:
    """``existing`` (the same content registered again) with ``meta`` merged into its meta."""
    merged = {**existing.meta, **meta}
    if merged == existing.meta:
        return existing
    updated = replace(existing, meta=merged)
    entries = [updated if entry is existing else entry for entry in entries]
    save_registry(project.registry, entries)
    refresh_readme(project, entries)
    return updated


def with_computed_meta(meta: dict[str, Any], staged: Path, project_root: Path) -> dict[str, Any]:
    """``meta`` with the staged file's size and parameter count, and the project's license
    when none is given (data files get their size alone)."""
    from ml_publish.weights.parameter_count import parameter_count

    computed = {**meta, "file_size": staged.stat().st_size}
    computed.pop("num_params", None)
    if is_data(meta):
        return computed
    count = parameter_count(staged)
    if count is not None:
        computed["num_params"] = count
    if "license" not in computed and (license_id := project_license(project_root)):
        computed["license"] = license_id
    return computed


def prepared(
    file: Path,
    scratch: Path,
    strip_prefix: str | None,
    file_format: str | None,
    meta: dict[str, Any],
) -> tuple[Path, str]:
    """The file to register and its suffix: ``file`` itself, its state dict, or its conversion.

    A conversion records the file it was made from in ``meta["converted_from"]``.
    """
    if file_format == "safetensors" and not is_safetensors(file):
        from ml_publish.weights.conversion import SAFETENSORS_SUFFIX, convert_to_safetensors

        converted = scratch / f"converted{SAFETENSORS_SUFFIX}"
        convert_to_safetensors(file, converted, strip_prefix)
        meta["converted_from"] = {"file_name": file.name, "sha256": sha256_of(file)}
        return converted, SAFETENSORS_SUFFIX
    if strip_prefix is not None and is_safetensors(file):
        raise UsageError(f"{file} is safetensors already; --strip-prefix reads PyTorch checkpoints")
    # A .ckpt is taken for Lightning's only when it starts like torch.save's output; another
    # framework's checkpoint (or a damaged one) is registered as it is, like any weight file.
    if strip_prefix is not None or (file.suffix == LIGHTNING_SUFFIX and saved_by_torch(file)):
        from ml_publish.weights.checkpoints import extract_state_dict

        extracted = scratch / "state_dict.pth"
        extract_state_dict(file, extracted, strip_prefix)
        return extracted, ".pth"
    return file, file.suffix


def content_hashes(source: Path, part_size: int) -> tuple[str, list[tuple[int, str]]]:
    """The file's SHA-256, and the size and SHA-256 of each part when it needs more than one."""
    size = source.stat().st_size
    if size <= part_size:
        return sha256_of(source), []
    check_part_count(source, size, part_size)
    return hash_in_parts(source, part_size)


def saved_by_torch(file: Path) -> bool:
    with file.open("rb") as stream:
        return content_kind(stream.read(HEAD_BYTES)) in TORCH_SAVE_CONTENTS


def is_safetensors(file: Path) -> bool:
    with file.open("rb") as stream:
        return content_kind(stream.read(HEAD_BYTES)) == "a safetensors file"


def registered_from(existing: WeightEntry, file: Path) -> bool:
    """Whether ``existing`` is a pending entry of exactly ``file``, which a conversion of it
    may replace (nothing has been published at its URL yet)."""
    return (
        existing.status == "pending"
        and existing.size == file.stat().st_size
        and sha256_of(file) == existing.sha256
    )


def replaced(
    entries: list[WeightEntry], old: WeightEntry | None, new: WeightEntry, staging_dir: Path
) -> list[WeightEntry]:
    """The registry with ``new`` in ``old``'s place (whose staged file goes), or at the end."""
    if old is None:
        return [*entries, new]
    if not any(e.file_name == old.file_name for e in entries if e is not old):
        (staging_dir / old.file_name).unlink(missing_ok=True)
    return [new if entry is old else entry for entry in entries]


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
