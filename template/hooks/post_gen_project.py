"""Tidy the freshly generated project.

pip byte-compiles every ``.py`` file it installs, including this template's files inside the
ml-publish wheel, and cookiecutter copies whatever it finds: drop those caches. And drop the
notebooks directory when no notebook was asked for (cookiecutter cannot skip a directory).
"""

from __future__ import annotations

import shutil
from pathlib import Path


INCLUDE_NOTEBOOK = {{ "True" if cookiecutter.include_notebook else "False" }}


def main() -> None:
    for cache in sorted(Path.cwd().rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)
    if not INCLUDE_NOTEBOOK:
        shutil.rmtree(Path.cwd() / "notebooks")


if __name__ == "__main__":
    main()
