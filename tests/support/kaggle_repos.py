"""Kaggle competition solutions shaped like the ones users adopt: shapes for the acceptance test.

Merged into SHAPES of tests/support/abandoned_repos.py, so each goes through the per-shape
acceptance test (nothing lost, documented commands still run, wheel, imports, check, the
repository's own pre-commit run, a second adopt). Our own small files, in the layout of
"src/ + configs/ + scripts/*.sh + input/" solutions where adopt left commands and hooks broken.
"""

from __future__ import annotations

from collections.abc import Mapping

# src/ is a package named src, imported as src.x; a yaml-like config read by hand.
SRC_UTILS = """\
import os
import random


def seed_everything(seed=42):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)


def load_config(path):
    cfg = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            if key.strip():
                cfg[key.strip()] = value.strip()
    return cfg
"""
SRC_MODELS = """\
import torch.nn as nn


class LeafNet(nn.Module):
    def __init__(self, n_classes=5):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.head = nn.Linear(8, n_classes)

    def forward(self, x):
        return self.head(self.conv(x).mean((2, 3)))


def build_model(cfg):
    return LeafNet(int(cfg.get("n_classes", 5)))
"""


def src_script(purpose: str, work: str) -> str:
    """A script of src/ run as `python -m src.x` or `PYTHONPATH=. python src/x.py`."""
    return f"""\
import argparse

from src.models import build_model
from src.utils import load_config, seed_everything


def main():
    parser = argparse.ArgumentParser(description="{purpose}")
    parser.add_argument("--config", required=True)
    parser.add_argument("--fold", type=int, default=0)
    args = parser.parse_args()
    cfg = load_config(args.config)
    seed_everything(int(cfg.get("seed", 42)))
    model = build_model(cfg)
    {work}


if __name__ == "__main__":
    main()
"""


# 2022: black's own repository with the author's line length (not the mirror the template
# uses), isort at a tag whose environment no longer builds, flake8 from before 5.
KAGGLE_PRE_COMMIT_CONFIG = """\
repos:
  - repo: https://github.com/psf/black
    rev: 22.3.0
    hooks:
      - id: black
        args: [--line-length=120]
  - repo: https://github.com/PyCQA/isort
    rev: 5.10.1
    hooks:
      - id: isort
        args: [--profile=black, --line-length=120]
  - repo: https://github.com/PyCQA/flake8
    rev: 4.0.1
    hooks:
      - id: flake8
"""
# Written on Windows: CRLF, kept by adopt, also in the sections it appends.
KAGGLE_README = (
    "# Leaf disease, 37th place\r\n\r\nTrain every fold: `sh scripts/run_all.sh`, or one:\r\n\r\n"
    "```bash\r\nPYTHONPATH=. python src/train.py --config configs/exp001.yaml --fold 0\r\n"
    "```\r\n\r\n"
    "Predict:\r\n\r\n```bash\r\npython -m src.infer --config configs/exp001.yaml\r\n```\r\n\r\n"
    "License: MIT\r\n"
)

KAGGLE_SHAPES: dict[str, Mapping[str, str | bytes]] = {
    # A solution whose src/ (with __init__.py) is run as modules from the root by its fold and
    # run-all scripts, by path with PYTHONPATH=. elsewhere. After: src/ is <pkg>/src/, every
    # `python -m src.x` names <pkg>.src.x (it would fail with "No module named src"), the
    # author's psf/black takes the template's black (else PC106 fails), isort a tag that
    # installs, and the CRLF README stays CRLF.
    "kaggle-src-configs-scripts": {
        "src/__init__.py": "",
        "src/utils.py": SRC_UTILS,
        "src/models.py": SRC_MODELS,
        "src/train.py": src_script(
            "Train one fold", "print(sum(p.numel() for p in model.parameters()))"
        ),
        "src/infer.py": src_script("Predict the test set", "print(model.head.out_features)"),
        "configs/base.yaml": "seed: 42\nn_classes: 5\n",
        "configs/exp001.yaml": "seed: 7\nn_classes: 5\nmodel_name: leafnet\n",
        "scripts/train_fold0.sh": (
            "#!/bin/bash\nset -e\npython -m src.train --config configs/exp001.yaml --fold 0\n"
        ),
        "scripts/run_all.sh": (
            "#!/bin/bash\nset -eu\nfor CFG in configs/exp00*.yaml; do\n"
            "    for FOLD in 0 1 2 3 4; do\n"
            "        python -m src.train --config ${CFG} --fold ${FOLD}\n    done\ndone\n"
            "CUDA_VISIBLE_DEVICES=0 python -m src.infer --config configs/exp001.yaml\n"
        ),
        "input/README.md": "Put the competition data here.\n",
        "oof/exp001_oof.csv": "image_id,p0,p1\n1000.jpg,0.25,0.75\n1001.jpg,0.6,0.4\n",
        "requirements.txt": (
            "--extra-index-url https://download.pytorch.org/whl/cu118\ntorch==2.0.1+cu118\n"
        ),
        ".pre-commit-config.yaml": KAGGLE_PRE_COMMIT_CONFIG,
        "setup.cfg": "[flake8]\nmax-line-length = 120\nexclude = .git,__pycache__,input\n",
        "README.md": KAGGLE_README,
    },
}


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


# A Keras competition repository written on Windows: CRLF everywhere, utils.py star-imported by
# the model, the training script and the Kaggle kernel (kernel.py), the best fold's .h5 weights
# committed. Small enough for unit tests (write_repository), not an acceptance-test shape.
KERAS_UTILS = """\
import numpy as np
from keras import backend as K
from keras.layers import *

IMG_SIZE = 101


def dice_coef(y_true, y_pred, smooth=1.0):
    intersection = K.sum(K.flatten(y_true) * K.flatten(y_pred))
    return (2.0 * intersection + smooth) / (K.sum(y_true) + K.sum(y_pred) + smooth)


def rle_encode(mask):
    pixels = np.concatenate([[0], mask.flatten(order="F"), [0]])
    runs = np.where(pixels[1:] != pixels[:-1])[0] + 1
    runs[1::2] -= runs[::2]
    return " ".join(str(x) for x in runs)
"""
KERAS_MODEL = """\
from utils import *
from keras.models import Model


def build_unet(filters=16):
    inputs = Input((128, 128, 1))
    x = Conv2D(filters, (3, 3), activation="relu", padding="same")(inputs)
    outputs = Conv2D(1, (1, 1), activation="sigmoid")(x)
    return Model(inputs, outputs)
"""
KERAS_KERNEL = """\
import os
from utils import *
from model import build_unet

model = build_unet()
if os.path.exists("weights/unet_fold0.h5"):
    model.load_weights("weights/unet_fold0.h5")
"""
KERAS_NOTEBOOK = """\
{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": [
    "%matplotlib inline\\n",
    "from utils import *\\n"
   ]
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 4
}
"""
KERAS_README = """\
TGS Salt
========

Keras U-Net (LB 0.823). Train with ``python train.py 0``, submit with kernel.py.
"""
KERAS_SOLUTION: dict[str, str | bytes] = {
    "utils.py": crlf(KERAS_UTILS),
    "model.py": crlf(KERAS_MODEL),
    "kernel.py": crlf(KERAS_KERNEL),
    "EDA.ipynb": crlf(KERAS_NOTEBOOK),
    "README.rst": crlf(KERAS_README),
    "requirements.txt": crlf("tensorflow==2.4.1\nkeras==2.4.3\nh5py==2.10.0\nnumpy==1.19.5\n"),
    "train.bat": crlf("python train.py 0\npython kernel.py\n"),
    # An HDF5 file's signature, then bytes: what a Keras weights file starts with.
    "weights/unet_fold0.h5": b"\x89HDF\r\n\x1a\n" + bytes(range(256)) * 500,
}
