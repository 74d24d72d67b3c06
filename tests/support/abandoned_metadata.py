"""Abandoned repositories whose metadata is what fails: shapes for adopt's third round.

Merged into SHAPES (and SHAPE_PACKAGES) of abandoned_repos.py; our own small files, shaped like
what issue 22 saw on real repositories:

- ``readme-rst-raw-html``: a README.rst that GitHub renders and PyPI does not (a ``raw`` HTML
  block for a centred logo, a Sphinx role). After: README.rst is unchanged above adopt's block,
  ``[project] readme`` declares it plain text, and the dists pass ``twine check --strict``.
- ``license-named-in-readme``: no license file, only a shields.io badge and a sentence naming
  MIT. After (as a user does, with ``license=MIT``): the LICENSE; without it, the plan names
  ``license=MIT`` under "needs a person".
- ``undeclared-imports``: an existing package whose setup.py declares numpy only, while its
  modules import tensorflow, cv2, PIL, yaml, skimage, sklearn and google.protobuf; wandb only
  in try/except ImportError, pandas only under TYPE_CHECKING; a root settings.py it imports.
  After: each imported distribution is a dependency (tensorflow with the lower bound of its pin
  in requirements-dev.txt), the optional and type-only ones are not, and check's PKG111 passes.
"""

from __future__ import annotations

from collections.abc import Mapping

RAW_HTML_README = """\
Flower Segmentation
===================

.. raw:: html

   <p align="center"><img src="docs/logo.png" width="200" alt="logo"></p>

Segments petals in photographs. See :ref:`training` for the details.

Training
--------

Run ``python train.py`` with the images in ``data/``.
"""
BADGE = (
    "[![License: MIT](https://img.shields.io/badge/License-MIT-yellow.svg)]"
    "(https://opensource.org/licenses/MIT)"
)
BADGE_README = f"""\
# Leaf Counter

{BADGE}

Counts leaves in plant photographs.

## Usage

Run `python count.py image.jpg`.

This code is released under the MIT license.
"""
COUNT = """\
import argparse


def count_leaves(pixels):
    return sum(1 for value in pixels if value > 128)


def main():
    parser = argparse.ArgumentParser(description="Count leaves")
    parser.add_argument("image")
    args = parser.parse_args()
    print(args.image, count_leaves([0, 200, 255]))


if __name__ == "__main__":
    main()
"""
FLOWERS_SETUP = """\
from setuptools import setup

setup(
    name="flowers",
    version="0.4.0",
    description="Flower classification",
    author="F. Florist",
    packages=["flowers"],
    install_requires=["numpy>=1.20"],
)
"""
FLOWERS_DATA = """\
import os
from typing import TYPE_CHECKING

import cv2
import numpy as np
import yaml
from PIL import Image
from skimage import transform
from sklearn.model_selection import train_test_split

import settings
from flowers.labels import LABELS

try:
    import wandb
except ImportError:
    wandb = None

if TYPE_CHECKING:
    import pandas

cv2.setNumThreads(0)


def load(folder):
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    images = [np.asarray(Image.open(os.path.join(folder, name))) for name in names]
    return [transform.resize(image, settings.SIZE) for image in images]


def split(items):
    return train_test_split(items, test_size=0.2)


def read_config(path):
    with open(path) as stream:
        return yaml.safe_load(stream), LABELS
"""
FLOWERS_MODEL = """\
import tensorflow as tf
from google.protobuf import text_format

from .labels import LABELS

tf.random.set_seed(0)


def build():
    return tf.keras.Sequential([tf.keras.layers.Dense(len(LABELS))])


def describe(message):
    return text_format.MessageToString(message)
"""
FLOWERS_TRAIN = """\
import argparse


def main():
    parser = argparse.ArgumentParser(description="Train the flower classifier")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    from flowers.model import build

    print(build(), args.epochs)


if __name__ == "__main__":
    main()
"""

METADATA_SHAPES: dict[str, Mapping[str, str]] = {
    "readme-rst-raw-html": {
        "README.rst": RAW_HTML_README,
        "petals.py": "def petal_mask(image):\n    return [value > 0 for value in image]\n",
        "train.py": "from petals import petal_mask\n\nprint(petal_mask([0, 1]))\n",
    },
    "license-named-in-readme": {"README.md": BADGE_README, "count.py": COUNT},
    "undeclared-imports": {
        "setup.py": FLOWERS_SETUP,
        "requirements-dev.txt": "tensorflow==2.15.0\npytest\n",
        "settings.py": "SIZE = (224, 224)\n",
        "flowers/__init__.py": '"""Flower classification."""\n',
        "flowers/labels.py": 'LABELS = ["daisy", "rose", "tulip"]\n',
        "flowers/data.py": FLOWERS_DATA,
        "flowers/model.py": FLOWERS_MODEL,
        "train.py": FLOWERS_TRAIN,
    },
}
METADATA_PACKAGES = {"undeclared-imports": "flowers"}
