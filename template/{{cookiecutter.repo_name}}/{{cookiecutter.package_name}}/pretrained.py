"""Pretrained weights: the registry ml-publish writes, and a verified download.

``weights.json`` beside this file lists every published weight file with its
URL, full SHA-256 and size. Nothing here trusts a file it has not hashed: a
download goes to a ``.partial`` file, is checked, and only then renamed into
the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import {% if cookiecutter.framework == "pytorch" %}TYPE_CHECKING, {% endif %}Any
{%- if cookiecutter.framework == "pytorch" %}

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.transforms import Preprocess
{%- endif %}

# Points every weight URL at another server (an internal mirror, or a test
# server): the origin of each URL is replaced, its path kept.
MIRROR_VARIABLE = "{{ cookiecutter.package_name | upper }}_WEIGHTS_MIRROR"
REGISTRY_FILE = "weights.json"
CHUNK_SIZE = 1 << 20
TIMEOUT_SECONDS = 60


class WeightsError(RuntimeError):
    """A weight file is unknown, unreachable, or not the registered file."""


@dataclass(frozen=True)
class Weights:
    """One published weight file and what is needed to use it."""

    name: str
    url: str
    sha256: str
    size: int
    file_name: str
    arch: str
    meta: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Weights:
        return cls(
            name=entry["name"],
            url=entry["url"],
            sha256=entry["sha256"],
            size=int(entry["size"]),
            file_name=entry["file_name"],
            arch=entry.get("arch", ""),
            meta=dict(entry.get("meta", {})),
        )
{%- if cookiecutter.framework == "pytorch" %}

    def transforms(self) -> Preprocess:
        """The preprocessing these weights were trained with."""
        from {{ cookiecutter.package_name }}.transforms import Preprocess

        return Preprocess.from_meta(self.meta)
{%- endif %}


class Registry:
    """The weights listed in one registry file."""

    def __init__(self, weights: list[Weights]) -> None:
        self.weights = {w.name: w for w in weights}

    @classmethod
    def from_text(cls, text: str) -> Registry:
        entries = json.loads(text)["weights"]
        return cls([Weights.from_json(entry) for entry in entries])

    def names(self) -> list[str]:
        return sorted(self.weights)

    def get(self, name: str) -> Weights:
        if name not in self.weights:
            known = ", ".join(self.names()) or "none yet"
            raise WeightsError(f"no weights named {name!r}; known: {known}")
        return self.weights[name]

    def download(
        self,
        name: str,
        *,
        cache_dir: Path | None = None,
        progress: bool = True,
    ) -> Path:
        weights = self.get(name)
        directory = cache_dir or default_cache_dir()
        target = Path(directory) / weights.file_name
        if target.is_file() and target.stat().st_size == weights.size:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        url = mirrored(weights.url)
        fetch_verified(url, weights, target, progress=progress)
        return target


def default_cache_dir() -> Path:
{%- if cookiecutter.framework == "pytorch" %}
    """torch hub's checkpoint directory: the cache ``torch.hub`` uses."""
    if "TORCH_HOME" in os.environ:
        torch_home = Path(os.environ["TORCH_HOME"])
    elif "XDG_CACHE_HOME" in os.environ:
        torch_home = Path(os.environ["XDG_CACHE_HOME"]) / "torch"
    else:
        torch_home = Path.home() / ".cache" / "torch"
    return torch_home / "hub" / "checkpoints"
{%- else %}
    """The platform's per-user cache directory for this package."""
    home = Path.home()
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA", home / "AppData" / "Local")
        base = Path(local)
    elif sys.platform == "darwin":
        base = home / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", home / ".cache"))
    return base / "{{ cookiecutter.package_name }}" / "weights"
{%- endif %}


def mirrored(url: str) -> str:
    """``url`` with its origin replaced by the mirror, if one is set."""
    mirror = os.environ.get(MIRROR_VARIABLE, "").rstrip("/")
    if not mirror:
        return url
    return mirror + urllib.parse.urlsplit(url).path


def fetch_verified(
    url: str,
    weights: Weights,
    target: Path,
    *,
    progress: bool,
) -> None:
    """Save ``url`` as ``target`` if, and only if, its SHA-256 matches."""
    partial = target.with_name(target.name + ".partial")
    show_progress = progress and sys.stderr.isatty()
    try:
        actual = stream_to_file(url, partial, weights, show_progress)
        if actual != weights.sha256:
            got = f"{weights.file_name} from {url} has SHA-256 {actual}"
            wanted = f"expected {weights.sha256}; nothing was cached"
            raise WeightsError(f"{got}, {wanted}")
        os.replace(partial, target)
    except OSError as error:
        raise WeightsError(
            f"could not download {weights.name} from {url}: {error}",
        ) from error
    finally:
        partial.unlink(missing_ok=True)


def stream_to_file(
    url: str,
    destination: Path,
    weights: Weights,
    show_progress: bool,
) -> str:
    """Copy ``url`` into ``destination``; return the SHA-256 of the bytes."""
    digest = hashlib.sha256()
    received = 0
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
        with destination.open("wb") as out:
            while chunk := response.read(CHUNK_SIZE):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                if show_progress:
                    percent = 100 * received // max(weights.size, 1)
                    line = f"\r{weights.name}: {percent}%"
                    print(line, end="", file=sys.stderr)
    if show_progress:
        print(file=sys.stderr)
    return digest.hexdigest()


def default_registry() -> Registry:
    """The registry shipped inside this package."""
    package_files = resources.files("{{ cookiecutter.package_name }}")
    text = package_files.joinpath(REGISTRY_FILE).read_text(encoding="utf-8")
    return Registry.from_text(text)


def list_models() -> list[str]:
    """Names of every published weight file."""
    return default_registry().names()


def get_weights(name: str) -> Weights:
    """The registry entry for ``name``."""
    return default_registry().get(name)


def download_weights(
    name: str,
    *,
    cache_dir: Path | None = None,
    progress: bool = True,
) -> Path:
    """The local path of ``name``'s file, downloaded and verified if needed."""
    return default_registry().download(
        name,
        cache_dir=cache_dir,
        progress=progress,
    )
