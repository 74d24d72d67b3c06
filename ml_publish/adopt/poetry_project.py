"""What adopt does for a Poetry project beyond its metadata: its scripts, its lock file.

The console scripts a Poetry project declares are carried into ``[project.scripts]``.

``[tool.poetry.scripts]`` is read by Poetry's backend only: once adopt builds the project with
the template's backend, a command the author's README or Makefile runs (``poetry run
toxic-train``) exists only if ``[project.scripts]`` declares it. Each script keeps its name and
target; a target naming a module that adopt moves (``train:main`` for a root ``train.py``) names
the module's new place (``pkg.train:main``), as the moved file's importers do.

``poetry.lock`` stays, but records the hash of the ``pyproject.toml`` it was locked from: once
adopt rewrites that file, Poetry refuses ``poetry install`` until ``poetry lock`` runs, which
needs the network, so a person is told.
"""

from __future__ import annotations

from collections.abc import Mapping

from ml_publish.adopt.moves import module_of
from ml_publish.adopt.operations import AddConsoleScript
from ml_publish.repository_analysis.analyse import RepositoryAnalysis
from ml_publish.repository_analysis.poetry import POETRY_SOURCE

SCRIPTS_TABLE = POETRY_SOURCE.replace("[tool.poetry]", "[tool.poetry.scripts]")


def poetry_console_scripts(
    analysis: RepositoryAnalysis, destinations: Mapping[str, str]
) -> list[AddConsoleScript]:
    """One operation per script of ``[tool.poetry.scripts]``, targets following the moves."""
    if analysis.poetry is None:
        return []
    renamed = {
        module_of(source): module_of(destination) for source, destination in destinations.items()
    }
    operations = []
    for name, target in analysis.poetry.scripts:
        module, _, attribute = target.partition(":")
        module = renamed.get(module, module)
        operations.append(AddConsoleScript(name, f"{module}:{attribute}", SCRIPTS_TABLE))
    return operations


def poetry_lock_items(analysis: RepositoryAnalysis) -> list[str]:
    """The "needs a person" line for a Poetry lock file the new pyproject.toml outdates."""
    if analysis.poetry is None or "poetry.lock" not in analysis.files:
        return []
    return [
        "poetry.lock no longer matches pyproject.toml, and poetry install refuses it until you "
        "run poetry lock (or remove poetry.lock and [tool.poetry] to leave Poetry: pip install "
        "-e . reads [project])"
    ]
