"""Abandoned repositories whose README is not README.md and whose license is not LICENSE.

Written and committed the way ``abandoned_repos.write_abandoned_repository`` writes its
fixtures, so ``ml-publish adopt`` meets them as their authors left them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from ml_publish.template_files import template_dir
from tests.support.processes import run
from tests.support.tiny_repos import write_repository

MIT_TEMPLATE = (template_dir() / "templates" / "licenses" / "MIT.txt").read_text(encoding="utf-8")
MIT = re.sub(r"\{%.*?%\}", "2019", MIT_TEMPLATE).replace(
    "{{ cookiecutter.author_name }}", "A. Kaggler"
)
README_RST = """\
=========
Whale ID
=========

Our 12th place solution to the humpback whale identification challenge.

Training
--------

.. code-block:: bash

   python train.py --epochs 10

The images go in ``input/train``.
"""
README_TEXT = "Whale ID\n\nOur 12th place solution.\n\nRun python train.py to train it.\n"
TRAIN = """\
import argparse

from model import Net


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    print(Net(), args.epochs)


if __name__ == "__main__":
    main()
"""
CODE = {"train.py": TRAIN, "model.py": "class Net:\n    layers = 3\n"}


def write_committed(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` under ``root`` and commit them to a new git repository."""
    write_repository(root, files)
    git = ["git", "-C", str(root), "-c", "user.name=Kaggler", "-c", "user.email=k@example.com"]
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(root)], check=True)
    subprocess.run([*git, "add", "--all", "--force"], check=True)
    subprocess.run([*git, "commit", "--quiet", "-m", "final submission"], check=True)
    return root


def write_rst_repository(root: Path) -> Path:
    """README.rst, MIT-LICENSE, two modules and a committed weight file."""
    weights = b"PK\x03\x04" + os.urandom(200 * 1024)
    files: dict[str, str | bytes] = {**CODE, "README.rst": README_RST, "MIT-LICENSE": MIT}
    files["best.pth"] = weights
    return write_committed(root, files)


def write_plain_text_repository(root: Path, readme: str = "README") -> Path:
    """An extension-less (or .txt) README and a LICENCE spelt the British way."""
    return write_committed(root, {**CODE, readme: README_TEXT, "LICENCE": MIT})


def commit_and_check(root: Path) -> list[str]:
    """Commit everything adopt did, run ``ml-publish check`` there; the IDs that failed."""
    run(["git", "add", "--all"], cwd=root)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "adopted"], cwd=root)
    result = run([sys.executable, "-m", "ml_publish", "check", "--format", "json"], cwd=root)
    return [c["id"] for c in json.loads(result.stdout)["checks"] if c["result"] == "fail"]


def git_status(root: Path) -> list[str]:
    return run(["git", "status", "--porcelain"], cwd=root).stdout.splitlines()
