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
    **fields: Any,
) -> dict[str, Any]:
    """Serve ``content`` as a weight file; return its registry entry."""
    sha256 = hashlib.sha256(content).hexdigest()
    file_name = f"{name}-{sha256[:10]}.pth"
    (directory / file_name).write_bytes(content)
    entry = {
        "name": name,
        "url": f"https://github.com/{RELEASE_PATH}/{file_name}",
        "sha256": sha256,
        "size": len(content),
        "file_name": file_name,
        "arch": "example",
        "meta": {},
    }
    entry.update(fields)
    return entry


def registry_of(*entries: dict[str, Any]) -> Registry:
    document = {"format": 1, "weights": list(entries)}
    return Registry.from_text(json.dumps(document))
