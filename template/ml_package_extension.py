"""Jinja filters for the ml-package template.

cookiecutter puts the template directory on ``sys.path`` while it renders, so the ``_extensions``
entry of ``cookiecutter.json`` can name this module. The supported Python versions are the
``python_min`` choices of ``cookiecutter.json``: that list is the one place they are kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE_CONFIG = Path(__file__).with_name("cookiecutter.json")

# mypy 2 type-checks Python 3.10 and newer only.
OLDEST_MYPY_TARGET = "3.10"


def version_key(version: str) -> tuple[int, ...]:
    """Order "3.9" before "3.10"."""
    return tuple(int(part) for part in version.split("."))


def supported_pythons() -> list[str]:
    """Every Python version the template offers, oldest first."""
    choices = json.loads(TEMPLATE_CONFIG.read_text(encoding="utf-8"))["python_min"]
    return sorted(choices, key=version_key)


def pythons_from(minimum: str) -> list[str]:
    """The supported versions from ``minimum`` to the newest release."""
    return [v for v in supported_pythons() if version_key(v) >= version_key(minimum)]


def spdx_expression(license_choice: str) -> str:
    """The PEP 639 license expression for a license choice."""
    return "LicenseRef-Proprietary" if license_choice == "Proprietary" else license_choice


def black_target(version: str) -> str:
    """black's name for a Python version: "3.10" -> "py310"."""
    return "py" + version.replace(".", "")


def mypy_target(minimum: str) -> str:
    """The oldest Python version mypy can check the code against."""
    return max(minimum, OLDEST_MYPY_TARGET, key=version_key)


class MLPackageExtension(Extension):
    """Registers the filters and globals above."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["pythons_from"] = pythons_from
        environment.filters["spdx_expression"] = spdx_expression
        environment.filters["black_target"] = black_target
        environment.filters["mypy_target"] = mypy_target
        environment.globals["supported_pythons"] = supported_pythons
        environment.globals["newest_python"] = supported_pythons()[-1]
