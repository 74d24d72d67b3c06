"""The template's quick-start notebook runs from top to bottom against locally served weights."""

from __future__ import annotations

import shutil
from pathlib import Path

from ml_publish.commands.weights import add_weights
from ml_publish.testing.static_server import serving
from tests.support.processes import run
from tests.support.projects import render
from tests.support.venvs import VirtualEnv

RELEASE_PATH = "your-github-name/cell-segmentation/releases/download/v0.1.0"
SAVE_STATE_DICT = """
import sys, torch
from cell_segmentation.model import ExampleNet
torch.manual_seed(0)
torch.save(ExampleNet(num_classes=3).state_dict(), sys.argv[1])
"""
EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=300, kernel_name="python3").execute(cwd=sys.argv[2])
print(notebook.cells[-1].outputs[0]["text"].strip())
"""


def test_quickstart_notebook_executes_with_the_registered_weights(
    tmp_path: Path, project_tools: VirtualEnv
) -> None:
    project = render(tmp_path, {})
    on_path = {"PYTHONPATH": str(project)}
    run([project_tools.python, "-c", SAVE_STATE_DICT, project / "net.pth"], env=on_path)
    add_weights(
        project,
        project / "net.pth",
        name="example_v1",
        arch="example_net",
        meta={"arch_kwargs": {"num_classes": 3}, "categories": ["bg", "cell", "debris"]},
        repository="your-github-name/cell-segmentation",
    )
    served = tmp_path / "served"
    shutil.copytree(project / ".ml-publish" / "weights", served / RELEASE_PATH)

    with serving(served) as url:
        result = run(
            [project_tools.python, "-c", EXECUTE, project / "notebooks" / "quickstart.ipynb",
             project / "notebooks"],
            env={
                **on_path,
                "CELL_SEGMENTATION_WEIGHTS_MIRROR": url,
                "TORCH_HOME": str(tmp_path / "torch-home"),
            },
        )  # fmt: skip

    label, probability = result.stdout.strip().splitlines()[-1].split()
    assert label in {"bg", "cell", "debris"}
    assert 1 / 3 <= float(probability) <= 1
