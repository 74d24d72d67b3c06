"""The template's quick-start notebook runs from top to bottom against locally served weights:
the colour classifier's, so its answer for the sample input is known before it runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.colour_weights import (
    register_colour_classifier,
    scores_for_channel_means,
    serving_registered_weights,
)
from tests.support.example_weights import MIRROR_VARIABLE
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


def channel_means(sample: Path) -> list[float]:
    """The mean of each channel of the notebook's sample input (channels first, no transform:
    the classifier's weights record none)."""
    data = json.loads(sample.read_text(encoding="utf-8"))
    channels, height, width = data["shape"]
    size = height * width
    values = data["values"]
    return [sum(values[c * size : (c + 1) * size]) / size for c in range(channels)]


def test_quickstart_notebook_gives_the_colour_classifiers_answer_for_the_sample(
    tmp_path: Path, project_tools: VirtualEnv
) -> None:
    project = render(tmp_path, {})
    register_colour_classifier(project_tools.python, project, "colours_v1", tmp_path)
    notebooks = project / "notebooks"
    scores = scores_for_channel_means(channel_means(notebooks / "sample_input.json"))
    winner = max(scores, key=scores.__getitem__)

    with serving_registered_weights(project, tmp_path / "mirror") as url:
        result = run(
            [project_tools.python, "-c", EXECUTE, notebooks / "quickstart.ipynb", notebooks],
            env={
                "PYTHONPATH": str(project),
                MIRROR_VARIABLE: url,
                "TORCH_HOME": str(tmp_path / "torch-home"),
            },
        )

    label, probability = result.stdout.strip().splitlines()[-1].split()
    assert label == winner
    assert float(probability) == pytest.approx(scores[winner], abs=1e-4)
    # The sample is no solid colour: the winner's lead is what the test can see.
    assert scores[winner] - sorted(scores.values())[-2] > 0.01
