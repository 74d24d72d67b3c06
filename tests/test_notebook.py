"""The template's quick-start notebook runs from top to bottom against locally served weights."""

from __future__ import annotations

from pathlib import Path

from ml_publish.weights.registration import add_weights
from tests.support.example_weights import (
    MIRROR_VARIABLE,
    save_example_state_dict,
    serving_staged_weights,
)
from tests.support.processes import run
from tests.support.projects import render
from tests.support.venvs import VirtualEnv

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
    save_example_state_dict(project_tools, project, project / "net.pth", num_classes=3)
    add_weights(
        project,
        project / "net.pth",
        name="example_v1",
        arch="example_net",
        meta={"arch_kwargs": {"num_classes": 3}, "categories": ["bg", "cell", "debris"]},
        repository="your-github-name/cell-segmentation",
    )

    with serving_staged_weights(project, tmp_path) as url:
        result = run(
            [project_tools.python, "-c", EXECUTE, project / "notebooks" / "quickstart.ipynb",
             project / "notebooks"],
            env={
                "PYTHONPATH": str(project),
                MIRROR_VARIABLE: url,
                "TORCH_HOME": str(tmp_path / "torch-home"),
            },
        )  # fmt: skip

    label, probability = result.stdout.strip().splitlines()[-1].split()
    assert label in {"bg", "cell", "debris"}
    assert 1 / 3 <= float(probability) <= 1
