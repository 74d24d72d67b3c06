"""Synthetic abandoned ML repositories: the shapes ``ml-publish adopt`` has to rescue.

Each feature is a set of files; a fixture is any combination of features, written to a
directory and committed to a fresh git repository the way its author left it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from tests.support.processes import run
from tests.support.tiny_repos import write_repository

Files = Mapping[str, "str | bytes"]

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


def write_abandoned_repository(root: Path, features: Iterable[str]) -> Path:
    """Write the files of ``features`` under ``root`` and commit them to a new git repository."""
    files = {name: content for feature in features for name, content in FEATURES[feature].items()}
    write_repository(root, files)
    git = ["git", "-C", str(root), "-c", "user.name=Kaggler", "-c", "user.email=k@example.com"]
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    subprocess.run([*git, "add", "--all", "--force"], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "final submission"], check=True)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree and git's view of it (HEAD, status, the index)."""
    files = {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }
    for command in (["rev-parse", "HEAD"], ["status", "--porcelain"], ["ls-files", "--stage"]):
        files[f"git {command[0]}"] = run(["git", *command], cwd=root).stdout.encode()
    return files
