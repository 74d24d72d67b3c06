"""Two ml-publish releases for ``update`` to move between: this checkout, and a later one.

The later one is a copy of the checkout with a higher version and a template edited the ways
templates change: a CI matrix line, a new file, a removed file, a new question with a default,
a pyproject.toml key, a README line. Both are built as wheels (in one isolated build
environment) and served by the real pypiserver, so ``update`` fetches them with pip like any
release.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import build
import build.env
from packaging.version import Version

from ml_publish import __version__

CHECKOUT = Path(__file__).resolve().parents[2]
OLD = __version__
NEW = f"{Version(OLD).major}.{Version(OLD).minor + 1}.0"
PROJECT = CHECKOUT / "template" / "{{cookiecutter.repo_name}}"
# What building ml-publish needs of a checkout.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "cookiecutter.json")
BUILD_DIRECTORIES = ("ml_publish", "template")

MATRIX_LINE = "        python-version: [{% for version in cookiecutter.python_min | pythons_from %}"
MATRIX_COMMENT = "  # every supported Python, newest last"
NEW_VARIABLE = "support_channel"
NEW_DEFAULT = "GitHub issues"
NEW_FILE = "CONTRIBUTING.md"
NEW_FILE_TEXT = (
    "# Contributing to {{ cookiecutter.project_name }}\n\nAsk in {{ cookiecutter.%s }}.\n"
)
REMOVED_FILE = "noxfile.py"
NEW_IGNORE = ".ruff_cache/"
DATA_TODO = "**TODO:** where to download the data, its license"
NEW_DATA_TODO = "**TODO:** where to download the data (a URL and its SHA-256), its license"


def contributing(project_name: str, channel: str) -> str:
    """The new template file, rendered."""
    return f"# Contributing to {project_name}\n\nAsk in {channel}.\n"


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {path} once: the template changed, edit this"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edited_checkout(destination: Path) -> Path:
    """A copy of the checkout as the next release: version ``NEW``, its template edited."""
    for name in BUILD_INPUTS:
        shutil.copy2(CHECKOUT / name, destination / name)
    for name in BUILD_DIRECTORIES:
        ignore = shutil.ignore_patterns("__pycache__", "_template")
        shutil.copytree(CHECKOUT / name, destination / name, ignore=ignore)
    replace_once(destination / "ml_publish/__init__.py", f'"{OLD}"', f'"{NEW}"')
    project = destination / PROJECT.relative_to(CHECKOUT)
    workflow = project / ".github/workflows/ci.yml"
    line = next(x for x in workflow.read_text().splitlines() if x.startswith(MATRIX_LINE))
    replace_once(workflow, line, line + MATRIX_COMMENT)
    replace_once(project / ".gitignore", ".pytest_cache/\n", f".pytest_cache/\n{NEW_IGNORE}\n")
    replace_once(project / "pyproject.toml", 'minversion = "8.0"', 'minversion = "8.4"')
    replace_once(project / "README.md", DATA_TODO, NEW_DATA_TODO)
    (project / NEW_FILE).write_text(NEW_FILE_TEXT % NEW_VARIABLE, encoding="utf-8")
    (project / REMOVED_FILE).unlink()
    config_path = destination / "template/cookiecutter.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    entries = list(config.items())
    at = [name for name, _ in entries].index("_extensions")
    config = dict([*entries[:at], (NEW_VARIABLE, NEW_DEFAULT), *entries[at:]])
    config["__prompts__"][NEW_VARIABLE] = "Where people ask for help"
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return destination


def build_wheels(checkouts: list[Path], outdir: Path) -> list[Path]:
    """A wheel of each checkout, all built in one isolated environment."""
    with build.env.DefaultIsolatedEnv() as environment:
        builders = [build.ProjectBuilder.from_isolated_env(environment, c) for c in checkouts]
        environment.install(builders[0].build_system_requires)
        environment.install(builders[0].get_requires_for_build("wheel"))
        return [Path(builder.build("wheel", outdir)) for builder in builders]


def unpack_wheel(wheel: Path, destination: Path) -> Path:
    """The wheel's files, importable from ``destination`` (put it on PYTHONPATH)."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(destination)
    return destination


@dataclass(frozen=True)
class Releases:
    """The two wheels, the index serving them, and the environment that points pip at it."""

    old_wheel: Path
    new_wheel: Path
    new_installed: Path
    pip_environment: dict[str, str]

    def environment(self, cache: Path, *, new: bool = False) -> dict[str, str]:
        """Variables for an ml-publish process: pip's index, the user cache, and for ``new``
        the later release first on the import path, as if installed."""
        variables = {**self.pip_environment, "XDG_CACHE_HOME": str(cache)}
        if new:
            variables["PYTHONPATH"] = str(self.new_installed)
        return variables


def pip_environment(simple_url: str) -> dict[str, str]:
    """pip's own configuration, as users give it: this index only, no retries when it is down."""
    return {
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": simple_url,
        "PIP_EXTRA_INDEX_URL": "",
        "PIP_FIND_LINKS": "",
        "PIP_RETRIES": "0",
        "PIP_DEFAULT_TIMEOUT": "10",
    }
