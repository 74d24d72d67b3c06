"""A paper repository at git's edges (a submodule, symbolic links, executable scripts and a
file name that is not ASCII) and a repository of notebooks only, committed as authors left them.

Our own small files, shaped like point-cloud paper repositories that vendor a CUDA or pure-torch
library as ``third_party/<lib>`` (a git submodule the training script puts on ``sys.path``),
link their data directory to an absolute path on the lab's machines, keep a link to the latest
run that no clone has, and name a script in the authors' language. The submodule is cloned from
a local bare repository written beside the fixture, so no network is needed. The notebooks
are shaped like Kaggle competitors' notebook-only repositories: their code in cells, a helpers
module written by one notebook's ``%%writefile`` cell and imported by the others.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.support.tiny_repos import write_repository

SUBMODULE = "third_party/chamfer3d"
EXECUTABLE = ("train.py", "tools/évaluer.py", "scripts/train.sh")
# link -> target, committed as links: relative to a file, absolute, and broken.
LINKS = {
    "data/shape_names.txt": "../metadata/shape_names.txt",
    "data/ModelNet40": "/data/datasets/ModelNet40",
    "logs/latest": "../runs/2023-03-01_12-00-00",
}

CHAMFER = {
    "setup.py": 'from setuptools import setup\n\nsetup(name="chamfer3d", packages=["chamfer3d"])\n',
    "chamfer3d/__init__.py": "from .distance import chamfer_distance\n",
    "chamfer3d/distance.py": "def chamfer_distance(a, b):\n    return abs(a - b)\n",
}

TRAIN = """\
#!/usr/bin/env python
import argparse
import json
import os
import sys

sys.path.append(os.path.join(os.path.dirname(__file__), "third_party", "chamfer3d"))
from chamfer3d import chamfer_distance  # noqa: E402

from models import PointNet  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description="Train the point cloud network")
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args()
    print(chamfer_distance(PointNet().width, args.epochs))


if __name__ == "__main__":
    main()
"""

EVALUATE = """\
#!/usr/bin/env python3
\"\"\"Évaluation sur ModelNet40.\"\"\"
import argparse

from models import PointNet


def main():
    parser = argparse.ArgumentParser(description="Évaluer un modèle")
    parser.add_argument("--ckpt", required=True)
    print(PointNet().width, parser.parse_args().ckpt)


if __name__ == "__main__":
    main()
"""

PAPER = {
    "README.md": (
        "# PointNet++ again\n\n```bash\ngit submodule update --init\n"
        "./scripts/train.sh\npython tools/évaluer.py --ckpt best.pth\n```\n"
    ),
    "requirements.txt": "numpy\n",
    "models/__init__.py": "from .classes import class_names\nfrom .pointnet import PointNet\n",
    "models/pointnet.py": "class PointNet:\n    width = 64\n",
    # Its class names, read beside the code: a path the move into the package would break.
    "models/classes.py": (
        "import os\n\nNAMES = os.path.join(os.path.dirname(__file__), '..', 'metadata', "
        "'shape_names.txt')\n\n\ndef class_names():\n    with open(NAMES) as f:\n"
        "        return f.read().split()\n"
    ),
    "train.py": TRAIN,
    "tools/évaluer.py": EVALUATE,
    "scripts/train.sh": "#!/usr/bin/env bash\nset -e\npython train.py --epochs 10\n",
    "metadata/shape_names.txt": "airplane\nbathtub\n",
    "docs/résumé.md": "# Résumé\n",
}

AUTHOR = ["-c", "user.name=Léa Moreau", "-c", "user.email=lea@lab.example"]
# Local clones of a submodule are refused since git 2.38.1 unless allowed.
FILE_PROTOCOL = ["-c", "protocol.file.allow=always"]


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *AUTHOR, *FILE_PROTOCOL, *args], cwd=root, check=True, capture_output=True
    )


def committed(root: Path, files: dict[str, str], message: str) -> Path:
    write_repository(root, files)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", message)
    return root


def write_paper_with_submodule(root: Path) -> Path:
    """The paper repository at ``root``; its submodule's bare repository is written beside it."""
    library = committed(root.parent / f"{root.name}-chamfer3d", CHAMFER, "chamfer3d")
    committed(root, PAPER, "code release")
    for name in EXECUTABLE:
        (root / name).chmod(0o755)
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "scripts are executable")
    git(root, "submodule", "--quiet", "add", str(library), SUBMODULE)
    for link, target in LINKS.items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / link)
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "the chamfer3d submodule; data links")
    return root


def index_entries(root: Path) -> dict[str, tuple[str, str]]:
    """git's index of ``root``: path → (mode, object), as ``git ls-files --stage`` lists it."""
    listed = subprocess.run(
        ["git", "ls-files", "--stage", "-z"], cwd=root, check=True, capture_output=True, text=True
    ).stdout
    entries = {}
    for entry in filter(None, listed.split("\0")):
        mode, rest = entry.split(" ", 1)
        objects, path = rest.split("\t", 1)
        entries[path] = (mode, objects.split(" ")[0])
    return entries


def notebook(*cells: str) -> str:
    """A notebook as Jupyter writes it: a markdown title, then one code cell per argument."""
    title = {"cell_type": "markdown", "metadata": {}, "source": ["# BirdCLEF\n"]}
    code: list[dict[str, object]] = [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": source.splitlines(keepends=True),
        }
        for source in cells
    ]
    document = {"cells": [title, *code], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1) + "\n"


HELPERS_CELL = (
    "%%writefile helpers.py\nimport torch\n\n\nclass BirdCNN(torch.nn.Linear):\n    pass\n"
)
# No .py file at all: the model lives in a %%writefile cell, helpers.py is git-ignored, and
# the other notebooks run the first one (%run) or import what it wrote.
NOTEBOOKS = {
    "README.md": "# BirdCLEF notebooks\n\nRun 00_helpers.ipynb first, then 02_train.ipynb.\n",
    "requirements.txt": "torch\nnumpy\njupyter\nipykernel>=6\n",
    ".gitignore": ".ipynb_checkpoints/\nhelpers.py\n",
    "00_helpers.ipynb": notebook(HELPERS_CELL, "from helpers import *\n"),
    "01_prepare.ipynb": notebook(
        "%cd data\n", "%%bash\nunzip -q birdclef.zip -d raw\n", "%cd ..\n!ls data/raw\n"
    ),
    "02_train.ipynb": notebook(
        "%run 00_helpers.ipynb\n", "!pip install -q librosa\n", "from helpers import BirdCNN\n"
    ),
    "inference/03_submit.ipynb": notebook(
        "import sys\nsys.path.append('..')\nfrom helpers import *\n",
        '!python -c "import helpers"\n',
    ),
}


def write_notebook_only(root: Path) -> Path:
    """The notebook-only repository at ``root``, committed without the helpers.py it writes."""
    return committed(root, NOTEBOOKS, "notebooks")
