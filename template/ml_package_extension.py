"""Jinja filters for the ml-package template.

cookiecutter puts the template directory on ``sys.path`` while it renders, so the ``_extensions``
entry of ``cookiecutter.json`` can name this module. The supported Python versions are the
``python_min`` choices of ``cookiecutter.json``: that list is the one place they are kept.

Generated projects run ml-publish's pre-commit hooks, pinned to the ml-publish release the
template belongs to: its version and repository URL are read from ``ml_publish/__init__.py``,
next to the template both in a checkout (``../ml_publish``) and in the wheel (``..``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE_CONFIG = Path(__file__).with_name("cookiecutter.json")
ML_PUBLISH_INIT_CANDIDATES = (
    Path(__file__).parents[1] / "ml_publish" / "__init__.py",
    Path(__file__).parents[2] / "__init__.py",
)

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


def ml_publish_facts() -> dict[str, str]:
    """``__version__`` and ``REPOSITORY_URL`` of the ml-publish this template ships with."""
    for candidate in ML_PUBLISH_INIT_CANDIDATES:
        if candidate.is_file():
            text = candidate.read_text(encoding="utf-8")
            return dict(re.findall(r'^(__version__|REPOSITORY_URL) = "([^"]+)"', text, re.M))
    raise FileNotFoundError("ml_publish/__init__.py is not next to the template")


def spdx_expression(license_choice: str) -> str:
    """The PEP 639 license expression for a license choice."""
    return "LicenseRef-Proprietary" if license_choice == "Proprietary" else license_choice


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are TOML's, but for DEL)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def answer_text(value: object) -> str:
    """An answer as ``KEY=VALUE`` takes it: yes/no for a flag, text for anything else."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def recorded_answers(context: dict[str, object]) -> str:
    """Every answer of this rendering as TOML lines, ``name = "value"``, in the questions' order.

    pyproject.toml keeps them under ``[tool.ml-publish.template.answers]``, so that
    ``ml-publish update`` can render this template, and later ones, exactly as this project was.
    """
    return "\n".join(
        f"{name} = {toml_string(answer_text(value))}"
        for name, value in context.items()
        if not name.startswith("_")
    )


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
        environment.filters["recorded_answers"] = recorded_answers
        environment.globals["supported_pythons"] = supported_pythons
        environment.globals["newest_python"] = supported_pythons()[-1]
        ml_publish = ml_publish_facts()
        environment.globals["ml_publish_version"] = ml_publish["__version__"]
        environment.globals["ml_publish_repository"] = ml_publish["REPOSITORY_URL"]
