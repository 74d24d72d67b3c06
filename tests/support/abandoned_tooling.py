"""Abandoned repositories that bring their own tooling: shapes adopt has to bring forward.

Merged into SHAPES of tests/support/abandoned_repos.py, so each goes through the per-shape
acceptance test (check, twine check, the repository's own pre-commit run, a second adopt).
Our own small files, shaped like real repositories where adopt left the tooling red.
"""

from __future__ import annotations

from collections.abc import Mapping

# 2019: a bare list of repositories pinned with sha:, black where it lived then (19.3b0, on a
# Python long gone), flake8 on GitLab at a bare hash, isort's mirror, no weights guard.
OLD_PRE_COMMIT_CONFIG = """\
# Lint before every commit: pip install pre-commit && pre-commit install
-   repo: https://github.com/pre-commit/pre-commit-hooks
    sha: v2.2.3
    hooks:
    -   id: trailing-whitespace
    -   id: end-of-file-fixer
    -   id: check-yaml
    -   id: check-merge-conflict
-   repo: https://github.com/ambv/black
    sha: 19.3b0
    hooks:
    -   id: black
        language_version: python3.7
-   repo: https://gitlab.com/pycqa/flake8
    sha: 9f81c2b3bd1e0f6c1a7ef1dd1d3c5e2a9e8e0a37
    hooks:
    -   id: flake8
-   repo: https://github.com/pre-commit/mirrors-isort
    sha: v4.3.21
    hooks:
    -   id: isort
"""
DATASET = """\
import random
import os

import numpy as np


def list_images(folder):
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def shuffled(items, seed=0):
    random.Random(seed).shuffle(items)
    return np.asarray(items)
"""
TRAIN = """\
import argparse

from dataset import list_images, shuffled


def main():
    parser = argparse.ArgumentParser(description="train the retina model")
    parser.add_argument("--data", default="input")
    args = parser.parse_args()
    print(len(shuffled(list_images(args.data))))


if __name__ == "__main__":
    main()
"""
MODEL = """\
class RetinaNet:
    def __init__(self, classes=5):
        self.classes = classes
"""
# An author's leftover of a merge: the model before and after, both sides still marked.
MODEL_ORIG = """\
class RetinaNet:
<<<<<<< HEAD
    def __init__(self, classes=5):
=======
    def __init__(self, classes=5, dropout=0.2):
>>>>>>> focal-loss
        self.classes = classes
"""
# A half-resolved results table: one conflict fixed, one left.
RESULTS = """\
# Results

| fold | dice |
|------|------|
<<<<<<< HEAD
| 0    | 0.81 |
=======
| 0    | 0.83 |
>>>>>>> tta
"""

TOOLING_SHAPES: Mapping[str, Mapping[str, str]] = {
    # R: its own 2019 tooling: the configuration above, black at 100 in pyproject.toml and
    # flake8 at 120 in its own .flake8, isort's settings in setup.cfg. After: the configuration
    # is brought forward (migrated, new homes, the template's revisions, the ml-publish hooks),
    # flake8 allows black's 100, and check and the repository's own pre-commit run pass.
    "own-outdated-tooling": {
        ".pre-commit-config.yaml": OLD_PRE_COMMIT_CONFIG,
        "pyproject.toml": "[tool.black]\nline-length = 100\n",
        ".flake8": "[flake8]\nmax-line-length = 120\nexclude = .git,__pycache__\n",
        "setup.cfg": (
            "[isort]\nline_length = 100\nmulti_line_output = 3\ninclude_trailing_comma = True\n"
            "force_grid_wrap = 0\nuse_parentheses = True\n"
        ),
        "dataset.py": DATASET,
        "train.py": TRAIN,
        "requirements.txt": "numpy>=1.16\n",
        "README.md": "# Retina\n\nOur solution for diabetic retinopathy detection.\n",
    },
    # R: committed conflict markers: a model.py.orig leftover and a half-resolved Markdown
    # table. After: both are recorded for TPL103 and kept off check-merge-conflict; the code
    # is adopted as usual.
    "committed-conflict-markers": {
        "model.py": MODEL,
        "model.py.orig": MODEL_ORIG,
        "train.py": TRAIN.replace(
            "from dataset import list_images, shuffled", "from model import RetinaNet"
        ).replace(
            "print(len(shuffled(list_images(args.data))))", "print(args.data, RetinaNet().classes)"
        ),
        "docs/results.md": RESULTS,
    },
}
