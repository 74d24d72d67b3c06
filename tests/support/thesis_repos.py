"""Abandoned repositories of a thesis or a lab: numbered experiment folders beside a LaTeX
thesis, and a PyTorch Lightning project with its logs, checkpoints and old hooks committed.

Our own small files, shaped like real thesis and Lightning repositories where adopt once failed
(no code taken from them). Merged into SHAPES by tests/support/abandoned_repos.py, so each goes
through the per-shape acceptance test; tests/adopt/test_thesis_shapes.py holds what that test
would not see.
"""

from __future__ import annotations

import json

from tests.support.abandoned_commands import cli_script

THESIS = "thesis-numbered-experiments"
LIGHTNING = "lightning-logs-lfs-old-hooks"
# The line an author's \lstinputlisting reads by path, undefined names and all.
LISTING = "thesis/listings/contrastive_loss.py"
LFS_POINTER_CKPT = "lightning_logs/version_1/checkpoints/last.ckpt"
LFS_POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:5e1f0c9b7d3a2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f\n"
    "size 7340032\n"
)
# Weight-like bytes above the 100 KB from which adopt takes a file for weights.
CHECKPOINT_BYTES = b"PK\x03\x04" + bytes(200_000)


def notebook(*cells: str) -> str:
    """A notebook as Jupyter writes it, with one code cell per argument."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": number,
                    "metadata": {},
                    "outputs": [],
                    "source": source.splitlines(keepends=True),
                }
                for number, source in enumerate(cells, start=1)
            ],
            "metadata": {"kernelspec": {"name": "thesis", "display_name": "Python [thesis]"}},
            "nbformat": 4,
            "nbformat_minor": 4,
        },
        indent=1,
    )


ANCHORED_PATH = (
    "import os\nimport sys\n\n"
    'sys.path.append(os.path.join(os.path.dirname(__file__), "..", "..", "src"))\n\n'
    "from metrics import running_mean\nfrom samplers import seeded_batches\n"
)
SWEEP = (
    "import argparse\nimport sys\n\n"
    'sys.path.insert(0, "src")  # the sweep runs from the repository root\n\n'
    "from metrics import running_mean\nfrom samplers import seeded_batches\n\n"
    "parser = argparse.ArgumentParser()\n"
    'parser.add_argument("--weight-decay", type=float, default=0.0)\n'
    "args = parser.parse_args()\n"
    "print(running_mean(seeded_batches(8, args.weight_decay)))\n"
)

THESIS_FILES: dict[str, str | bytes] = {
    "README.md": (
        "# Contrastive pre-training on small datasets (MSc thesis)\n\n"
        "The thesis itself is in `thesis/`.\n\n"
        "    conda env create -f environment.yml\n"
        "    python experiments/01_baseline/run.py --epochs 20\n"
        "    bash experiments/03_ablation/sweep.sh\n"
    ),
    "environment.yml": (
        "name: thesis\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.10\n"
        "  - numpy=1.26\n  - jupyterlab\n  - ipykernel=6.25\n  - pip\n  - pip:\n"
        "    - tqdm==4.66.1\n    - notebook\n"
    ),
    "src/metrics.py": (
        "def running_mean(values):\n    total = 0.0\n    means = []\n"
        "    for count, value in enumerate(values, start=1):\n        total += value\n"
        "        means.append(total / count)\n    return means\n"
    ),
    "src/samplers.py": (
        "import random\n\n\ndef seeded_batches(n, scale=1.0, seed=0):\n"
        "    rng = random.Random(seed)\n    return [scale * rng.random() for _ in range(n)]\n"
    ),
    "experiments/01_baseline/run.py": cli_script(
        "Experiment 1: the supervised baseline",
        "--epochs",
        "print(running_mean(seeded_batches(int(args.epochs or 1))))",
        imports=ANCHORED_PATH,
    ),
    "experiments/03_ablation/run_ablation.py": SWEEP,
    "experiments/03_ablation/sweep.sh": (
        "#!/bin/bash\n# table 4.3, run from the repository root\nset -e\n"
        "for wd in 0 1e-4 1e-3; do\n"
        "    python experiments/03_ablation/run_ablation.py --weight-decay $wd\ndone\n"
    ),
    "notebooks/explore.ipynb": notebook(
        "%load_ext autoreload\n%autoreload 2",
        "import sys\nsys.path.append('../src')\nfrom metrics import running_mean",
        "!python ../experiments/01_baseline/run.py --epochs 1",
        "%run ../experiments/01_baseline/run.py --epochs 1",
    ),
    "thesis/main.tex": (
        "\\documentclass{report}\n\\usepackage{listings}\n\\begin{document}\n"
        "\\lstinputlisting[language=Python]{listings/contrastive_loss.py}\n\\end{document}\n"
    ),
    LISTING: (
        "# shortened for the thesis: see experiments/01_baseline/run.py\n"
        "def contrastive_loss(z1, z2, tau=0.5):\n"
        "    sim = F.normalize(torch.cat([z1, z2]), dim=1) @ z.t() / tau\n"
        "    return F.cross_entropy(sim, target)\n"
    ),
    "results/01_baseline.csv": "epoch,loss,val_acc\n0,1.39,0.26\n1,1.37,0.29\n",
    "results/01_baseline/model_best.pt": CHECKPOINT_BYTES,
}

LIGHTNING_PRE_COMMIT = """\
repos:
-   repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v3.4.0
    hooks:
    -   id: trailing-whitespace
    -   id: end-of-file-fixer
    -   id: check-added-large-files
        args: ['--maxkb=2000']
-   repo: https://github.com/timothycrosley/isort
    rev: 5.7.0
    hooks:
    -   id: isort
-   repo: https://github.com/psf/black
    rev: 20.8b1
    hooks:
    -   id: black
        language_version: python3.7
-   repo: https://gitlab.com/pycqa/flake8
    rev: 3.8.4
    hooks:
    -   id: flake8
        args: ['--max-line-length=120']
"""
LIGHTNING_FILES: dict[str, str | bytes] = {
    "README.md": (
        "# lit-denoise\n\nDenoising, trained with PyTorch Lightning; logs in lightning_logs/.\n\n"
        "    python train.py --max_epochs 10\n"
        '    python evaluate.py --ckpt "lightning_logs/version_0/checkpoints/'
        'epoch=9-step=1000.ckpt"\n'
    ),
    "requirements.txt": "numpy\nPyYAML==6.0.1\n",
    "pyproject.toml": "[tool.black]\nline-length = 120\ntarget-version = ['py38']\n",
    "setup.cfg": (
        "[flake8]\nmax-line-length = 120\nextend-ignore = E203\n"
        "exclude = wandb,lightning_logs\n\n[isort]\nprofile = black\nline_length = 120\n"
    ),
    ".pre-commit-config.yaml": LIGHTNING_PRE_COMMIT,
    ".gitattributes": "*.ckpt filter=lfs diff=lfs merge=lfs -text\n",
    "denoise/__init__.py": "",
    "denoise/filters.py": (
        "def box_blur(row, width=3):\n    half = width // 2\n"
        "    return [\n        sum(row[max(0, i - half) : i + half + 1]) / width\n"
        "        for i in range(len(row))\n    ]\n"
    ),
    "train.py": cli_script(
        "train the denoiser",
        "--max_epochs",
        "print(box_blur([1.0, 2.0, 3.0]))",
        imports="\nfrom denoise.filters import box_blur\n",
    ),
    # evaluate is also a PyPI distribution's name; the script moves, so it hides nothing.
    "evaluate.py": cli_script(
        "PSNR of a checkpoint",
        "--ckpt",
        "print(args.ckpt, box_blur([0.0, 1.0]))",
        imports="\nfrom denoise.filters import box_blur\n",
    ),
    "lightning_logs/version_0/hparams.yaml": "lr: 0.001\nsigma: 0.1\nwidth: 16\n",
    "lightning_logs/version_0/checkpoints/epoch=9-step=1000.ckpt": CHECKPOINT_BYTES,
    "lightning_logs/version_1/hparams.yaml": "lr: 0.0005\nsigma: 0.1\nwidth: 96\n",
    LFS_POINTER_CKPT: LFS_POINTER,
    "wandb/run-20220810_101500-3kq9x2ab/files/config.yaml": (
        "wandb_version: 1\n\nlr:\n  desc: null\n  value: 0.001\n"
    ),
    "wandb/run-20220810_101500-3kq9x2ab/files/requirements.txt": (
        "torch==1.12.0+cu113\npytorch-lightning==1.6.5\n"
    ),
    "wandb/run-20220810_101500-3kq9x2ab/files/wandb-summary.json": '{"val/psnr": 27.31}\n',
}

THESIS_SHAPES: dict[str, dict[str, str | bytes]] = {
    # A thesis repository: src/ without __init__.py reached through sys.path edits, one made
    # from __file__, one relative to the working directory (the sweep runs from the root);
    # numbered experiment folders (no module names); a LaTeX thesis including a Python listing
    # by path; an environment.yml with the notebook server; no .gitignore. After: src/ is a
    # subpackage, both experiments import it, the listing stays where thesis/main.tex reads
    # it, and jupyterlab, notebook and ipykernel are no dependencies of the package.
    THESIS: THESIS_FILES,
    # A Lightning project: an existing package, lightning_logs/ with hparams.yaml and a
    # committed checkpoint (its name holds '='), another one committed as a Git LFS pointer
    # (git-lfs never installed), a wandb run directory, and a 2021 pre-commit configuration
    # (isort at its old home, black from psf/black at 20.8b1, flake8 on GitLab). After: the
    # checkpoint is registered, the pointer stays and is named for a person, and black runs
    # the tag the template pins, so check's PC106 and the hooks pass.
    LIGHTNING: LIGHTNING_FILES,
}
