"""A weight file whose predictions are known in advance, registered and served like real ones.

It turns the template's ``ExampleNet`` (3x3 convolution, batch norm, ReLU, global average pool,
linear) into a classifier of a picture's dominant colour: the convolution passes the red, green
and blue channels through, a fresh batch norm is the identity (to 1e-5), so the pooled features
are the channels' means in [0, 1], and the linear layer scales them into the logits of
``CATEGORIES``. A test can then say what an app must answer for any picture.
"""

from __future__ import annotations

import json
import math
import shutil
import sys
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.static_server import serving
from tests.support.processes import run

CATEGORIES = ("red", "green", "blue")
LOGIT_SCALE = 10.0

# Run by the project's own code (``<package>.model.ExampleNet``) in a venv with torch.
SAVE_COLOUR_CLASSIFIER = """
import importlib, sys, torch
package, destination, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
net = importlib.import_module(package + ".model").ExampleNet(num_classes=3, in_channels=3)
convolution, classifier = net.features[0], net.classifier
with torch.no_grad():
    for layer in (convolution, classifier):
        layer.weight.zero_()
        layer.bias.zero_()
    for channel in range(3):
        convolution.weight[channel, channel, 1, 1] = 1.0
        classifier.weight[channel, channel] = scale
torch.save(net.state_dict(), destination)
"""


def expected_scores(rgb: tuple[int, int, int]) -> dict[str, float]:
    """The class probabilities the colour classifier gives a picture of the one colour ``rgb``."""
    return scores_for_channel_means([value / 255 for value in rgb])


def scores_for_channel_means(means: Sequence[float]) -> dict[str, float]:
    """The class probabilities the colour classifier gives a picture (values in [0, 1]) whose
    red, green and blue channels have these means."""
    exponentials = [math.exp(LOGIT_SCALE * mean) for mean in means]
    return {name: e / sum(exponentials) for name, e in zip(CATEGORIES, exponentials)}


def register_colour_classifier(python: Path, project: Path, name: str, scratch: Path) -> None:
    """Save the colour classifier with ``python`` (torch) and ``ml-publish weights add`` it."""
    (package,) = [init.parent.name for init in project.glob("*/weights.json")]
    weight_file = scratch / f"{name}.pth"
    run(
        [python, "-c", SAVE_COLOUR_CLASSIFIER, package, weight_file, str(LOGIT_SCALE)],
        env={"PYTHONPATH": str(project)},
    )
    run(
        [sys.executable, "-m", "ml_publish", "weights", "-C", project, "add", weight_file,
         "--name", name, "--arch", "example_net",
         "--meta", 'arch_kwargs={"num_classes": 3}',
         "--meta", f"categories={json.dumps(list(CATEGORIES))}"],
    )  # fmt: skip


@contextmanager
def serving_registered_weights(project: Path, scratch: Path) -> Iterator[str]:
    """Serve the project's staged weights at the paths of their registered URLs.

    Yields the server's URL: the value for the package's ``<PACKAGE>_WEIGHTS_MIRROR``.
    """
    (registry,) = project.glob("*/weights.json")
    scratch.mkdir(parents=True, exist_ok=True)
    for entry in json.loads(registry.read_text(encoding="utf-8"))["weights"]:
        served = scratch / urllib.parse.urlsplit(entry["url"]).path.lstrip("/")
        served.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project / ".ml-publish" / "weights" / entry["file_name"], served)
    with serving(scratch) as url:
        yield url
