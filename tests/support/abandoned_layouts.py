"""Abandoned repositories laid out in ways adopt once stopped on: merged into SHAPES.

Each is our own small set of files in the shape of what real competition and notebook-first
repositories do (no code taken from them): three authors' sub-solutions side by side, each
run as ``python alice/run_train.py`` and importing its siblings by bare name; a repository
made mostly of notebooks whose cells are full of IPython's own syntax; two top-level packages
adopted with ``--yes``. LAYOUT_OPTIONS and LAYOUT_PACKAGES join SHAPE_OPTIONS and
SHAPE_PACKAGES.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

Files = Mapping[str, "str | bytes"]


def notebook(*cells: str) -> str:
    """A notebook as Jupyter writes it, one code cell per argument (sources as line lists)."""
    document = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": cell.splitlines(keepends=True),
            }
            for cell in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, indent=1) + "\n"


def run_train(imports: str, body: str) -> str:
    """An author's training entry point: argparse in ``main()``, so ``--help`` does no work."""
    return f"""\
import argparse

{imports}


def main():
    parser = argparse.ArgumentParser(description="train one fold")
    parser.add_argument("--fold", type=int, default=0)
    args = parser.parse_args()
    {body}


if __name__ == "__main__":
    main()
"""


def unet(author: str, depth: int) -> str:
    """Each author's own ``unet.py``: the same name, different code."""
    return f"""\
class UNet:
    author = "{author}"

    def __init__(self, depth={depth}):
        self.depth = depth
"""


AUTHOR_SUBTREES: Files = {
    # The shared helper at the root, imported by name from carol/ (found there only because
    # the scripts run from the root with PYTHONPATH=., as her README says).
    "utils.py": "def seed_everything(seed):\n    return seed\n",
    "README.md": (
        "# Cell segmentation, 2nd place\n\nEach of us trained our own models:\n\n"
        "    python alice/run_train.py --fold 0\n    python bob/run_train.py --fold 0\n"
        "    PYTHONPATH=. python carol/run_train.py --fold 0\n"
    ),
    # alice: flat, plus a subfolder whose module imports alice/augment.py by bare name, found
    # only because python alice/run_train.py puts alice/ first on sys.path.
    "alice/unet.py": unet("alice", 4),
    "alice/augment.py": "def flip(image):\n    return image[::-1]\n",
    "alice/losses/__init__.py": "",
    "alice/losses/dice.py": (
        "from augment import flip\n\n\ndef dice(a, b):\n    return len(flip(a)) == len(b)\n"
    ),
    "alice/run_train.py": run_train(
        "from losses.dice import dice\nfrom unet import UNet",
        "print(UNet().depth, dice([1], [2]), args.fold)",
    ),
    "alice/eda.ipynb": notebook(
        "%matplotlib inline\nfrom unet import UNet", "print(UNet().author)"
    ),
    # bob: the same file names as alice, other content; a prediction script without main().
    "bob/unet.py": unet("bob", 5),
    "bob/dataset.py": (
        "class CellDataset:\n    def __init__(self, root):\n        self.root = root\n"
    ),
    "bob/run_train.py": run_train(
        "from dataset import CellDataset\nfrom unet import UNet",
        'print(UNet().depth, CellDataset("data").root, args.fold)',
    ),
    "bob/predict.py": (
        'from unet import UNet\n\nif __name__ == "__main__":\n    print(UNet().author)\n'
    ),
    # carol: her unet.py imports the shared root utils.py.
    "carol/unet.py": "from utils import seed_everything\n\n" + unet("carol", 3),
    "carol/run_train.py": run_train("from unet import UNet", "print(UNet().depth, args.fold)"),
    # dave's folder is no module name: it stays whole, its sibling import found beside it.
    "dave-ensemble/blend.py": "def blend(a, b):\n    return (a + b) / 2\n",
    "dave-ensemble/make_submission.py": (
        'from blend import blend\nfrom utils import seed_everything\n\nif __name__ == "__main__":\n'
        "    print(blend(seed_everything(1), 2))\n"
    ),
}

MAGIC_CELLS = (
    "!mkdir -p subs\n%matplotlib inline\n%load_ext autoreload\n%autoreload 2",
    "import os\n\nfrom features import add_ratios\nimport models",
    "%%time\nfrom features import add_ratios\nframe = add_ratios({'a': 1, 'b': 2})",
    "files = !ls\nx = %sx echo hi\nadd_ratios?\nmodels.Ridge??\n?os.path",
    "for name in ['a', 'b']:\n    !echo $name\n    print(name)",
    "!pip install \\\n    lightgbm\nfrom models import Ridge",
    "%%bash\nls -la\necho 'import features'",
    "%%writefile submit.py\nfrom features import add_ratios\nprint(add_ratios({}))",
    # Python 2 in a cell: no magic explains it; left as it is, and listed.
    "from features import add_ratios\nprint 'done'",
)

NOTEBOOK_FIRST: Files = {
    "features.py": (
        "def add_ratios(frame):\n    frame = dict(frame)\n"
        '    frame["ratio"] = frame.get("a", 0) / max(frame.get("b", 1), 1)\n    return frame\n'
    ),
    "models.py": "class Ridge:\n    alpha = 1.0\n",
    "01_eda.ipynb": notebook(*MAGIC_CELLS),
    "notebooks/02_train.ipynb": notebook(
        "import sys\nsys.path.append('..')\n%load_ext autoreload\n%autoreload 2",
        "from models import Ridge\nmodel = Ridge()\n!nvidia-smi",
    ),
}

TWO_PACKAGES: Files = {
    "detector/__init__.py": "from .yolo import detect\n",
    "detector/yolo.py": "def detect(frame):\n    return [frame]\n",
    "tracker/__init__.py": "",
    "tracker/sort.py": (
        "from detector import detect\n\n\ndef track(frames):\n"
        "    return [detect(frame) for frame in frames]\n"
    ),
    "run_pipeline.py": (
        "from detector import detect\nfrom tracker.sort import track\n\n"
        'if __name__ == "__main__":\n    print(track([1, 2]), detect(3))\n'
    ),
}

LAYOUT_SHAPES: dict[str, Files] = {
    # Three authors' sub-solutions side by side, each importing its own unet.py by bare name.
    # After: each subtree is a subpackage (<pkg>.alice.unet, <pkg>.bob.unet: never merged),
    # alice's losses/dice.py finds alice/augment.py as her script's directory lends it, the
    # entry points become <project>-alice-run-train, ... (one name, told apart), and dave-ensemble/
    # (no module name) stays whole with its sibling import.
    "author-subtrees": AUTHOR_SUBTREES,
    # A notebook-first repository: shell escapes, line and cell magics, assignments from the
    # shell, help, continuation lines. After: the Python lines' imports are rewritten, every
    # magic line kept byte for byte, the %%bash and %%writefile cells and the Python 2 cell
    # left as they were (the last listed under needs a person).
    "notebook-magics": NOTEBOOK_FIRST,
    # Two top-level packages, adopted with --yes: a new package named after the repository
    # holds them both.
    "two-packages-yes": TWO_PACKAGES,
}
LAYOUT_OPTIONS: dict[str, dict[str, object]] = {"two-packages-yes": {"take_default_package": True}}
LAYOUT_PACKAGES = {"two-packages-yes": "adopted_two_packages_yes"}
