"""Where the bundled template lives, and the facts it keeps in one place.

The ml-package template ships inside the ml-publish wheel (``ml_publish/_template``); in a
source checkout it is read from the repository's ``template/`` directory instead. Its
``cookiecutter.json`` lists the supported Python versions (the ``python_min`` choices): the
template's CI matrix and ``ml-publish check`` both read them from there.
"""

from __future__ import annotations

import json
from pathlib import Path

from ml_publish.versions import BEFORE_EVERY_VERSION, VersionKey, version_key

# What cookiecutter accepts for a yes/no question.
FLAG_WORDS = ("yes", "no", "true", "false", "y", "n", "1", "0", "on", "off")
PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_TEMPLATE = PACKAGE_DIR / "_template" / "template"
CHECKOUT_TEMPLATE = PACKAGE_DIR.parent / "template"


def template_dir() -> Path:
    """The directory holding the ml-package template's ``cookiecutter.json``."""
    if (BUNDLED_TEMPLATE / "cookiecutter.json").is_file():
        return BUNDLED_TEMPLATE
    return CHECKOUT_TEMPLATE


def supported_pythons() -> list[str]:
    """The Python versions the template supports (and CI runners offer), oldest first."""
    config = json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    return sorted(config["python_min"], key=python_order)


def python_order(version: str) -> VersionKey:
    """Where a ``python_min`` choice sorts: "3.9" before "3.10", as PEP 440 orders them;
    anything that is not a version first."""
    return version_key(version) or BEFORE_EVERY_VERSION


def template_questions() -> dict[str, tuple[tuple[str, ...], bool]]:
    """Each public variable of the bundled template: its choices (none for free text), and
    whether it is a yes/no flag; read with json alone, for ``ml-publish check``'s start-up."""
    config = json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))
    return {
        name: (tuple(map(str, raw)) if isinstance(raw, list) else (), isinstance(raw, bool))
        for name, raw in config.items()
        if not name.startswith("_")
    }
