"""Publishing weight files to the local test server."""

import hashlib
import json
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.pretrained import Registry

RELEASE_PATH = "owner/repo/releases/download/v1.0.0"


def publish(
    directory: Path,
    content: bytes,
    name: str = "tiny",
    *,
    suffix: str = ".pth",
    part_size: int = 0,
    **fields: Any,
) -> dict[str, Any]:
    """Serve ``content`` as a weight file; return its registry entry.

    With ``part_size`` it is served in parts of that size, as ml-publish
    publishes files too large for one GitHub release asset.
    """
    sha256 = hashlib.sha256(content).hexdigest()
    file_name = f"{name}-{sha256[:10]}{suffix}"
    entry: dict[str, Any] = {
        "name": name,
        "url": f"https://github.com/{RELEASE_PATH}/{file_name}",
        "sha256": sha256,
        "size": len(content),
        "file_name": file_name,
        "arch": "example",
        "meta": {},
    }
    if not part_size:
        (directory / file_name).write_bytes(content)
    else:
        starts = range(0, len(content), part_size)
        chunks = [content[start : start + part_size] for start in starts]
        parts = []
        for number, chunk in enumerate(chunks, start=1):
            part_name = f"{file_name}.part-{number:03d}-of-{len(chunks):03d}"
            (directory / part_name).write_bytes(chunk)
            part = {"file_name": part_name, "size": len(chunk)}
            part["sha256"] = hashlib.sha256(chunk).hexdigest()
            parts.append(part)
        entry["parts"] = parts
    entry.update(fields)
    return entry


def registry_of(*entries: dict[str, Any]) -> Registry:
    document = {"format": 1, "weights": list(entries)}
    return Registry.from_text(json.dumps(document))
