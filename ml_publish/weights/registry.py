"""The weights registry of a project (``<package>/weights.json``): its entries, read and written.

The generated package reads this file at run time; only ml-publish writes it. The rules its
entries follow (file name, fields, how weight files are named) are in ``weights.naming``.
Two fields are optional and written only when they hold something: ``parts``, the release
assets of a weight too large for one (``weights.parts``), and ``mirrors``, other URLs serving
the same bytes, tried in order when the release cannot serve them (``weights.mirrors``).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ml_publish.errors import UsageError
from ml_publish.weights.naming import REQUIRED_FIELDS, SAFE_NAME, SHA256_HEX, STATUSES
from ml_publish.weights.parts import Part, part_file_name

REGISTRY_FORMAT = 1
# Far beyond any file, and still a number every reader of the registry handles (a 64-bit int).
MAX_REGISTERED_SIZE = 2**63 - 1
DOWNLOAD_URL = re.compile(r"https?://[^\s/]+/\S*\Z")


@dataclass(frozen=True)
class WeightEntry:
    """One weight file: where it will be (or is) downloaded from, and what it must hash to."""

    name: str
    url: str
    sha256: str
    size: int
    file_name: str
    status: str = "pending"
    arch: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()
    mirrors: tuple[str, ...] = ()
    # What the weights make of a sample input (weights.fingerprint); written only when recorded.
    fingerprint: dict[str, Any] = field(default_factory=dict)


class RegistryError(UsageError):
    """The registry file cannot be read as a registry; the message says where and why."""


def load_registry(path: Path) -> list[WeightEntry]:
    """Read and validate a registry file; anything else than a registry is a ``RegistryError``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise RegistryError(
            f"{path} is not valid JSON (line {error.lineno}: {error.msg}); fix it or restore "
            "it from git"
        ) from None
    except (ValueError, RecursionError) as error:  # not UTF-8, a number too long, too deep
        reason = " ".join(str(error).split())[:200] or "nested too deeply"
        raise RegistryError(
            f"{path} cannot be read as JSON ({reason}); restore it from git"
        ) from None
    except OSError as error:
        raise RegistryError(f"cannot read {path}: {error.strerror or error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("weights"), list):
        raise RegistryError(f"{path} has no 'weights' list; restore it from git")
    entries = [entry_from_json(path, index, raw) for index, raw in enumerate(document["weights"])]
    names = [entry.name for entry in entries]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RegistryError(f"{path} lists {', '.join(duplicates)} more than once")
    return entries


def entry_from_json(path: Path, index: int, raw: object) -> WeightEntry:
    """One entry, after checking each field has the type and form ml-publish writes."""
    where = f"{path}, entry {index + 1}"
    if not isinstance(raw, dict):
        raise RegistryError(f"{where} is not an object")
    missing = [name for name in REQUIRED_FIELDS if name not in raw]
    if missing:
        raise RegistryError(f"{where} lacks {', '.join(missing)}")
    problem = field_problem(raw)
    if problem is not None:
        raise RegistryError(f"{where}: {problem}; fix it or restore the file from git")
    return WeightEntry(
        name=raw["name"],
        url=raw["url"],
        sha256=raw["sha256"],
        size=raw["size"],
        file_name=raw["file_name"],
        status=raw["status"],
        arch=raw.get("arch", ""),
        meta=dict(raw.get("meta", {})),
        parts=parts_from_json(where, raw),
        mirrors=mirrors_from_json(where, raw),
        fingerprint=dict(raw.get("fingerprint", {})),
    )


def field_problem(raw: dict[str, Any]) -> str | None:
    """What is wrong with an entry's fields, or None. Names and file names become paths and
    asset names, so they must be as ``weights add`` makes them: never a path of their own."""
    size = raw["size"]
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_REGISTERED_SIZE:
        return "size must be a whole number of bytes"
    if not isinstance(raw["sha256"], str) or not SHA256_HEX.match(raw["sha256"]):
        return "sha256 must be 64 lowercase hex digits"
    if not isinstance(raw["status"], str) or raw["status"] not in STATUSES:
        return f"status must be one of {', '.join(STATUSES)}"
    for key in ("name", "file_name"):
        value = raw[key]
        if not isinstance(value, str) or not SAFE_NAME.match(value) or value in (".", ".."):
            return f"{key} must be letters, digits, '.', '_' and '-' only, as weights add makes it"
    url = raw["url"]
    if not isinstance(url, str) or not DOWNLOAD_URL.match(url) or not url.isprintable():
        return "url must be an http(s) URL without spaces"
    if not isinstance(raw.get("arch", ""), str):
        return "arch must be a string"
    if not isinstance(raw.get("meta", {}), dict):
        return "meta must be an object"
    if not isinstance(raw.get("fingerprint", {}), dict):
        return "fingerprint must be an object"
    return None


def parts_from_json(where: str, raw: dict[str, Any]) -> tuple[Part, ...]:
    """An entry's parts, checked to be named after its file and to add up to its size."""
    listed = raw.get("parts", [])
    if not isinstance(listed, list):
        raise RegistryError(f"{where}: parts must be a list")
    parts = tuple(
        part_from_json(
            f"{where}, part {number}", part, part_file_name(raw["file_name"], number, len(listed))
        )
        for number, part in enumerate(listed, start=1)
    )
    if parts and sum(part.size for part in parts) != raw["size"]:
        raise RegistryError(f"{where}: the sizes of its parts do not add up to its size")
    return parts


def part_from_json(where: str, raw: object, file_name: str) -> Part:
    """One part, which must be named ``file_name``."""
    if not isinstance(raw, dict) or not all(k in raw for k in ("file_name", "size", "sha256")):
        raise RegistryError(f"{where} needs file_name, size and sha256")
    if raw["file_name"] != file_name:
        raise RegistryError(f"{where} must be named {file_name}")
    if not isinstance(raw["size"], int) or raw["size"] <= 0:
        raise RegistryError(f"{where}: size must be a whole number of bytes")
    if not SHA256_HEX.match(str(raw["sha256"])):
        raise RegistryError(f"{where}: sha256 must be 64 lowercase hex digits")
    return Part(file_name, raw["size"], str(raw["sha256"]))


def mirrors_from_json(where: str, raw: dict[str, Any]) -> tuple[str, ...]:
    listed = raw.get("mirrors", [])
    if not isinstance(listed, list) or not all(isinstance(url, str) for url in listed):
        raise RegistryError(f"{where}: mirrors must be a list of URLs")
    return tuple(listed)


def entry_to_json(entry: WeightEntry) -> dict[str, Any]:
    """The entry as the registry stores it: ``parts`` and ``mirrors`` only when there are any."""
    document = asdict(entry)
    for optional in ("parts", "mirrors", "fingerprint"):
        if not document[optional]:
            del document[optional]
    return document


def save_registry(path: Path, entries: list[WeightEntry]) -> None:
    """Write the registry with stable formatting, so diffs stay small."""
    document = {"format": REGISTRY_FORMAT, "weights": [entry_to_json(entry) for entry in entries]}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
