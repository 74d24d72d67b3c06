"""Synthetic abandoned ML repositories: the shapes ``ml-publish adopt`` has to rescue.

FEATURES are small sets of files that combine: a fixture is any combination of them, written to
a directory and committed to a fresh git repository the way its author left it. SHAPES are
whole repositories, each modelled on a shape seen in real competition and paper code where
adopt once failed (our own small files, no code taken from those repositories); they do not
combine. SHAPE_OPTIONS, SHAPE_PACKAGES and SHAPE_WHEEL_FILES hold what a shape needs beyond
the files: adopt's options, and what must hold after adopt that the generic checks of
tests/adopt/test_adoption.py would not see.
"""

from __future__ import annotations

import os
import pickle
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.support.abandoned_layouts import LAYOUT_OPTIONS, LAYOUT_PACKAGES, LAYOUT_SHAPES
from tests.support.abandoned_metadata import METADATA_PACKAGES, METADATA_SHAPES
from tests.support.abandoned_tooling import TOOLING_SHAPES
from tests.support.abandoned_commands import COMMAND_SHAPES
from tests.support.kaggle_repos import KAGGLE_SHAPES
from tests.support.detect_repos import DETECT_SHAPES
from tests.support.nlp_repos import POETRY_CLI
from tests.support.paper_repos import OPENMMLAB_PACKAGES, OPENMMLAB_SHAPES
from tests.support.thesis_repos import THESIS_SHAPES
from tests.support.processes import run
from tests.support.tiny_repos import write_repository


@dataclass(frozen=True)
class Symlink:
    """A symbolic link committed as one; ``absolute`` links get ``target`` (relative to the
    repository) made absolute, as a link written on its author's machine would be."""

    target: str
    absolute: bool = False


# A path starting with ../ is written beside the repository, never committed to it.
Files = Mapping[str, "str | bytes | Symlink"]

TRAIN = """\
import argparse

import torch

from models import Unet
from utils import load_images, seed_everything


def build_model(channels):
    return Unet(channels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    seed_everything(42)
    model = build_model(3)
    images = load_images("/home/kaggler/input/train")
    print(args.epochs, model, len(images), torch.__version__)


if __name__ == "__main__":
    main()
"""
UTILS = """\
import os
import random


def seed_everything(seed):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)


def load_images(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []
"""
MODELS = """\
from utils import seed_everything


class Unet:
    def __init__(self, channels):
        seed_everything(0)
        self.channels = channels
"""
EVALUATE = """\
from train import build_model

model = build_model(1)
print("evaluating", model)
"""
NOTEBOOK = """\
{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Exploration"]},
  {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
   "source": ["%matplotlib inline\\n", "from utils import load_images\\n", "import models\\n",
              "images = load_images('/content/drive/MyDrive/data')"]}
 ],
 "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"""

FEATURES: dict[str, Files] = {
    # train.py (a script) imports utils and models; evaluate.py imports the script train.py.
    "flat-scripts": {
        "train.py": TRAIN,
        "utils.py": UTILS,
        "models.py": MODELS,
        "evaluate.py": EVALUATE,
    },
    "models-package-beside-module": {
        "models.py": MODELS,
        "utils.py": UTILS,
        "models/__init__.py": "from .resnet import ResNet\n",
        "models/resnet.py": "class ResNet:\n    depth = 34\n",
    },
    "two-subtrees": {
        "alice/utils.py": "def augment(x):\n    return x\n",
        "alice/train_alice.py": "import utils\n\nprint(utils.augment(1))\n",
        "bob/utils.py": "def ensemble(xs):\n    return sum(xs) / len(xs)\n",
        "bob/infer_bob.py": "from utils import ensemble\n\nprint(ensemble([1, 2]))\n",
    },
    "notebooks": {"utils.py": UTILS, "models.py": MODELS, "notebooks/eda.ipynb": NOTEBOOK},
    "sys-path": {
        "utils.py": UTILS,
        "scripts/run.py": (
            'import sys\nsys.path.append("../")\n\nfrom utils import seed_everything\n\n'
            "seed_everything(1)\n"
        ),
    },
    "requirements": {
        "requirements.txt": (
            "# training\n-r requirements-base.txt\ntorch==1.13.1\n"
            "timm @ git+https://github.com/rwightman/pytorch-image-models\n"
            "albumentations>=1.3  # augmentations\n"
        ),
        "requirements-base.txt": "numpy==1.24.2\npandas\n",
    },
    "environment-yml": {
        "environment.yml": (
            "name: kaggle\nchannels:\n  - pytorch\n  - conda-forge\ndependencies:\n"
            "  - python=3.10\n  - pytorch=2.0.1\n  - numpy=1.24\n  - pip\n  - pip:\n"
            "    - segmentation-models-pytorch==0.3.3\n"
        ),
    },
    "setup-py-2016": {
        "setup.py": (
            "import re\nfrom setuptools import setup, find_packages\n\n"
            "with open('requirements.txt') as f:\n    requirements = f.read().splitlines()\n\n"
            "version = re.search(r'__version__ = \"(.*)\"', open('utils.py').read())\n\n"
            "setup(\n    name='whale-id',\n    version=version.group(1) if version else '0.0.1',\n"
            "    description='Humpback whale identification',\n    author='A. Kaggler',\n"
            "    packages=find_packages(),\n    install_requires=requirements,\n)\n"
        ),
        "requirements.txt": "numpy>=1.20\ntorch\n",
        "utils.py": '__version__ = "0.3.0"\n' + UTILS,
    },
    "setup-py-literal": {
        "setup.py": (
            "from setuptools import setup\n\n"
            "setup(\n    name='cell-counter',\n    version='0.2.0',\n"
            "    description='Counts cells in microscopy images',\n    author='B. Biologist',\n"
            "    install_requires=['numpy>=1.20', 'scikit-image'],\n)\n"
        ),
        "counting.py": "def count(image):\n    return int(image.sum())\n",
    },
    "setup-cfg-flake8": {"setup.cfg": "[flake8]\nmax-line-length = 120\n"},
    "python2": {
        "legacy_print.py": 'print "training done"\n',
        "mixed_tabs.py": "def f():\n    x = 1\n\treturn x\n",
        "cuda_async.py": "def to_gpu(x):\n    return x.cuda(async=True)\n",
    },
    "committed-weights": {"best.pth": b"PK\x03\x04" + os.urandom(5 * 1024 * 1024)},
    "root-dataset-modules": {
        "utils.py": UTILS,
        "dataset.py": "class CellDataset:\n    pass\n",
        "datasets/__init__.py": "",
        "datasets/cells.py": "from dataset import CellDataset\n\nDATA = CellDataset()\n",
    },
    "existing-files": {
        "README.md": "# Whale ID\n\nOur 12th place solution.\n",
        ".gitignore": "*.csv\n/input/\n",
        "pyproject.toml": "[tool.black]\nline-length = 120\n",
    },
    "invalid-module-names": {
        "utils.py": UTILS,
        "train-v2.py": "from utils import seed_everything\n\nseed_everything(2)\n",
        "01_preprocess.py": "import utils\n\nprint(utils.load_images('.'))\n",
    },
}


def trainer(architecture: str, imports: str, body: str) -> str:
    """A training script with ``main()`` (argparse, so ``--help`` does no work)."""
    return f"""\
import argparse

{imports}


def main():
    parser = argparse.ArgumentParser(description="Train {architecture}")
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    {body}


if __name__ == "__main__":
    main()
"""


def pickled(rows: int) -> bytes:
    """Pickle protocol 2 (``\\x80\\x02...``), as Python 2 era code saved its splits: >100 KB."""
    data = {"rows": [(i * 7919 % 1000) / 1000.0 for i in range(rows)], "shape": (rows, 1)}
    return pickle.dumps(data, protocol=2)


MIT_TEXT = """\
MIT License

Copyright (c) 2018 E. Engineer

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""
DEMO_UTILS = """\
import math


def cosine_lr(step, total, base_lr=0.1):
    return base_lr * 0.5 * (1 + math.cos(math.pi * step / total))


def average(values):
    return sum(values) / max(len(values), 1)


if __name__ == "__main__":
    for step in range(0, 100, 25):
        print(step, cosine_lr(step, 100))
"""
TORCH_NET = """\
import torch.nn as nn


class {name}(nn.Module):
    def __init__(self, channels=3):
        super().__init__()
        self.conv = nn.Conv2d(channels, 1, 3, padding=1)

    def forward(self, x):
        return self.conv(x)
"""
PY2_UTILS = """\
import os


def load_labels(path):
    labels = {}
    try:
        f = open(path)
    except IOError, e:
        print "cannot read", path, e
        return labels
    for line in f:
        name, label = line.strip().split(",")
        labels[name] = int(label)
    return labels


def class_counts(labels):
    counts = {}
    for name, label in labels.iteritems():
        counts[label] = counts.get(label, 0) + 1
    return counts


def half(n):
\treturn n / 2


def batches(items, size):
    out = []
    for start in range(0, len(items), size):
\tout.append(items[start:start + size])
    return out
"""
PY2_TRAIN = """\
import argparse

from utils import batches, class_counts, half, load_labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", default="labels.csv")
    args = parser.parse_args()
    labels = load_labels(args.labels)
    for label, count in class_counts(labels).iteritems():
        print "class %d: %d images" % (label, count)
    print "validation size:", half(len(labels))
    print len(batches(labels.keys(), 32)), "batches"


if __name__ == "__main__":
    main()
"""
STEELSEG_SETUP = """\
from setuptools import find_packages, setup

setup(
    name="steelseg",
    version="0.2.1",
    description="Steel defect segmentation",
    author="C. Competitor",
    packages=find_packages(exclude=["tests"]),
    install_requires=["numpy>=1.20", "torch>=1.4"],
)
"""
GCNLITE_SETUP = """\
from setuptools import setup

setup(name='gcnlite',
      version='1.0',
      description='Graph convolutional networks in a few lines',
      author='D. Researcher',
      install_requires=['numpy>=1.15.4', 'scipy>=1.1.0'],
      package_data={'gcnlite': ['README', 'data/*.txt']},
      packages=['gcnlite'])
"""
NOTEBOOK_IMPORTING = """\
{{
 "cells": [
  {{"cell_type": "code", "execution_count": 1, "metadata": {{}}, "outputs": [],
   "source": ["{source}"]}}
 ],
 "metadata": {{"kernelspec": {{"name": "python3", "display_name": "Python 3"}}}},
 "nbformat": 4,
 "nbformat_minor": 4
}}
"""

SHAPES: dict[str, Files] = {
    # R23 graphsage/utils.py, R1 merge_preds.py: a root utils.py with a __main__ demo and no
    # main(), imported by three training scripts that have main(). After: utils.py moves with
    # its importers (usage wins over form) and the three become console scripts.
    "utils-demo-block-three-trainers": {
        "utils.py": DEMO_UTILS,
        **{
            f"train_{arch}.py": trainer(
                arch,
                "from utils import average, cosine_lr",
                "print(average([cosine_lr(s, args.epochs) for s in range(args.epochs)]))",
            )
            for arch in ("unet", "fpn", "linknet")
        },
    },
    # R1's models/: __init__.py re-exports get_model relatively; model_factory.py imports its
    # siblings by the bare package name and has a __main__ demo. After: models/ moves whole,
    # __init__.py unchanged, the factory's imports point at <pkg>.models.
    "models-package-factory-demo": {
        "models/__init__.py": "from .model_factory import get_model\n",
        "models/model_factory.py": (
            "from models.linknet import LinkNet\nfrom models.unet import UNet\n\n"
            'MODELS = {"unet": UNet, "linknet": LinkNet}\n\n\n'
            "def get_model(name, **kwargs):\n    return MODELS[name](**kwargs)\n\n\n"
            'if __name__ == "__main__":\n    print(get_model("unet", channels=3))\n'
        ),
        "models/unet.py": TORCH_NET.format(name="UNet"),
        "models/linknet.py": TORCH_NET.format(name="LinkNet"),
        "train.py": trainer(
            "a segmentation model", "from models import get_model", 'print(get_model("unet"))'
        ),
    },
    # R25's datasets/: a factory importing three dataset modules by the bare package name, one
    # of them test.py (a standard-library name, and a library module, not a test). datasets is
    # also a PyPI name, but run from the root (train.py) it means this package. After:
    # <pkg>.datasets.test is in the wheel and every import of datasets points at the package.
    "datasets-package-factory": {
        "datasets/__init__.py": "",
        "datasets/dataset_factory.py": (
            "from datasets.default import DefaultDataset\n"
            "from datasets.small import SmallDataset\n"
            "from datasets.test import TestDataset\n\n\n"
            "def get_dataset(config, split):\n"
            '    if split == "test":\n        return TestDataset(config["root"])\n'
            '    if config.get("small"):\n        return SmallDataset(config["root"], split)\n'
            '    return DefaultDataset(config["root"], split)\n'
        ),
        "datasets/default.py": (
            "import os\n\n\nclass DefaultDataset:\n    def __init__(self, root, split):\n"
            "        folder = os.path.join(root, split)\n"
            "        self.images = sorted(os.listdir(folder)) if os.path.isdir(folder) else []\n\n"
            "    def __len__(self):\n        return len(self.images)\n"
        ),
        "datasets/small.py": (
            "from datasets.default import DefaultDataset\n\n\n"
            "class SmallDataset(DefaultDataset):\n    def __init__(self, root, split):\n"
            "        super().__init__(root, split)\n        self.images = self.images[:100]\n"
        ),
        "datasets/test.py": (
            "import os\n\n\nclass TestDataset:\n    def __init__(self, root):\n"
            '        folder = os.path.join(root, "test")\n'
            "        self.images = sorted(os.listdir(folder)) if os.path.isdir(folder) else []\n"
        ),
        "train.py": trainer(
            "on a dataset",
            "from datasets.dataset_factory import get_dataset",
            'print(len(get_dataset({"root": "input"}, "train")))',
        ),
    },
    # R22 (bearpaw): a utils/ package one of whose files uses x.cuda(async=True), a syntax
    # error since Python 3.7, imported by the package's __init__ and by two root scripts.
    # After (no --modernize): all-or-nothing. Either the whole component (utils/ and its
    # importers) stays as it is, or adopt stops naming gpu.py; never a moved utils/ without
    # gpu.py, nor moved scripts pointing at an unmoved utils.
    "utils-package-python2-async": {
        "utils/__init__.py": "from .gpu import to_gpu\nfrom .meters import AverageMeter\n",
        "utils/meters.py": (
            "class AverageMeter:\n    def __init__(self):\n"
            "        self.sum, self.count = 0.0, 0\n\n"
            "    def update(self, value, n=1):\n        self.sum += value * n\n"
            "        self.count += n\n\n    @property\n    def avg(self):\n"
            "        return self.sum / max(self.count, 1)\n"
        ),
        "utils/gpu.py": (
            "import torch\n\n\ndef to_gpu(batch):\n    if torch.cuda.is_available():\n"
            "        return [x.cuda(async=True) for x in batch]\n    return batch\n"
        ),
        "cifar.py": trainer(
            "on CIFAR",
            "from utils import AverageMeter, to_gpu",
            "print(AverageMeter().avg, to_gpu([]))",
        ),
        "imagenet.py": trainer(
            "on ImageNet", "from utils import AverageMeter", "print(AverageMeter().avg)"
        ),
    },
    # Kaggle feature scripts (R6's [0] names): file names with brackets, a glob character
    # class. feat_s_2.py is what the bracketed name matches as a pattern. After: the bracketed
    # scripts stay at the root (not module names) with their import of features rewritten;
    # feat_s_2.py is neither touched in their place nor mistaken for them.
    "bracketed-file-names": {
        "features.py": (
            "def svd_features(rows, k=2):\n    return [row[:k] for row in rows]\n\n\n"
            "def bow_features(texts):\n    return [len(t.split()) for t in texts]\n"
        ),
        "feat_[svd_and_bow]_[v2].py": (
            "from features import bow_features, svd_features\n\n"
            'print(svd_features([[1, 2, 3]]), bow_features(["a b"]))\n'
        ),
        "feat_[svd_and_bow]_[v1].py": (
            "from features import svd_features\n\nprint(svd_features([[1, 2]], k=1))\n"
        ),
        "feat_s_2.py": 'import features\n\nprint(features.bow_features(["x"]))\n',
        "preds_[v2].csv": "id,target\n1,0.5\n",
    },
    # R14 (tkipf/gcn): an existing package directory keeps pickled splits (protocol 2, from
    # Python 2 days, >100 KB) in its data/, which its loader opens beside itself (__file__).
    # After: they are data, not weights: out of git, registered with meta.kind "data" under
    # unique names (split_fold_x, ...), adopt does not stop over them, and the report says the
    # loader that opens them beside the package must now download them first.
    "pickled-data-in-package": {
        "planetoid/__init__.py": "from .loader import load_fold\n",
        "planetoid/loader.py": (
            "import os\nimport pickle\n\n"
            'DATA_DIR = os.path.join(os.path.dirname(__file__), "data")\n\n\n'
            "def load_fold(name):\n    parts = {}\n"
            '    for suffix in ("x", "tx", "allx"):\n'
            '        with open(os.path.join(DATA_DIR, f"{name}.fold.{suffix}"), "rb") as f:\n'
            '            parts[suffix] = pickle.load(f, encoding="latin1")\n'
            "    return parts\n"
        ),
        "planetoid/data/citeseer.fold.x": pickled(14_000),
        "planetoid/data/citeseer.fold.tx": pickled(12_000),
        "planetoid/data/citeseer.fold.allx": pickled(20_000),
        "train.py": trainer(
            "a GCN", "from planetoid import load_fold", 'print(sorted(load_fold("citeseer")))'
        ),
    },
    # R9 (severstal, already packaged): setup.py with find_packages(exclude=["tests"]) and
    # install_requires, the package steelseg/, tests and a notebook importing it. After: the
    # import name stays steelseg (no <repo-name>/ package, no steelseg/steelseg), its
    # requirements are in [project.dependencies], tests and the notebook still import it.
    "setup-py-package": {
        "setup.py": STEELSEG_SETUP,
        "steelseg/__init__.py": '"""Steel defect segmentation."""\n',
        "steelseg/model.py": TORCH_NET.format(name="SegModel"),
        "steelseg/transforms.py": "def flip(image):\n    return image[::-1]\n",
        "steelseg/data_loader.py": (
            "from steelseg.transforms import flip\n\n\nclass SteelDataset:\n"
            "    def __init__(self, images):\n        self.images = [flip(i) for i in images]\n"
        ),
        "tests/test_model.py": (
            "from steelseg.model import SegModel\n\n\ndef test_model_builds():\n"
            "    assert SegModel(3).conv.in_channels == 3\n"
        ),
        "notebooks/explore.ipynb": NOTEBOOK_IMPORTING.format(
            source="from steelseg.data_loader import SteelDataset"
        ),
        "train.py": trainer(
            "the segmentation model", "from steelseg.model import SegModel", "print(SegModel())"
        ),
    },
    # F26: the src layout: setup.py with package_dir={"": "src"} and find_packages("src"),
    # relative imports inside src/inpaint/, a config file beside the code, and scripts that
    # put src/ on sys.path (one from its own directory, one from the working directory).
    # After: the package is still inpaint (moved up to the root, the template's layout, where
    # torch.hub finds it), its data file ships, the distribution name is setup.py's, and the
    # scripts import it unchanged.
    "setup-py-src-layout": {
        "setup.py": (
            "from setuptools import find_packages, setup\n\nsetup(\n"
            '    name="inpaint-gan",\n    version="0.3.1",\n    package_dir={"": "src"},\n'
            '    packages=find_packages("src"),\n    package_data={"inpaint": ["defaults.yaml"]},\n'
            '    install_requires=["torch>=1.4", "pyyaml"],\n)\n'
        ),
        "src/inpaint/__init__.py": "from .models.generator import Generator\n",
        "src/inpaint/defaults.yaml": "channels: 48\n",
        "src/inpaint/models/__init__.py": "",
        "src/inpaint/models/generator.py": (
            "from ..ops import gated\n\n\nclass Generator:\n    def __init__(self, width=48):\n"
            "        self.conv = gated(3, width)\n"
        ),
        "src/inpaint/ops.py": "def gated(cin, cout):\n    return (cin, cout)\n",
        "scripts/train.py": (
            "import os\nimport sys\n\n"
            'sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))\n\n'
            "from inpaint import Generator  # noqa: E402\n"
            "from inpaint.ops import gated  # noqa: E402\n\nprint(Generator(), gated(1, 2))\n"
        ),
        "demo.py": (
            'import sys\n\nsys.path.append("src")\nfrom inpaint import Generator\n\nGenerator()\n'
        ),
    },
    # F27: a Poetry project: name, version, authors, dependencies and a console script (an
    # object, as typer's app is) in [tool.poetry] with caret constraints, built by poetry-core.
    # After: [project] carries them (lower bounds, the script in [project.scripts],
    # Python from "^3.9"), the template's backend builds it, the package keeps its name.
    "poetry-package": {
        "pyproject.toml": (
            '[tool.poetry]\nname = "segkit"\nversion = "0.4.0"\ndescription = "Segmentation kit"\n'
            'authors = ["Ada Lovelace <ada@example.org>"]\n\n[tool.poetry.dependencies]\n'
            'python = "^3.10"\ntorch = "^2.0"\n\n[tool.poetry.scripts]\n'
            'segkit-train = "segkit.cli:app"\n\n[build-system]\n'
            'requires = ["poetry-core>=1.0.0"]\nbuild-backend = "poetry.core.masonry.api"\n'
        ),
        "segkit/__init__.py": '"""Segmentation kit."""\n\nfrom .net import Net\n',
        "segkit/net.py": TORCH_NET.format(name="Net"),
        "segkit/cli.py": POETRY_CLI.replace("lyrics_tagger.model", "segkit.net").replace(
            "MoodNet", "Net"
        ),
        "demo.py": "from segkit import Net\n\nprint(Net(3))\n",
    },
    # R14 (gcn, 2016): an old setup.py whose package keeps data files inside the package
    # directory (package_data), and a train.py inside the package that trains at import.
    # After: the package stays gcnlite; README and data/*.txt ship in the wheel; gcnlite.train
    # is no console script.
    "setup-py-package-data": {
        "setup.py": GCNLITE_SETUP,
        "gcnlite/__init__.py": (
            "from __future__ import division\nfrom __future__ import print_function\n"
        ),
        "gcnlite/README": "Cora, as split by the paper.\n",
        "gcnlite/data/cora.content.txt": "".join(
            f"{i}\t1\t0\t1\tNeural_Networks\n" for i in range(50)
        ),
        "gcnlite/data/cora.cites.txt": "".join(f"{i}\t{(i * 7) % 50}\n" for i in range(50)),
        "gcnlite/utils.py": (
            "import os\n\n\ndef load_data(name):\n"
            '    path = os.path.join(os.path.dirname(__file__), "data", name + ".content.txt")\n'
            "    with open(path) as f:\n        return [line.split() for line in f]\n"
        ),
        "gcnlite/layers.py": (
            "class GraphConvolution:\n    def __init__(self, units):\n        self.units = units\n"
        ),
        "gcnlite/models.py": (
            "from gcnlite.layers import *\n\n\nclass GCN:\n    def __init__(self, hidden=16):\n"
            "        self.layers = [GraphConvolution(hidden), GraphConvolution(7)]\n"
        ),
        "gcnlite/train.py": (
            "from gcnlite.models import GCN\nfrom gcnlite.utils import load_data\n\n"
            'features = load_data("cora")\nmodel = GCN()\nprint(len(features), len(model.layers))\n'
        ),
    },
    # R9, R17: the only readme is README.rst. After: pyproject.toml's readme is README.rst
    # (twine check --strict renders it), and its text is kept.
    "readme-rst-only": {
        "README.rst": (
            "Kaggle DSTL: satellite imagery\n==============================\n\n"
            "Our solution.\n\nTraining\n--------\n\n.. code-block:: bash\n\n"
            "    python train.py --epochs 10\n"
        ),
        "utils.py": UTILS,
        "train.py": TRAIN.replace("from models import Unet\n", "")
        .replace("    model = build_model(3)\n", "    model = None\n")
        .replace("def build_model(channels):\n    return Unet(channels)\n\n\n", ""),
    },
    # The MIT licence text in MIT-LICENSE, not LICENSE (adopted with no license answer).
    # After: the licence is recognised (MIT in the metadata, the file named in license-files)
    # and ml-publish check passes without anyone picking a licence.
    "mit-license-file": {
        "MIT-LICENSE": MIT_TEXT,
        "utils.py": UTILS,
        "predict.py": trainer("nothing: it predicts", "import utils", "utils.seed_everything(0)"),
    },
    # R2, R13: Python 2 files (print statements, except E, e:, iteritems(), integer division,
    # a tab-indented line among spaces), adopted with --modernize (SHAPE_OPTIONS). After: they
    # are Python 3 (every def and string kept), move and import each other through <pkg>.
    "python2-modernize": {"utils.py": PY2_UTILS, "train.py": PY2_TRAIN},
    # R1, R29: a root package config/ whose __init__.py defines the settings (config is also
    # a PyPI name). After: config/ moves to <pkg>/config/ and every import config / from
    # config import is rewritten, in moved files and in scripts that stay.
    "config-package": {
        "config/__init__.py": (
            'import os\n\nDATA_DIR = os.environ.get("DATA_DIR", "input")\nIMAGE_SIZE = 256\n'
            "BATCH_SIZE = 16\nFOLDS = 5\n\n\nclass TrainConfig:\n    lr = 3e-4\n    epochs = 30\n"
        ),
        "dataset.py": (
            "import config\n\n\nclass Folds:\n    def __init__(self):\n"
            "        self.n = config.FOLDS\n        self.root = config.DATA_DIR\n"
        ),
        "train.py": trainer(
            "with the config",
            "from config import BATCH_SIZE, TrainConfig\nfrom dataset import Folds",
            "print(BATCH_SIZE, TrainConfig.lr, Folds().n)",
        ),
        "make_folds.py": "import config\n\nprint(list(range(config.FOLDS)))\n",
    },
    # F1 (R1, R19, R26, R29): dotted imports into models/, which has no __init__.py. After:
    # both imports point at <pkg>.models.*, and <pkg>.models.unet imports from the wheel.
    "namespace-dotted-import": {
        "train.py": trainer("the U-Net", "from models.unet import UNet", "print(UNet().blocks)"),
        "models/unet.py": (
            "from models.blocks import Block\n\n\nclass UNet:\n    def __init__(self, depth=4):\n"
            "        self.blocks = [Block(2**i) for i in range(depth)]\n"
        ),
        "models/blocks.py": (
            "class Block:\n    def __init__(self, width):\n        self.width = width\n"
        ),
    },
    # F2 (R1, R19): params.py parses arguments at import; utils.py has only a __main__ demo;
    # lib.py imports both and train.py imports lib. After: params.py and utils.py move with
    # lib.py (or adopt stops naming them); no moved file keeps a bare import of a root file.
    "params-at-import": {
        "params.py": (
            "import argparse\n\nparser = argparse.ArgumentParser()\n"
            'parser.add_argument("--fold", type=int, default=0)\n'
            'parser.add_argument("--lr", type=float, default=1e-3)\n'
            "args = parser.parse_args()\n"
        ),
        "utils.py": (
            "def smooth(lr, step):\n    return lr / (1 + step)\n\n\n"
            'if __name__ == "__main__":\n    print(smooth(0.1, 10))\n'
        ),
        "lib.py": (
            "from params import args\nfrom utils import smooth\n\n\n"
            "def schedule(step):\n    return smooth(args.lr, step)\n"
        ),
        "train.py": (
            "import lib\n\n\ndef main():\n    print(lib.schedule(10))\n\n\n"
            'if __name__ == "__main__":\n    main()\n'
        ),
    },
    # F3 (R1, R16, R19, R26): a root utils.py and two team subtrees, each with its own
    # utils.py and train.py; team a also has models/net.py without __init__.py. After: each
    # team's imports point at its own team's modules (three distinct utils), and two train.py
    # files do not fight over one console script.
    "subtrees-and-root-utils": {
        "utils.py": "def root_fn():\n    return 'root'\n",
        "blend.py": "from utils import root_fn\n\nprint(root_fn())\n",
        "team_a/utils.py": "def a_fn():\n    return 'a'\n",
        "team_a/models/net.py": "class Net:\n    depth = 18\n",
        "team_a/train.py": trainer(
            "team a's net",
            "from models.net import Net\nfrom utils import a_fn",
            "print(a_fn(), Net.depth)",
        ),
        "team_b/utils.py": "def b_fn():\n    return 'b'\n",
        "team_b/train.py": trainer("team b's net", "from utils import b_fn", "print(b_fn())"),
    },
    # F4 (R2, R11, R15, R20): names travel through a chain of star imports (utils/__init__.py
    # re-exports .file and .metric; train.py star-imports utils and uses torch and os from
    # it). After: train.py star-imports <pkg>.utils, the stars stay (no autofix), it runs.
    "star-import-chain": {
        "utils/__init__.py": "from .file import *\nfrom .metric import *\n",
        "utils/file.py": (
            "import os\n\nimport torch\n\n\ndef read_ids(folder):\n"
            "    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []\n"
        ),
        "utils/metric.py": (
            "import torch\n\n\ndef metric_fn(pred, truth):\n"
            "    return float((torch.as_tensor(pred) == torch.as_tensor(truth)).float().mean())\n"
        ),
        "train.py": trainer(
            "with stars",
            "from utils import *",
            "print(metric_fn(torch.ones(2), torch.ones(2)), read_ids(os.curdir), args.epochs)",
        ),
    },
    # F7 (R6, R12, R13, R26): sys.path hacks: tools/_init_paths.py inserts ../lib (from
    # __file__), samples/coco/coco.py appends abspath("../../") (cwd-relative), and
    # src/run/train.py inserts "..". After: each import resolves to the file the hack meant,
    # through <pkg>; the hacks are reported, not deleted, and import _init_paths is kept.
    "sys-path-hacks": {
        "lib/model/__init__.py": "",
        "lib/model/utils/__init__.py": "",
        "lib/model/utils/config.py": 'cfg = {"TRAIN": {"LR": 0.001, "BATCH": 2}}\n',
        "tools/_init_paths.py": (
            "import os.path as osp\nimport sys\n\n\ndef add_path(path):\n"
            "    if path not in sys.path:\n        sys.path.insert(0, path)\n\n\n"
            'this_dir = osp.dirname(__file__)\nadd_path(osp.join(this_dir, "..", "lib"))\n'
        ),
        "tools/train_net.py": trainer(
            "Faster R-CNN",
            "import _init_paths  # noqa: F401\nfrom model.utils.config import cfg",
            'print(cfg["TRAIN"]["LR"])',
        ),
        "mrcnn/__init__.py": "",
        "mrcnn/utils.py": "class Dataset:\n    def __init__(self):\n        self.image_ids = []\n",
        "samples/coco/coco.py": (
            'import os\nimport sys\n\nROOT_DIR = os.path.abspath("../../")\n'
            "sys.path.append(ROOT_DIR)\nfrom mrcnn import utils  # noqa: E402\n\n\n"
            "class CocoDataset(utils.Dataset):\n    pass\n\n\n"
            'if __name__ == "__main__":\n    print(CocoDataset().image_ids)\n'
        ),
        "src/utils/common.py": "def seed(value):\n    return value % 2**32\n",
        "src/run/train.py": (
            'import sys\n\nsys.path.insert(0, "..")\n'
            "from utils.common import seed  # noqa: E402\n\nprint(seed(42))\n"
        ),
    },
    # F13 (R5, R11, R20, R34 fork, R4 fork): modules named like the standard library: test.py
    # (evaluate() and a __main__ block), a package code/, selectors.py, all imported by
    # train.py. After: the three move under <pkg> and the imports are rewritten; a bare
    # `from test import evaluate` left anywhere would find the standard library's test.
    "stdlib-named-modules": {
        "test.py": (
            "def evaluate(preds, labels):\n"
            "    return sum(p == t for p, t in zip(preds, labels)) / max(len(labels), 1)\n\n\n"
            'if __name__ == "__main__":\n    print(evaluate([1, 0], [1, 1]))\n'
        ),
        "code/__init__.py": '"""The network."""\n',
        "code/net.py": "class Net:\n    layers = 4\n",
        "selectors.py": "def hardest(losses, k):\n    return sorted(losses, reverse=True)[:k]\n",
        "train.py": trainer(
            "with stdlib names",
            "import selectors\nfrom code.net import Net\nfrom test import evaluate",
            "print(evaluate([1], [1]), Net.layers, selectors.hardest([1, 2], 1))",
        ),
    },
    # F14 case b (R26): config/config.py (no __init__.py) star-imported as config.config.
    # After: `from <pkg>.config.config import *`, not <pkg>.config; the star stays.
    "config-dir-star-import": {
        "config/config.py": (
            "import socket\n\nHOSTNAME = socket.gethostname()\n"
            'DATA_DIR = "/data4/protein" if HOSTNAME == "gpu-box" else "./input"\n'
            "NUM_CLASSES = 28\n"
        ),
        "train.py": trainer(
            "on proteins", "from config.config import *", "print(DATA_DIR, NUM_CLASSES)"
        ),
    },
    # F24 (pip #288, #5856): real symbolic links: models/alias.py -> real.py inside a
    # directory that moves, configs/base.yaml -> ../shared/base.yaml in one that stays, and
    # data -> an absolute path outside the repository holding code and a checkpoint. After:
    # the walker never follows data (nothing outside is moved, tracked or registered), the
    # moved relative link still resolves, and the wheel has a real alias module.
    "symlinks": {
        "models/__init__.py": "from .real import Net\n",
        "models/real.py": "class Net:\n    width = 64\n",
        "models/alias.py": Symlink("real.py"),
        "shared/base.yaml": "lr: 0.001\n",
        "configs/base.yaml": Symlink("../shared/base.yaml"),
        "../symlinks-outside/shard.py": "print('outside the repository')\n",
        "../symlinks-outside/best.pth": b"PK\x03\x04" + bytes(200_000),
        "data": Symlink("../symlinks-outside", absolute=True),
        "train.py": trainer("through a link", "from models.alias import Net", "print(Net.width)"),
    },
    # F19 (R3, R4, R6, R8, R28): committed junk and snapshot copies: .pyc files, a
    # .ipynb_checkpoints copy of train.py, train.py.orig, and logs/<run>/code/ holding an
    # older copy of the code. After: only utils.py, train.py and models/ move; the copies are
    # neither moved nor taken as a second definer of utils or train; .pyc files never ship.
    "committed-junk-and-snapshots": {
        "utils.py": UTILS,
        "models/__init__.py": "",
        "models/resnet.py": "def resnet18(classes=10):\n    return ['conv'] * 18 + [classes]\n",
        "models/resnet.pyc": b"\x33\x0d\x0d\x0a" + bytes(12) + b"\xe3junk",
        "__pycache__/utils.cpython-36.pyc": b"\x33\x0d\x0d\x0a" + bytes(12) + b"\xe3junk",
        "train.py": trainer(
            "a ResNet",
            "from models.resnet import resnet18\nfrom utils import seed_everything",
            "seed_everything(0)\n    print(resnet18())",
        ),
        "train.py.orig": "from utils import seed_everything\n\nseed_everything(1)\n",
        ".ipynb_checkpoints/train-checkpoint.py": ("from utils import old_seed\n\nold_seed(1)\n"),
        "logs/exp 1 dice 0.75/code/utils.py": "def old_seed(seed):\n    return seed\n",
        "logs/exp 1 dice 0.75/code/models/__init__.py": "",
        "logs/exp 1 dice 0.75/code/models/resnet.py": "def resnet18():\n    return ['conv'] * 18\n",
        "logs/exp 1 dice 0.75/code/train.py": (
            "from models.resnet import resnet18\nfrom utils import old_seed\n\n"
            "old_seed(0)\nprint(resnet18())\n"
        ),
    },
    # F25: text the template's other pre-commit hooks fail, as most real repositories have it:
    # a README in setext/``*`` style with typos and a Python 2 code block, a Windows-edited
    # trainer (CRLF) with a debugger call, a blanket noqa and a type comment, a YAML file with
    # a duplicated key, a requirements file without its last newline, notes with trailing
    # spaces and the author's own CI workflow. After: the project's own pre-commit run passes,
    # each of these files excluded from exactly the hooks it fails, and nothing is rewritten.
    "messy-text-files": {
        "README.md": (
            "Road Segmentation\n=================\n\nOur model for teh road masks.  \n\n"
            "* train: `python train.py`\n* predict\n\nUsage\n-----\n\n"
            '```python\nprint "loading"\nmodel = load("best.pth")\n```\n\n'
            "1) download\n2) train\n\nWe recieve the data from the organisers."
        ),
        "train.py": (
            "import argparse\r\n\r\nfrom utils import seed_everything\r\n\r\n\r\n"
            "def main():\r\n    parser = argparse.ArgumentParser()\r\n"
            '    parser.add_argument("--epochs", type=int, default=3)  # noqa\r\n'
            "    args = parser.parse_args()\r\n    seed_everything(0)\r\n"
            "    epochs = args.epochs  # type: int\r\n"
            "    if epochs < 0:\r\n        import pdb\r\n\r\n        pdb.set_trace()\r\n"
            '    print("trainning for", epochs)\r\n\r\n\r\n'
            'if __name__ == "__main__":\r\n    main()\r\n'
        ).encode(),
        "utils.py": UTILS,
        "configs/unet.yaml": "model:\n  name: unet\n  name: unet_v2\nlr: 0.001\n",
        "requirements.txt": "numpy\npandas",
        "notes.txt": "fold 3 was the best   \nLB 0.871\n",
        "docs/ideas.md": "# Ideas\n\n+ mixup\n+ bigger encoder\n",
        ".github/workflows/tests.yml": (
            "name: tests\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v2\n      - run: pip install -r requirements.txt\n"
        ),
    },
    **LAYOUT_SHAPES,
    **METADATA_SHAPES,
    **TOOLING_SHAPES,
}

SHAPES.update(COMMAND_SHAPES)  # commands naming moved scripts, generic names, emptied directories
SHAPES.update(KAGGLE_SHAPES)  # Kaggle solutions: src/ run as modules, a 2022 pre-commit config
SHAPES.update(OPENMMLAB_SHAPES)  # a paper repository on OpenMMLab's tools/ and configs/ layout
SHAPES.update(THESIS_SHAPES)  # a thesis beside numbered experiments; a Lightning project
SHAPES.update(DETECT_SHAPES)  # a YOLOv5 fork with its own hubconf.py; a Windows-written solution

# adopt's keyword arguments for a shape, over the default answers={"license": "MIT"}.
SHAPE_OPTIONS: dict[str, dict[str, object]] = {
    "python2-modernize": {"modernize": True},
    "mit-license-file": {"answers": {}},
    **LAYOUT_OPTIONS,
}
# The package a shape must be adopted into, when it already names one.
SHAPE_PACKAGES = {
    "setup-py-package": "steelseg",
    "setup-py-package-data": "gcnlite",
    "setup-py-src-layout": "inpaint",
    "poetry-package": "segkit",
    **LAYOUT_PACKAGES,
    **METADATA_PACKAGES,
    **OPENMMLAB_PACKAGES,
}
# Files the wheel must carry (the end of a member's path), beyond the Python modules.
SHAPE_WHEEL_FILES = {
    "setup-py-src-layout": ("inpaint/defaults.yaml",),
    "setup-py-package-data": (
        "gcnlite/README",
        "gcnlite/data/cora.content.txt",
        "gcnlite/data/cora.cites.txt",
    ),
}


def write_abandoned_repository(root: Path, shapes: Iterable[str]) -> Path:
    """Write the files of ``shapes`` (FEATURES or SHAPES) under ``root`` and commit them to a
    new git repository; symbolic links are committed as links."""
    files = {
        name: content for shape in shapes for name, content in {**FEATURES, **SHAPES}[shape].items()
    }
    write_repository(root, {n: c for n, c in files.items() if not isinstance(c, Symlink)})
    for name, link in files.items():
        if isinstance(link, Symlink):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            target = os.path.abspath(root / link.target) if link.absolute else link.target
            os.symlink(target, root / name)
    git = ["git", "-C", str(root), "-c", "user.name=Kaggler", "-c", "user.email=k@example.com"]
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    subprocess.run([*git, "add", "--all", "--force"], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "final submission"], check=True)
    return root


# How snapshot records a symbolic link: its target, not what it points at.
LINK = b"symlink -> "


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (links as their targets, never followed) and git's view
    of it (HEAD, status, the index)."""
    files = {}
    for directory, subdirs, names in os.walk(root):
        here = Path(directory)
        subdirs[:] = [d for d in subdirs if not (here == root and d == ".git")]
        for name in [*names, *(d for d in subdirs if (here / d).is_symlink())]:
            path = here / name
            data = LINK + os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
            files[str(path.relative_to(root))] = data
    for command in (["rev-parse", "HEAD"], ["status", "--porcelain"], ["ls-files", "--stage"]):
        files[f"git {command[0]}"] = run(["git", *command], cwd=root).stdout.encode()
    return dict(sorted(files.items()))
