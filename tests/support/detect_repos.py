"""A YOLOv5-shaped detection fork and a Kaggle solution written on Windows: acceptance shapes.

Merged into SHAPES of tests/support/abandoned_repos.py, so each goes through the per-shape
acceptance test (nothing lost, documented commands, wheel, imports, check, the repository's own
pre-commit run, a second adopt). Our own small files in the shapes where adopt went wrong:

- ``yolo-fork``: top-level ``train.py``/``detect.py``/``val.py`` (``train.py`` imports ``val``),
  ``models/`` and ``utils/`` packages found through ``sys.path.append(ROOT)``, the author's own
  ``hubconf.py`` (custom entry points, no ml-publish header) beside a committed ``weights/best.pt``
  that adopt registers, a ``setup.cfg`` whose ``[flake8]`` ignore list has a comment after each
  code (flake8 6 and later stop on those), and a Colab tutorial that clones and ``%cd``s into
  the clone before ``!python val.py``.
- ``windows-kaggle``: ``src/`` modules saved with a UTF-8 byte order mark and CRLF line
  endings, a ``requirements.txt`` that PowerShell's ``pip freeze >`` wrote in UTF-16, a
  ``.gitignore`` with CRLF endings and a committed fold checkpoint, a ``train.bat`` and a
  ``run.cmd`` (cmd.exe's continuations, ``%~dp0``, ``cd /d``), a README and a notebook whose
  commands name ``src\\train.py``.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Mapping

YOLO_ROOT_BLOCK = """\
import os
import sys
from pathlib import Path

FILE = Path(__file__).resolve()
ROOT = FILE.parents[0]  # root directory
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # add ROOT to PATH
ROOT = Path(os.path.relpath(ROOT, Path.cwd()))  # relative
"""

YOLO_COMMON = """\
import torch.nn as nn

from utils.general import make_divisible


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, make_divisible(c2, 8), k, bias=False)

    def forward(self, x):
        return self.conv(x)
"""

YOLO_MODEL = """\
import torch.nn as nn

from models.common import Conv


class DetectionModel(nn.Module):
    def __init__(self, nc=3):
        super().__init__()
        self.model = nn.Sequential(Conv(3, 16, 3), nn.Conv2d(16, (nc + 5) * 3, 1))

    def forward(self, x):
        return self.model(x)


Model = DetectionModel  # retain the 'Model' name for old checkpoints
"""

YOLO_GENERAL = """\
import math


def make_divisible(x, divisor):
    return math.ceil(x / divisor) * divisor
"""

YOLO_VAL = f'''\
"""Validate a trained model.  Usage: python val.py --weights weights/best.pt"""
import argparse

{YOLO_ROOT_BLOCK}
from models.yolo import Model


def run(weights=ROOT / "weights/best.pt", model=None):
    model = model or Model()
    return 0.0


def parse_opt():
    parser = argparse.ArgumentParser()
    parser.add_argument("--weights", type=str, default=ROOT / "weights/best.pt")
    return parser.parse_args()


def main(opt):
    run(**vars(opt))


if __name__ == "__main__":
    opt = parse_opt()
    main(opt)
'''

YOLO_TRAIN = f'''\
"""Train.  Usage: python train.py --data data/ships.yaml"""
import argparse

{YOLO_ROOT_BLOCK}
import val as validate  # for end-of-epoch mAP
from models.yolo import Model


def parse_opt():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=str, default=ROOT / "data/ships.yaml")
    parser.add_argument("--epochs", type=int, default=3)
    return parser.parse_args()


def main(opt):
    model = Model()
    for _ in range(opt.epochs):
        validate.run(model=model)


if __name__ == "__main__":
    opt = parse_opt()
    main(opt)
'''

# The author's own PyTorch Hub entry points: ml-publish must not write over them.
YOLO_HUBCONF = '''\
"""PyTorch Hub models.

Usage:
    model = torch.hub.load("marta/shipdet", "custom", path="weights/best.pt")
"""

dependencies = ["torch", "yaml"]


def _create(name, pretrained=True, classes=3):
    from models.yolo import Model

    return Model(nc=classes)


def custom(path="path/to/model.pt"):
    return _create(path)


def yolov5s_ships(pretrained=True, classes=3):
    return _create("weights/best.pt", pretrained, classes)
'''

YOLO_SETUP_CFG = """\
# Project-wide configuration file

[metadata]
license_file = LICENSE

[flake8]
max-line-length = 120
exclude = .tox,*.egg,build,temp
select = E,W,F
ignore =
    E731  # Do not assign a lambda expression, use a def
    F405  # name may be undefined, or defined from star imports: module
    E402  # module level import not at top of file
    W504  # line break after binary operator

[isort]
line_length = 120
multi_line_output = 0
"""

YOLO_PRE_COMMIT_CONFIG = """\
default_language_version:
  python: python3.8

repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.3.0
    hooks:
      - id: end-of-file-fixer
      - id: trailing-whitespace
      - id: check-yaml

  - repo: https://github.com/PyCQA/isort
    rev: 5.10.1
    hooks:
      - id: isort
        name: Sort imports

  - repo: https://github.com/PyCQA/flake8
    rev: 5.0.4
    hooks:
      - id: flake8
        name: PEP8
"""


def notebook(*cells: str) -> str:
    """An nbformat 4 notebook of code cells, one JSON string per line as Jupyter writes them."""
    import json

    def code(source: str) -> dict[str, object]:
        lines = source.splitlines(keepends=True)
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": lines}  # fmt: skip

    document = {"cells": [code(c) for c in cells], "metadata": {}, "nbformat": 4,
                "nbformat_minor": 0}  # fmt: skip
    return json.dumps(document, indent=1) + "\n"


YOLO_TUTORIAL = notebook(
    "!git clone https://github.com/marta/shipdet  # clone\n"
    "%cd shipdet\n"
    "%pip install -qr requirements.txt",
    "!python val.py --weights weights/best.pt",
)


def crlf_bom(text: str) -> bytes:
    """Saved by a Windows editor: a UTF-8 byte order mark, CRLF line endings."""
    return codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode()


WIN_DATASET = """\
import numpy as np


class SeedlingDataset:
    def __init__(self, paths):
        self.paths = paths

    def __len__(self):
        return len(np.asarray(self.paths))
"""

WIN_TRAIN = """\
\"\"\"Train one fold.  Usage: python src\\\\train.py --fold 0\"\"\"
import argparse

from dataset import SeedlingDataset


def main():
    parser = argparse.ArgumentParser(description="train one fold")
    parser.add_argument("--fold", type=int, default=0)
    args = parser.parse_args()
    print(len(SeedlingDataset([args.fold])))


if __name__ == "__main__":
    main()
"""

# cmd.exe's own forms: ^ continues a line, %~dp0 is the file's own directory (the root here).
WIN_TRAIN_BAT = r"""@echo off
REM Train every fold: python src\train.py --fold N
set PYTHONPATH=%~dp0src
for /L %%f in (0,1,1) do (
    python src\train.py --fold %%f
)
call python "%~dp0src\train.py" ^
    --fold 0
"""

WIN_RUN_CMD = r"""@echo off
cd /d %~dp0
python src\train.py --fold 1
if errorlevel 1 exit /b 1
"""

WIN_README = r"""# Seedlings

```
python src\train.py --fold 0
train.bat
```
"""

# Run from notebooks/: the commands keep their form and a stand-in runs the moved module.
WIN_NOTEBOOK = notebook("!python ..\\src\\train.py --help", '%run "..\\src\\train.py" --fold 0')


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


WIN_REQUIREMENTS = "numpy==1.23.5\r\ntqdm==4.64.1\r\n"

DETECT_SHAPES: dict[str, Mapping[str, str | bytes]] = {
    "yolo-fork": {
        "train.py": YOLO_TRAIN,
        "val.py": YOLO_VAL,
        "models/__init__.py": "",
        "models/common.py": YOLO_COMMON,
        "models/yolo.py": YOLO_MODEL,
        "utils/__init__.py": "",
        "utils/general.py": YOLO_GENERAL,
        "hubconf.py": YOLO_HUBCONF,
        "setup.cfg": YOLO_SETUP_CFG,
        ".pre-commit-config.yaml": YOLO_PRE_COMMIT_CONFIG,
        "requirements.txt": "torch>=1.7.0  # see https://pytorch.org/get-started/locally/\n",
        "tutorial.ipynb": YOLO_TUTORIAL,
        "weights/best.pt": b"PK\x03\x04" + os.urandom(200 * 1024),
    },
    "windows-kaggle": {
        "src/dataset.py": crlf_bom(WIN_DATASET),
        "src/train.py": crlf_bom(WIN_TRAIN),
        "requirements.txt": codecs.BOM_UTF16_LE + WIN_REQUIREMENTS.encode("utf-16-le"),
        ".gitignore": "input/\r\n*.csv\r\n",
        "train.bat": crlf(WIN_TRAIN_BAT),
        "run.cmd": crlf(WIN_RUN_CMD),
        "README.md": crlf(WIN_README),
        "notebooks/EDA.ipynb": WIN_NOTEBOOK,
        "models/effnet_b0_fold0.pth": b"PK\x03\x04" + os.urandom(200 * 1024),
    },
}
