"""Fixtures shared by the whole suite: tool venvs, the GitHub emulator, projects with weights."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.github_faults import GitHubEmulatorWithFaults
from tests.support.hook_stand_ins import HookStandIns, PreCommitSession
from tests.support.index_faults import RecordingPackageIndex
from tests.support.projects import hook_tool_requirements, render
from tests.support.published_weights import Published, publish_on_emulator
from tests.support.releases import (
    ReleaseWorld,
    github_release_status,
    make_releasable,
    set_environment,
)
from tests.support.torch_files import TorchFiles, write_torch_files
from tests.support.venvs import VirtualEnv, create_venv
from tests.support.weights_projects import (
    WeightsProject,
    generated_loader,
    project_with_weights,
    use_emulator,
)

# The CPU build this machine offers; a generated project only asks for torch>=2.1.
TORCH_REQUIREMENT = "torch==2.13.0"
# What executing the template's notebook needs.
NOTEBOOK_RUNNER = ("nbformat", "nbclient", "ipykernel")


@pytest.fixture(scope="session")
def project_tools(tmp_path_factory: pytest.TempPathFactory) -> VirtualEnv:
    """One venv holding a generated project's dev tools at the versions the template pins.

    It is filled from a freshly rendered project's own ``dev`` and ``test`` extras and its
    pre-commit hook revisions, so the versions checked are the versions users get.
    """
    reference = render(tmp_path_factory.mktemp("reference"), {})
    tools = create_venv(tmp_path_factory.mktemp("project-tools") / "venv")
    tools.pip_install(TORCH_REQUIREMENT)
    tools.pip_install(
        f"{reference}[dev,test]",
        "hatchling",
        "editables",
        *NOTEBOOK_RUNNER,
        *hook_tool_requirements(reference),
    )
    return tools


@pytest.fixture(scope="session")
def pre_commit_session(tmp_path_factory: pytest.TempPathFactory) -> PreCommitSession:
    """pre-commit with local stand-ins for the hook repositories, and one cache for the session.

    Each hook environment (torch for mypy included) is installed once, whichever project runs it
    first. pip takes torch from the CPU build on this machine's disk, as ``project_tools`` does,
    not the much larger build the machine's own pip constraint would allow.
    """
    constraints = tmp_path_factory.mktemp("pip-constraints") / "constraints.txt"
    constraints.write_text(f"{TORCH_REQUIREMENT}\n", encoding="utf-8")
    return PreCommitSession(
        stand_ins=HookStandIns(tmp_path_factory.mktemp("hook-repositories")),
        home=tmp_path_factory.mktemp("pre-commit-home"),
        pip_constraint=constraints,
    )


@pytest.fixture
def output_dir(tmp_path: Path) -> Path:
    """An empty directory to render projects into."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


@pytest.fixture
def gh() -> Iterator[GitHubEmulatorWithFaults]:
    """A fresh GitHub emulator: API, uploads and downloads hosts on local ports."""
    with GitHubEmulatorWithFaults() as emulator:
        yield emulator


@pytest.fixture(scope="session")
def rendered_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project rendered with the template's defaults, once, for tests to copy."""
    return render(tmp_path_factory.mktemp("rendered"), {})


@pytest.fixture
def weights_project(
    rendered_project: Path,
    tmp_path: Path,
    gh: GitHubEmulatorWithFaults,
    monkeypatch: pytest.MonkeyPatch,
) -> WeightsProject:
    """A project with two pending weight files, its environment pointed at ``gh``."""
    use_emulator(monkeypatch, gh)
    contents = {"unet": os.urandom(300_000), "small": os.urandom(40_000)}
    return project_with_weights(rendered_project, tmp_path, contents)


@pytest.fixture(scope="session")
def plain_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project without PyTorch (so installing it needs nothing else), rendered once."""
    answers = {"project_name": "Leaf Counter", "framework": "none", "github_owner": "octo-org"}
    return render(tmp_path_factory.mktemp("plain"), answers)


@pytest.fixture
def release_world(
    plain_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ReleaseWorld]:
    """A committed project with two pending weights, its origin, and the servers to release to.

    The index notes, at each upload, whether the GitHub release was published by then.
    """
    with (
        GitHubEmulatorWithFaults() as gh,
        RecordingPackageIndex(on_upload=lambda: github_release_status(gh)) as index,
    ):
        set_environment(monkeypatch, gh, index)
        root, remote = make_releasable(plain_project, tmp_path)
        yield ReleaseWorld(root, remote, gh, index)


@pytest.fixture(scope="session")
def torch_files(
    project_tools: VirtualEnv, rendered_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> TorchFiles:
    """PyTorch files real torch wrote, once, and whether ``weights_only=True`` loads each."""
    return write_torch_files(project_tools, rendered_project, tmp_path_factory.mktemp("torch"))


@pytest.fixture(scope="session")
def loader_file(plain_project: Path) -> Path:
    """The loader a generated project ships: its ``pretrained.py`` (beside ``_cache.py`` and
    ``_download.py``)."""
    return plain_project / "leaf_counter" / "pretrained.py"


@pytest.fixture(scope="session")
def pretrained(loader_file: Path) -> ModuleType:
    """The generated loader, imported from the project's files."""
    return generated_loader(loader_file)


@pytest.fixture
def published(
    rendered_project: Path,
    tmp_path: Path,
    gh: GitHubEmulatorWithFaults,
    monkeypatch: pytest.MonkeyPatch,
    loader_file: Path,
    pretrained: ModuleType,
) -> Published:
    """Two weights on ``gh`` for the generated loader: ``big`` in 3 parts, ``small`` whole."""
    return publish_on_emulator(rendered_project, tmp_path, gh, monkeypatch, loader_file, pretrained)
