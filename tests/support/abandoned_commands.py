"""Abandoned repositories whose own commands name their scripts by path (issue 22, items 1, 8
and 9): shell scripts driving distributed launchers, Makefiles and Dockerfiles, READMEs in
Markdown and reStructuredText, notebooks with ``!python`` and ``%run``; generic script names
(``main.py``, ``evaluate.py``); directories that the moves leave empty.

Our own small files, shaped like what real competition and paper repositories hold (no code
taken from them). After adopt, every command still runs (tests/support/documented_commands.py
checks it, independently of adopt's code). Merged into SHAPES by tests/support/abandoned_repos.py.
"""

from __future__ import annotations

from tests.support.abandoned_layouts import notebook

# Console commands too generic for a shared PATH: no adopted project may install one.
GENERIC_COMMANDS = frozenset(
    {"main", "train", "test", "predict", "run", "demo", "eval", "evaluate", "inference", "infer"}
    | {"preprocess", "app", "cli"}
)


def cli_script(description: str, options: str, body: str, imports: str = "") -> str:
    """A script with ``main()`` and argparse (so ``--help`` does no work), stdlib only."""
    arguments = "".join(
        f'    parser.add_argument("{option}", default=None)\n' for option in options.split()
    )
    return (
        f'"""{description}"""\n\nimport argparse\n{imports}\n\ndef main():\n'
        f'    parser = argparse.ArgumentParser(description="{description}")\n{arguments}'
        f"    args = parser.parse_args()\n    {body}\n\n\n"
        'if __name__ == "__main__":\n    main()\n'
    )


COMMAND_SHAPES: dict[str, dict[str, str]] = {
    # A deepfake-detection-style solution: train.sh runs a training pipeline under
    # torch.distributed.launch (the script on a continuation line, inside a fold loop),
    # preprocess_data.sh runs preprocessing with PYTHONPATH=., and the README repeats them
    # with torchrun and CUDA_VISIBLE_DEVICES. After: each command has its module form and
    # runs; generate_folds.py (no main(), nothing imports it) stays and is still named.
    "commands-distributed-shell": {
        "training/zoo/classifiers.py": (
            "class Classifier:\n    def __init__(self, encoder):\n        self.encoder = encoder\n"
        ),
        "training/pipelines/train_classifier.py": cli_script(
            "Train one fold of the classifier.",
            "--config --fold --data-dir",
            "print(Classifier(args.config).encoder, args.fold)",
            "\nfrom training.zoo.classifiers import Classifier\n",
        ),
        "preprocessing/detect_original_faces.py": cli_script(
            "Find the faces in the original videos.", "--root-dir", "print(args.root_dir)"
        ),
        "preprocessing/generate_folds.py": (
            "import argparse\n\nparser = argparse.ArgumentParser()\n"
            'parser.add_argument("--root-dir")\nparser.add_argument("--out")\n'
            'if __name__ == "__main__":\n    print(parser.parse_args())\n'
        ),
        "configs/b7.json": '{"encoder": "tf_efficientnet_b7"}\n',
        "train.sh": (
            "#!/bin/bash\nROOT_DIR=$1\nNUM_GPUS=$2\n\nfor fold in 0 1 2; do\n"
            "  python -u -m torch.distributed.launch --nproc_per_node=$NUM_GPUS \\\n"
            "    --master_port 9901 training/pipelines/train_classifier.py \\\n"
            "    --config configs/b7.json --fold $fold --data-dir $ROOT_DIR\ndone\n"
        ),
        "preprocess_data.sh": (
            "#!/usr/bin/env bash\nDATA_ROOT=$1\n\necho 'Extracting bounding boxes'\n"
            "PYTHONPATH=. python preprocessing/detect_original_faces.py --root-dir $DATA_ROOT\n"
            "echo 'Generating folds'\n"
            "python preprocessing/generate_folds.py --root-dir $DATA_ROOT --out folds.csv\n"
        ),
        "README.md": (
            "# Deepfake detection\n\nOur solution. Preprocess, then train:\n\n```bash\n"
            "PYTHONPATH=. python preprocessing/detect_original_faces.py --root-dir data\n"
            "torchrun --nproc_per_node 2 training/pipelines/train_classifier.py --fold 0\n"
            "CUDA_VISIBLE_DEVICES=0 python3 -u training/pipelines/train_classifier.py --fold 1\n"
            "```\n"
        ),
    },
    # A Makefile ($(PYTHON) recipes, a script as a prerequisite, a cd into src/), a Dockerfile
    # (shell and exec forms), a launcher script building the path from $0, and generic
    # script names (main.py, evaluate.py). After: the root's commands are rewritten, the others
    # run through stand-ins at src/predict.py and main.py, and the console commands are
    # <project> and <project>-evaluate, not main and evaluate.
    "commands-make-docker": {
        "model.py": "class Net:\n    def __init__(self, width=32):\n        self.width = width\n",
        "main.py": cli_script(
            "Train the segmentation net.",
            "--epochs --lr",
            "print(Net().width, args.epochs)",
            "\nfrom model import Net\n",
        ),
        "evaluate.py": cli_script(
            "Score a checkpoint.",
            "--checkpoint",
            "print(Net().width, args.checkpoint)",
            "\nfrom model import Net\n",
        ),
        "src/predict.py": cli_script(
            "Predict masks for a folder.", "--checkpoint --images", "print(args.images)"
        ),
        "tools/dist_train.sh": (
            '#!/usr/bin/env bash\nGPUS=$1\n\npython "$(dirname "$0")/../main.py" --epochs 30 '
            '"${@:2}"\n'
        ),
        "Makefile": (
            "PYTHON ?= python3\n\n.PHONY: train evaluate predict\n\ntrain: main.py\n"
            "\t$(PYTHON) main.py --epochs 2\n\nevaluate:\n"
            "\t$(PYTHON) evaluate.py --checkpoint best.pth\n\npredict:\n"
            "\tcd src && $(PYTHON) predict.py --checkpoint ../best.pth --images ../input\n"
        ),
        "Dockerfile": (
            "FROM python:3.11-slim\nWORKDIR /app\nCOPY . /app\nRUN python main.py --help\n"
            'ENTRYPOINT ["python", "main.py"]\n'
        ),
    },
    # A detection codebase documented in reStructuredText (python, accelerate launch,
    # deepspeed), a root notebook (!python, %run) and a Colab notebook in notebooks/ that runs
    # a script by ../ and then from the root after %cd. After: the rst and the root notebook
    # have module forms; the ../ command runs through a stand-in at tools/infer.py.
    "commands-rst-notebooks": {
        "detection_config.py": (
            "def get_cfg(path):\n    return {'config_file': path, 'lr': 0.02}\n"
        ),
        "tools/train_net.py": cli_script(
            "Train a detector.",
            "--config-file --num-gpus",
            "print(get_cfg(args.config_file))",
            "\nfrom detection_config import get_cfg\n",
        ),
        "tools/infer.py": cli_script(
            "Run a detector on images.",
            "--image --config-file",
            "print(get_cfg(args.config_file), args.image)",
            "\nfrom detection_config import get_cfg\n",
        ),
        "configs/r50.yaml": "MODEL:\n  BACKBONE: R50\n",
        "scripts/train_zero2.sh": (
            "deepspeed --num_gpus 2 tools/train_net.py --config-file configs/r50.yaml\n"
        ),
        "README.rst": (
            "Detection baseline\n==================\n\nTraining\n--------\n\n"
            ".. code-block:: bash\n\n"
            "    python tools/train_net.py --config-file configs/r50.yaml\n"
            "    accelerate launch --num_processes 2 tools/train_net.py --num-gpus 2\n\n"
            "Inference: ``python tools/infer.py --image demo.jpg``.\n"
        ),
        "demo.ipynb": notebook(
            "!python tools/train_net.py --config-file configs/r50.yaml\n",
            "%run tools/infer.py --image demo.jpg",
        ),
        "notebooks/colab.ipynb": notebook(
            "!python ../tools/infer.py --image ../demo.jpg\n",
            "%cd ..\n!python tools/train_net.py --num-gpus 1",
        ),
    },
    # A lib/ tree (a package and a plain directory) that moves whole beside a generic main.py.
    # After: lib/ and its subdirectories are gone, not left behind empty.
    "emptied-directories": {
        "lib/models/__init__.py": "from .net import Net\n",
        "lib/models/net.py": "class Net:\n    depth = 18\n",
        "lib/data/loader.py": "def load(path):\n    return [path]\n",
        "main.py": cli_script(
            "Train on the data.",
            "--data",
            "print(Net.depth, load(args.data))",
            "\nfrom lib.data.loader import load\nfrom lib.models import Net\n",
        ),
    },
}
