"""The wheel's contents: the weights registry inside, no weight file inside."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import pytest

from ml_publish.errors import OperationFailed
from ml_publish.release.context import ReleaseContext
from ml_publish.release.dists import check_wheel
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.release.state import ReleaseState
from ml_publish.weights.project import open_project

REGISTRY = "leaf_counter/weights.json"


def wheel_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    wheel = tmp_path / "leaf_counter-0.1.1-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


@pytest.fixture
def ctx(plain_project: Path) -> ReleaseContext:
    state = ReleaseState("0.1.1", "v0.1.1", "0.1.0", "main", "o/r", "local", True, True)
    said: list[str] = []
    return ReleaseContext(
        root=plain_project,
        project=open_project(plain_project),
        options=ReleaseSettings(),
        state=state,
        say=said.append,
    )


def test_a_wheel_with_its_registry_and_small_files_passes(
    ctx: ReleaseContext, tmp_path: Path
) -> None:
    files = {REGISTRY: b'{"format": 1, "weights": []}', "leaf_counter/tiny.pt": bytes(1000)}
    check_wheel(ctx, wheel_with(tmp_path, files))


def test_a_wheel_without_the_registry_is_refused(ctx: ReleaseContext, tmp_path: Path) -> None:
    with pytest.raises(OperationFailed, match="lacks leaf_counter/weights.json"):
        check_wheel(ctx, wheel_with(tmp_path, {"leaf_counter/__init__.py": b""}))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("leaf_counter/unet.pth", bytes(200_000)),  # by extension
        ("leaf_counter/model.dat", pickle.dumps(bytes(200_000), protocol=4)),  # by content
    ],
)
def test_a_wheel_carrying_weights_is_refused(
    ctx: ReleaseContext, tmp_path: Path, name: str, data: bytes
) -> None:
    wheel = wheel_with(tmp_path, {REGISTRY: b"{}", name: data})
    with pytest.raises(OperationFailed, match=f"contains weight files \\({name}\\)"):
        check_wheel(ctx, wheel)
