"""Pretrained weights: the registry ml-publish writes, and a verified download.

``weights.json`` beside this file lists every published weight file with its
URL, full SHA-256 and size; a file too large for one GitHub release asset
lists its parts, and a file may list mirrors, other URLs serving the same
bytes. Files people put in the directories ``WEIGHTS_DIR_VARIABLE`` names
(an offline bundle, a Kaggle dataset) come first (``_local``). Each weight's
``meta`` is typed (``WeightsMeta``: license, categories,
metrics, recipe, paper, parameter count, file size), and the registry names
each architecture's default weights. Nothing here trusts a file it has not
hashed: a download is checked
before it is renamed into the cache (``_download``), and the cache
(``_cache``) lets many processes share it, each file downloaded once.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import {% if cookiecutter.framework == "pytorch" %}TYPE_CHECKING, {% endif %}Any

from ._cache import (
    CACHE_VARIABLE,
    WeightsError,
    default_cache_dir,
    download_lock,
    is_cached,
    offline_variable,
    resolve_cache_dir,
)
from ._download import Progress, fetch_verified
from ._local import (
    WEIGHTS_DIR_VARIABLE,
    check_local,
    copy_verified,
    find_local,
)
{%- if cookiecutter.framework == "pytorch" %}

if TYPE_CHECKING:
    from .transforms import Preprocess
{%- endif %}

__all__ = [
    "CACHE_VARIABLE",
    "DEFAULT",
    "MIRROR_VARIABLE",
    "Metric",
    "Registry",
    "Weights",
    "WeightsError",
    "WeightsMeta",
    "WEIGHTS_DIR_VARIABLE",
    "default_cache_dir",
    "default_weights",
    "download_weights",
    "get_weights",
    "list_models",
]

# Points every release URL at another server (an internal mirror, or a test
# server): the origin of each URL is replaced, its path kept. It replaces the
# release as the first source; the registered mirrors still follow it.
MIRROR_VARIABLE = "{{ cookiecutter.package_name | upper }}_WEIGHTS_MIRROR"
REGISTRY_FILE = "weights.json"
# The weights alias naming an architecture's default, as in torchvision.
DEFAULT = "DEFAULT"


@dataclass(frozen=True)
class Part:
    """One release asset of a weight file too large for one asset."""

    file_name: str
    size: int
    sha256: str

    @classmethod
    def from_json(cls, part: dict[str, Any]) -> Part:
        return cls(part["file_name"], int(part["size"]), part["sha256"])


@dataclass(frozen=True)
class Metric:
    """Results on one split of a dataset: ``{"acc@1": 80.674}``."""

    dataset: str
    split: str
    values: dict[str, float]

    @classmethod
    def from_json(cls, metric: dict[str, Any]) -> Metric:
        return cls(metric["dataset"], metric["split"], dict(metric["values"]))


@dataclass(frozen=True)
class WeightsMeta:
    """What is known about a set of weights, typed; ``other`` holds the rest
    (input size, mean and std, ``arch_kwargs``, ``dataset``, ...)."""

    license: str = ""
    categories: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    recipe: str = ""
    paper: str = ""
    num_params: int | None = None
    file_size: int | None = None
    other: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, meta: dict[str, Any]) -> WeightsMeta:
        metrics = [Metric.from_json(m) for m in meta.get("metrics", [])]
        return cls(
            license=meta.get("license", ""),
            categories=read_categories(meta.get("categories", [])),
            metrics=tuple(metrics),
            recipe=meta.get("recipe", ""),
            paper=meta.get("paper", ""),
            num_params=meta.get("num_params"),
            file_size=meta.get("file_size"),
            other=dict(meta),
        )

    def get(self, key: str, default: Any = None) -> Any:
        """A value of the registry's ``meta`` by key, as when it was a dict."""
        return self.other.get(key, default)


def read_categories(value: list[str] | str) -> tuple[str, ...]:
    """Class names listed inline, or in a text file of the package."""
    if isinstance(value, list):
        return tuple(value)
    package_files = resources.files("{{ cookiecutter.package_name }}")
    text = package_files.joinpath(value).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@dataclass(frozen=True)
class Weights:
    """One published weight file and what is needed to use it."""

    name: str
    url: str
    sha256: str
    size: int
    file_name: str
    arch: str
    meta: WeightsMeta = field(default_factory=WeightsMeta)
    parts: tuple[Part, ...] = ()
    mirrors: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, entry: dict[str, Any]) -> Weights:
        parts = [Part.from_json(part) for part in entry.get("parts", [])]
        return cls(
            name=entry["name"],
            url=entry["url"],
            sha256=entry["sha256"],
            size=int(entry["size"]),
            file_name=entry["file_name"],
            arch=entry.get("arch", ""),
            meta=WeightsMeta.from_json(entry.get("meta", {})),
            parts=tuple(parts),
            mirrors=tuple(entry.get("mirrors", [])),
        )

    def sources(self) -> list[str]:
        """Where to download from, in order: the release, then each mirror."""
        return [mirrored(self.url), *self.mirrors]
{%- if cookiecutter.framework == "pytorch" %}

    def transforms(self) -> Preprocess:
        """The preprocessing these weights were trained with."""
        from .transforms import Preprocess

        return Preprocess.from_meta(self.meta.other)
{%- endif %}


class Registry:
    """The weights listed in one registry file."""

    def __init__(
        self,
        weights: list[Weights],
        defaults: dict[str, str] | None = None,
    ) -> None:
        self.weights = {w.name: w for w in weights}
        self.defaults = dict(defaults or {})

    @classmethod
    def from_text(cls, text: str) -> Registry:
        document = json.loads(text)
        weights = [Weights.from_json(entry) for entry in document["weights"]]
        return cls(weights, document.get("defaults", {}))

    def default(self, arch: str) -> Weights:
        """The weights ``get_model(arch, weights="DEFAULT")`` loads."""
        if arch not in self.defaults:
            known = ", ".join(sorted(self.defaults)) or "none yet"
            message = f"architecture {arch!r} has no default weights"
            raise WeightsError(f"{message}; architectures with one: {known}")
        return self.get(self.defaults[arch])

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
        verify: bool = False,
        copy_to_cache: bool = False,
    ) -> Path:
        """The file of ``name``: local, or cached, downloaded if needed.

        A file in the directories ``WEIGHTS_DIR_VARIABLE`` names is used in
        place, once verified (``copy_to_cache`` copies it into the cache).
        A cached file is trusted by its size; ``verify`` hashes it too, and
        downloads it again if its bytes are not the registered ones.
        """
        weights = self.get(name)
        directory = resolve_cache_dir(cache_dir)
        local = find_local(weights)
        if local is not None:
            check_local(weights, local, directory, verify=verify)
            if not copy_to_cache:
                return local
        target = directory / weights.file_name
        expected = weights.size, weights.sha256
        if is_cached(target, *expected, verify=verify):
            return target
        variable = offline_variable()
        if variable and local is None:
            raise WeightsError(
                f"{name} is not in the cache {directory} and {variable} "
                f"forbids downloading it; unset {variable}, set "
                f"{CACHE_VARIABLE} to a cache that holds it or "
                f"{WEIGHTS_DIR_VARIABLE} to a directory that holds "
                f"{weights.file_name}"
            )
        show = sys.stderr if progress and sys.stderr.isatty() else None
        status = Progress(weights, show)
        with download_lock(directory, weights.file_name, status.note):
            # Another process may have downloaded it while this one waited.
            if not is_cached(target, *expected, verify=verify):
                if local is None:
                    fetch_verified(weights, target, status)
                else:
                    copy_verified(weights, local, target)
        return target


def mirrored(url: str) -> str:
    """``url`` with its origin replaced by the mirror, if one is set."""
    mirror = os.environ.get(MIRROR_VARIABLE, "").rstrip("/")
    if not mirror:
        return url
    return mirror + urllib.parse.urlsplit(url).path


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


def default_weights(arch: str) -> Weights:
    """The default weights of the architecture ``arch``."""
    return default_registry().default(arch)


def download_weights(
    name: str,
    *,
    cache_dir: Path | None = None,
    progress: bool = True,
    verify: bool = False,
    copy_to_cache: bool = False,
) -> Path:
    """The local path of ``name``'s file, downloaded and verified if needed.

    A file in a directory ``WEIGHTS_DIR_VARIABLE`` names comes first, used
    in place once its size and SHA-256 are the registered ones (with
    ``copy_to_cache=True``, copied into the cache and the copy returned).
    The cache is ``cache_dir``, else the directory that ``CACHE_VARIABLE``
    names, else the default.
    A cached file is trusted by its size; ``verify=True`` hashes it too.
    """
    return default_registry().download(
        name,
        cache_dir=cache_dir,
        progress=progress,
        verify=verify,
        copy_to_cache=copy_to_cache,
    )
