"""Registry format 1 → 2: free-form ``meta`` becomes the typed contract, and defaults appear.

Reading a format 1 file upgrades its entries in memory: a value under a key the contract now
types that does not fit it (``"metrics": "80.7% top-1"``) moves to ``<key>_v1`` so nothing is
lost, and ``file_size`` is the registered size. ``ml-publish update`` then writes the file as
format 2 with what only the project knows: the project's license for weights without one, the
parameter count of each staged file, and each architecture's first weight as its default.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ml_publish.weights.metadata import COMPUTED_KEYS, TYPED_KEYS, meta_problem
from ml_publish.weights.naming import STAGING_DIR, is_data


def upgraded_entries(raw_entries: list[Any]) -> list[Any]:
    """Format 1 entries as format 2 reads them; anything not an entry is left for the reader
    to refuse."""
    return [upgraded_entry(raw) if isinstance(raw, dict) else raw for raw in raw_entries]


def upgraded_entry(raw: dict[str, Any]) -> dict[str, Any]:
    meta = raw.get("meta")
    if not isinstance(meta, dict):
        return raw
    upgraded = dict(meta)
    for key in TYPED_KEYS:
        if key in upgraded and meta_problem({key: upgraded[key]}) is not None:
            upgraded[f"{key}_v1"] = upgraded.pop(key)
    for key in COMPUTED_KEYS:
        upgraded.pop(key, None)
    if isinstance(raw.get("size"), int):
        upgraded["file_size"] = raw["size"]
    return {**raw, "meta": upgraded}


def upgraded_registry_text(text: bytes, project_root: Path, project_license: str | None) -> bytes:
    """A registry file's text as format 2, filled with the project's facts; ``text`` itself when
    it cannot be read as a registry (the reader will say why) or is format 2 already."""
    from ml_publish.weights.parameter_count import parameter_count
    from ml_publish.weights.registry import (
        REGISTRY_FORMAT,
        RegistryError,
        defaults_for,
        entry_from_json,
        entry_to_json,
    )

    try:
        document = json.loads(text)
    except ValueError:
        return text
    if not isinstance(document, dict) or document.get("format", 1) != 1:
        return text
    if not isinstance(document.get("weights"), list):
        return text
    raws = upgraded_entries(document["weights"])
    for raw in raws:
        meta = raw.get("meta") if isinstance(raw, dict) else None
        if not isinstance(meta, dict) or is_data(meta):
            continue
        if project_license and "license" not in meta:
            meta["license"] = project_license
        staged = project_root / STAGING_DIR / str(raw.get("file_name"))
        if staged.is_file() and (count := parameter_count(staged)) is not None:
            meta["num_params"] = count
    try:
        entries = [entry_from_json(Path("weights.json"), i, raw) for i, raw in enumerate(raws)]
    except RegistryError:
        return text
    upgraded = {
        "format": REGISTRY_FORMAT,
        "defaults": defaults_for(entries, {}),
        "weights": [entry_to_json(entry) for entry in entries],
    }
    return (json.dumps(upgraded, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
