"""Real weights for the template's ExampleNet, served the way GitHub serves release assets."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.static_server import serving
from tests.support.processes import run
from tests.support.venvs import VirtualEnv

# Where a project rendered with the template's defaults publishes its v0.1.0 weights.
RELEASE_PATH = "your-github-name/cell-segmentation/releases/download/v0.1.0"
MIRROR_VARIABLE = "CELL_SEGMENTATION_WEIGHTS_MIRROR"

SAVE_STATE_DICT = """
import sys, torch
from cell_segmentation.model import ExampleNet
torch.manual_seed(0)
torch.save(ExampleNet(num_classes=int(sys.argv[2])).state_dict(), sys.argv[1])
"""


def save_example_state_dict(
    tools: VirtualEnv, project: Path, destination: Path, num_classes: int
) -> None:
    """Save a state dict of the project's ``ExampleNet``, made by the project's own code."""
    run(
        [tools.python, "-c", SAVE_STATE_DICT, destination, str(num_classes)],
        env={"PYTHONPATH": str(project)},
    )


@contextmanager
def serving_staged_weights(project: Path, scratch: Path) -> Iterator[str]:
    """Serve the project's staged weights at their release paths; yield the mirror URL."""
    served = scratch / "served"
    shutil.copytree(project / ".ml-publish" / "weights", served / RELEASE_PATH)
    with serving(served) as url:
        yield url
