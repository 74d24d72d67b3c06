"""WGT: a weights registry that downloads verify against, and weights kept out of git."""

from __future__ import annotations

import re
from typing import Any

from ml_publish.checks.base import Skip, check
from ml_publish.checks.facts import RepositoryFacts, UnreadableFile
from ml_publish.weights.hubconf import HUBCONF_FILE, entry_point_name, is_generated_hubconf
from ml_publish.weights.naming import (
    HASH_PREFIX_LENGTH,
    MAX_WEIGHT_BYTES,
    REGISTRY_FILE,
    REQUIRED_FIELDS,
    SHA256_HEX,
    STAGING_DIR,
    TORCH_HASH_REGEX,
    is_data,
)

# A top-level public function: what torch.hub.list() shows as an entry point.
PUBLIC_FUNCTION = re.compile(r"^def\s+([A-Za-z]\w*)\s*\(", re.MULTILINE)
# Paths a project's .gitignore should keep out of git. Those in directories have extensions
# that *.pt, *.pth, *.ckpt and *.safetensors miss, so only the directory's pattern ignores them.
CHECKPOINT_SAMPLES = (
    "model.pt",
    "model.pth",
    "model.ckpt",
    "model.safetensors",
    "checkpoints/last.bin",
    "lightning_logs/version_0/hparams.yaml",
    "wandb/run/files/model.h5",
    ".ml-publish/weights/model-0123456789.onnx",
)


@check("WGT101")
def registry_readable(facts: RepositoryFacts) -> str | None:
    """The weights registry is JSON with a weights list of complete entries."""
    if facts.registry_path() is None:
        if len(facts.registry_paths()) > 1:
            return f"there are several {REGISTRY_FILE} registries; keep one per repository"
        raise Skip(f"no <package>/{REGISTRY_FILE}")
    try:
        registry = facts.registry()
    except UnreadableFile as error:
        return f"{error}; restore it from git or re-run ml-publish weights add"
    if not isinstance(registry, dict) or not isinstance(registry.get("weights"), list):
        return f"{REGISTRY_FILE} has no weights list; restore it from git"
    incomplete = [
        f"entry {index + 1} lacks {', '.join(f for f in REQUIRED_FIELDS if f not in raw)}"
        for index, raw in enumerate(registry["weights"])
        if not isinstance(raw, dict) or any(f not in raw for f in REQUIRED_FIELDS)
    ]
    if incomplete:
        return f"{REGISTRY_FILE}: {'; '.join(incomplete)}; re-run ml-publish weights add"
    return None


@check("WGT102", requires=("WGT101",))
def full_hashes(facts: RepositoryFacts) -> str | None:
    """Every registered weight has its full SHA-256."""
    bad = [
        str(e["name"]) for e in facts.registry_entries() if not SHA256_HEX.match(str(e["sha256"]))
    ]
    if bad:
        return (
            f"{', '.join(bad)}: sha256 must be the 64 lowercase hex digits of the file; "
            "re-register with ml-publish weights add"
        )
    return None


@check("WGT103", requires=("WGT102",))
def file_names_carry_hash(facts: RepositoryFacts) -> str | None:
    """Weight file names end in their hash prefix, as torch.hub's HASH_REGEX reads it."""
    bad = []
    for entry in facts.registry_entries():
        file_name, sha256 = str(entry["file_name"]), str(entry["sha256"])
        found = TORCH_HASH_REGEX.search(file_name)
        hash_in_name = found.group(1) if found else ""
        if len(hash_in_name) < HASH_PREFIX_LENGTH or not sha256.startswith(hash_in_name):
            bad.append(file_name)
    if bad:
        return (
            f"torch.hub cannot verify {', '.join(bad)}: name files <name>-<sha256[:10]>.<ext> "
            "(ml-publish weights add does)"
        )
    return None


@check("WGT104", requires=("WGT101",))
def names_unique(facts: RepositoryFacts) -> str | None:
    """Weight names and file names are unique."""
    repeated = []
    for field in ("name", "file_name"):
        values = [str(entry[field]) for entry in facts.registry_entries()]
        repeated += sorted({value for value in values if values.count(value) > 1})
    if repeated:
        return f"registered more than once: {', '.join(repeated)}; remove the duplicates"
    return None


@check("WGT105", requires=("WGT101",))
def sizes_below_release_limit(facts: RepositoryFacts) -> str | None:
    """Every release asset (a weight file, or each of its parts) is below GitHub's 2 GiB limit."""
    too_big = [
        str(entry["name"])
        for entry in facts.registry_entries()
        if any(not isinstance(size, int) or size >= MAX_WEIGHT_BYTES for size in asset_sizes(entry))
    ]
    if too_big:
        return (
            f"GitHub refuses release assets of 2 GiB or more: {', '.join(too_big)}; register "
            "the file again with ml-publish weights add, which splits it into parts"
        )
    return None


def asset_sizes(entry: dict[str, Any]) -> list[object]:
    """The sizes of the release assets of a registry entry: its parts', or its own."""
    parts = entry.get("parts")
    if isinstance(parts, list) and parts:
        return [part.get("size") if isinstance(part, dict) else None for part in parts]
    return [entry["size"]]


@check("WGT106")
def no_weights_tracked(facts: RepositoryFacts) -> str | None:
    """No weight-like files are tracked by git."""
    from ml_publish.weights.recognition import weight_kind

    tracked = facts.tracked_files()
    if tracked is None:
        raise Skip("not a git repository")
    found = [
        f"{name} ({kind})"
        for name in tracked
        if (kind := weight_kind(str(facts.root / name))) is not None
    ]
    if found:
        return (
            f"weights tracked by git: {'; '.join(found)}; untrack them (git rm --cached) and "
            "register them with ml-publish weights add"
        )
    return None


@check("WGT107", requires=("WGT101",))
def hubconf_matches_registry(facts: RepositoryFacts) -> str | None:
    """hubconf.py has one entry point per registered weight (not data), and no others."""
    text = facts.text(HUBCONF_FILE)
    if text is None:
        raise Skip("no hubconf.py")
    if not is_generated_hubconf(text):
        raise Skip("hubconf.py is the project's own: ml-publish does not write its entry points")
    defined = set(PUBLIC_FUNCTION.findall(text))
    expected = {
        entry_point_name(str(entry["name"]))
        for entry in facts.registry_entries()
        if not is_data(entry.get("meta"))
    }
    missing, extra = sorted(expected - defined), sorted(defined - expected)
    details = [f"missing {name}" for name in missing] + [f"unregistered {name}" for name in extra]
    if details:
        return f"hubconf.py is out of date ({', '.join(details)}); run ml-publish weights table"
    return None


@check("WGT108")
def gitignore_covers_checkpoints(facts: RepositoryFacts) -> str | None:
    """.gitignore keeps checkpoints and experiment logs out of git."""
    from ml_publish import git

    if facts.tracked_files() is None:
        raise Skip("not a git repository")
    ignored = git.ignored_paths(facts.root, CHECKPOINT_SAMPLES)
    missing = [path for path in CHECKPOINT_SAMPLES if path not in ignored]
    if missing:
        return f".gitignore does not ignore {', '.join(missing)}; add patterns such as *.pt"
    return None


@check("WGT109", requires=("WGT101",))
def staged_weights_load_safely(facts: RepositoryFacts) -> str | None:
    """Staged PyTorch weights load with torch.load(weights_only=True), torch's default."""
    from ml_publish.weights.safe_load import is_torch_pickle, safe_load_refusal

    refused = []
    for entry in facts.registry_entries():
        staged = facts.root / STAGING_DIR / str(entry["file_name"])
        if entry["status"] != "pending" or is_data(entry.get("meta")) or not staged.is_file():
            continue
        if is_torch_pickle(staged) and (reason := safe_load_refusal(staged)) is not None:
            refused.append((str(entry["name"]), f"{STAGING_DIR}/{entry['file_name']}", reason))
    if not refused:
        return None
    name, path, _ = refused[0]
    listed = "; ".join(f"{path} ({reason})" for _, path, reason in refused)
    return (
        f"torch.load(weights_only=True), the default since torch 2.6, refuses {listed}; convert "
        f"to safetensors, which loads without pickle: ml-publish weights add {path} --name "
        f"{name} --format safetensors"
    )
