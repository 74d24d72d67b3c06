"""The demo: the whole product on one machine, offline, in one command.

It renders a project from the template, registers a small weight file for it (a linear iris
classifier in safetensors, written here from its numbers, with its license, its categories and
its accuracy on the iris data, measured as the demo runs: see demo_evaluation.py) and writes its
model card, commits them, and rehearses the project's first release in the sandbox: a GitHub
release with the weights, the package on a local pypiserver, a fresh install that downloads and
verifies the weights. It ends with the project's offline bundle, installed and loaded offline.
"""

from __future__ import annotations

import contextlib
import json
import struct
from pathlib import Path

from ml_publish import git
from ml_publish.release.demo_bundle import bundle_demo
from ml_publish.release.demo_evaluation import iris_metric
from ml_publish.release.demo_predict import fingerprint_demo_weight
from ml_publish.release.rehearsal import Rehearsal, borrowed_environment, rehearse
from ml_publish.release.release_settings import ReleaseSettings
from ml_publish.template import new_project
from ml_publish.weights.model_card import write_model_card
from ml_publish.weights.registration import add_weights

DEMO_OWNER = "ml-publish-demo"
DEMO_ANSWERS = [
    "project_name=Iris Classifier",
    "description=A linear classifier of iris species, published with ml-publish.",
    f"github_owner={DEMO_OWNER}",
    "framework=none",
    "demo_app=none",
    f"hf_repo={DEMO_OWNER}/iris-classifier",  # the release rehearses the Hub upload too
]
WEIGHTS_NAME = "iris-linear"
# Fit on the iris measurements as they are (sepal and petal length and width, cm) for three
# species: multinomial logistic regression, by scripts/fit_demo_weights.py, rounded to 2 places;
# the demo measures their accuracy on that data rather than stating it (demo_evaluation.py).
CLASSES = ("setosa", "versicolor", "virginica")
WEIGHT = (
    (1.21, 2.69, -3.76, -1.83),
    (0.6, -0.04, -0.16, -1.9),
    (-1.81, -2.65, 3.92, 3.73),
)
BIAS = (1.11, 2.87, -3.98)
# The iris data set is published under CC BY 4.0 (UCI Machine Learning Repository), so weights
# learned from it follow that license rather than the code's.
DEMO_META = {
    "license": "CC-BY-4.0",
    "categories": list(CLASSES),
}
# Used when git has no identity of its own (a fresh machine); the user's is kept otherwise.
DEMO_IDENTITY = {
    "GIT_AUTHOR_NAME": "ml-publish demo",
    "GIT_AUTHOR_EMAIL": "demo@ml-publish.invalid",
    "GIT_COMMITTER_NAME": "ml-publish demo",
    "GIT_COMMITTER_EMAIL": "demo@ml-publish.invalid",
}


def safetensors_bytes() -> bytes:
    """The classifier as a safetensors file: a JSON header, then little-endian float32 data."""
    weight = struct.pack(f"<{len(WEIGHT) * 4}f", *(value for row in WEIGHT for value in row))
    bias = struct.pack(f"<{len(BIAS)}f", *BIAS)
    header = {
        "__metadata__": {"classes": ",".join(CLASSES)},
        "weight": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, len(weight)]},
        "bias": {
            "dtype": "F32",
            "shape": [3],
            "data_offsets": [len(weight), len(weight) + len(bias)],
        },
    }
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # the format pads the header to 8 bytes
    return struct.pack("<Q", len(encoded)) + encoded + weight + bias


def demo(output_dir: Path) -> tuple[Path, Rehearsal]:
    """Make the demo project under ``output_dir`` and rehearse its release; both are returned."""
    project = new_project(DEMO_ANSWERS, output_dir=output_dir, no_input=True)
    with identity_for_git(project):
        rehearsal = commit_and_rehearse(project)
    bundle_demo(project)
    return project, rehearsal


def identity_for_git(project: Path) -> contextlib.AbstractContextManager[None]:
    """The demo identity while git has none of its own; the environment is restored after."""
    if git.has_identity(project):
        return contextlib.nullcontext()
    return borrowed_environment(DEMO_IDENTITY)


def commit_and_rehearse(project: Path) -> Rehearsal:
    git.checked(["init", "--quiet", "--initial-branch", "main"], project)
    weights = project / f"{WEIGHTS_NAME}.safetensors"
    data = safetensors_bytes()
    weights.write_bytes(data)
    add_weights(
        project,
        weights,
        name=WEIGHTS_NAME,
        repository=f"{DEMO_OWNER}/{project.name}",
        meta={**DEMO_META, "metrics": [iris_metric(data)]},
    )
    fingerprint_demo_weight(project, WEIGHTS_NAME)
    write_model_card(project)
    weights.unlink()  # it is staged in .ml-publish/weights now, out of git
    git.checked(["add", "--all"], project)
    git.checked(["commit", "--quiet", "--message", "Start from the ml-publish template"], project)
    return rehearse(project, ReleaseSettings(bump="minor"))
