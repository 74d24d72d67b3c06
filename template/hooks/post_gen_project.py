"""Tidy the freshly generated project.

pip byte-compiles every ``.py`` file it installs, including this template's files inside the
ml-publish wheel, and cookiecutter copies whatever it finds: drop those caches.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def main() -> None:
    for cache in sorted(Path.cwd().rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)


if __name__ == "__main__":
    main()
