"""A project's weights published on the GitHub emulator, for the generated loader to download."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ml_publish.weights.upload_pending import upload_weights
from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.weights_projects import REPOSITORY, project_with_weights, use_emulator

BIG = random.Random("big").randbytes(250_000)
SMALL = random.Random("small").randbytes(20_000)
PART_SIZE = 100_000


@dataclass(frozen=True)
class Published:
    """A project's weights published on the emulator: ``big`` in 3 parts, ``small`` whole."""

    gh: GitHubEmulatorWithFaults
    registry_file: Path
    cache: Path
    pretrained: ModuleType
    loader_file: Path

    def download(self, name: str, **options: Any) -> Path:
        registry = self.pretrained.Registry.from_text(self.registry_file.read_text())
        path: Path = registry.download(name, cache_dir=self.cache, progress=False, **options)
        return path

    def weights(self, name: str) -> Any:
        return self.pretrained.Registry.from_text(self.registry_file.read_text()).get(name)

    def downloads(self, since: int = 0) -> list[str]:
        """The asset names the download host was asked for."""
        return [
            r.path.rpartition("/")[2] for r in self.gh.requests[since:] if r.host == "downloads"
        ]

    def asset(self, name: str) -> Any:
        (release,) = self.gh.state.releases(*REPOSITORY.split("/"))
        return next(asset for asset in release.assets if asset.name == name)

    def with_mirrors(self, name: str, *urls: str) -> None:
        """Register ``urls`` as the mirrors of the weight ``name``."""
        document = json.loads(self.registry_file.read_text())
        (entry,) = [entry for entry in document["weights"] if entry["name"] == name]
        entry["mirrors"] = list(urls)
        self.registry_file.write_text(json.dumps(document))


def publish_on_emulator(
    rendered_project: Path,
    tmp_path: Path,
    gh: GitHubEmulatorWithFaults,
    monkeypatch: pytest.MonkeyPatch,
    loader_file: Path,
    pretrained: ModuleType,
) -> Published:
    """``big`` and ``small`` added to a copy of ``rendered_project``, published on ``gh``."""
    use_emulator(monkeypatch, gh)
    monkeypatch.delenv(pretrained.MIRROR_VARIABLE, raising=False)
    contents = {"big": BIG, "small": SMALL}
    project = project_with_weights(rendered_project, tmp_path, contents, part_size=PART_SIZE)
    upload_weights(project.root, repository=REPOSITORY, api_url=gh.api_url, publish=True)
    registry = tmp_path / "weights.json"
    shutil.copyfile(next(project.root.glob("*/weights.json")), registry)
    return Published(gh, registry, tmp_path / "cache", pretrained, loader_file)
