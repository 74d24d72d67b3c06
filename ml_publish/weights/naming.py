"""The rules a weights registry follows: its file name, its fields, how weight files are named.

Plain constants and functions, so ``ml-publish check`` can apply them without loading the
registry reader.
"""

from __future__ import annotations

import os
import re

from ml_publish.errors import UsageError

REGISTRY_FILE = "weights.json"
DEFAULT_SERVER = "https://github.com"
# Where weight files wait, git-ignored, until they are uploaded.
STAGING_DIR = ".ml-publish/weights"
# GitHub refuses release assets of 2 GiB or more.
MAX_WEIGHT_BYTES = 2 * 1024**3
HASH_PREFIX_LENGTH = 10
# torch.hub reads the hash from a file name with this pattern (torch/hub.py, HASH_REGEX),
# taking its first match: "people_2020-09-23.pth" would read as hash "23".
TORCH_HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
# Characters GitHub keeps in asset names; anything else it renames.
# \Z, not $: "$" also matches before a final newline.
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+\Z")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}\Z")
STATUSES = ("pending", "uploaded")
REQUIRED_FIELDS = ("name", "url", "sha256", "size", "file_name", "status")
# ``meta.kind`` of a registered file that is data (a split, features), not model weights: it is
# published the same way, listed under its own heading and given no hubconf.py entry point.
DATA_KIND = "data"
# File suffixes kept on a release asset; any other suffix (none, spaces, brackets, or one too
# long to be a format's) becomes this.
ASSET_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,15}")
FALLBACK_SUFFIX = ".bin"
# A weight's file name, suffix and replacement mark (".partial-xxxxxxxx") included, must fit
# in the 255 bytes file systems and GitHub allow.
MAX_NAME_LENGTH = 200


def weight_file_name(name: str, sha256: str, suffix: str) -> str:
    """``<name>-<sha256[:10]><suffix>``: unique per content, and torch.hub finds the hash.

    Refuses names GitHub would rename and names torch.hub would misread.
    """
    check_weight_name(name)
    prefix = sha256[:HASH_PREFIX_LENGTH]
    file_name = f"{name}-{prefix}{asset_suffix(suffix)}"
    found = TORCH_HASH_REGEX.search(file_name)
    if not found or found.group(1) != prefix:
        misread = found.group(1) if found else ""
        raise UsageError(
            f"torch.hub would read {misread!r} as the hash of {file_name!r}; "
            f"name the weights {name.replace('.', '_')!r} instead"
        )
    return file_name


def check_weight_name(name: str) -> None:
    """Refuse a weight name that cannot become a release asset's file name as it is."""
    if len(name) > MAX_NAME_LENGTH:
        raise UsageError(
            f"weight name {name[:20]!r}... is {len(name)} characters long; its file name must "
            f"fit in 255 bytes: use at most {MAX_NAME_LENGTH}"
        )
    if not SAFE_NAME.match(name):
        raise UsageError(
            f"weight name {name!r} may only use letters, digits, '.', '_' and '-' "
            "(GitHub renames other characters)"
        )


def asset_suffix(suffix: str) -> str:
    """The file's suffix, lowercased, when a release asset can keep it; else ``.bin``.

    torch.hub reads the hash only when a ``.`` follows it, so a file without a suffix needs one.
    """
    return suffix.lower() if ASSET_SUFFIX.fullmatch(suffix) else FALLBACK_SUFFIX


def is_data(meta: object) -> bool:
    """Whether a registry entry's ``meta`` marks it as data rather than model weights."""
    return isinstance(meta, dict) and meta.get("kind") == DATA_KIND


def download_server() -> str:
    """Where GitHub serves downloads: ``GITHUB_SERVER_URL`` (Actions, GHES, a sandbox) or
    github.com."""
    return os.environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER


def release_download_url(server: str, repository: str, tag: str, file_name: str) -> str:
    """Where GitHub serves a published release asset."""
    from urllib.parse import quote

    return f"{server.rstrip('/')}/{repository}/releases/download/{quote(tag, safe='')}/{file_name}"
