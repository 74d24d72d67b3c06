"""Generated projects with weight files added, ready to upload to the GitHub emulator."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ml_publish.sandbox.github_emulator import GitHubEmulator
from ml_publish.weights.project import open_project
from ml_publish.weights.registration import add_weights
from ml_publish.weights.registry import WeightEntry, load_registry

REPOSITORY = "octo-org/weights"
OWNER, REPO = REPOSITORY.split("/")
# The version of a project rendered with the template's defaults.
TAG = "v0.1.0"


@dataclass(frozen=True)
class WeightsProject:
    """A project whose weights are registered as pending, and the bytes of each weight file."""

    root: Path
    contents: dict[str, bytes]

    def entries(self) -> dict[str, WeightEntry]:
        """The registry as it is now, by weight name."""
        registry = open_project(self.root).registry
        return {entry.name: entry for entry in load_registry(registry)}

    def staged(self, name: str) -> Path:
        return open_project(self.root).staging_dir / self.entries()[name].file_name


def use_emulator(monkeypatch: pytest.MonkeyPatch, gh: GitHubEmulator) -> None:
    """Point the environment at ``gh``: its token and download server, nothing from the host."""
    for variable in ("GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "CI"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("GH_TOKEN", gh.token)
    # Registry URLs are made with this server, so the emulator's published URLs match them.
    monkeypatch.setenv("GITHUB_SERVER_URL", gh.server_url)


def project_with_weights(
    rendered: Path, destination: Path, contents: dict[str, bytes], *, part_size: int = 0
) -> WeightsProject:
    """A copy of the ``rendered`` project with each of ``contents`` added as a weight file;
    with ``part_size``, files larger than that are split into parts of that size."""
    root = shutil.copytree(rendered, destination / rendered.name)
    for name, data in contents.items():
        (root / f"{name}.pth").write_bytes(data)
        options: dict[str, Any] = {"part_size": part_size} if part_size else {}
        add_weights(root, root / f"{name}.pth", name=name, repository=REPOSITORY, **options)
    return WeightsProject(root, dict(contents))


def generated_loader(pretrained_py: Path) -> ModuleType:
    """A project's ``<package>/pretrained.py``, imported from its file, fresh each time.

    Its package is imported under a name of its own (the loader's modules import each other
    relatively), so copies of one project, before and after an edit, load side by side.
    Only what needs no installed distribution works (``Registry``, not ``list_models``).
    """
    package_dir = pretrained_py.parent
    alias = f"generated_{package_dir.name}_{abs(hash(pretrained_py))}"
    for name in [name for name in sys.modules if name.partition(".")[0] == alias]:
        del sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        alias, package_dir / "__init__.py", submodule_search_locations=[str(package_dir)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[alias] = package  # dataclasses look their module up
    spec.loader.exec_module(package)
    return importlib.import_module(f"{alias}.{pretrained_py.stem}")
