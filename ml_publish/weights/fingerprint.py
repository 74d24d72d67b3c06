"""These bytes reproduce the result: an output fingerprint recorded per weight, and checked.

``weights add --sample-input FILE`` runs the freshly registered weights on the sample (the
template's ``notebooks/sample_input.json`` shape: ``{"shape": [...], "values": [...]}``, one
example without the batch dimension) through the package's own ``get_model`` and the weights'
transforms (PyTorch), or its ``predict.predict(batch, weights=NAME)`` (any other framework, or
none: pure Python), and records the output's fingerprint in the entry's ``fingerprint``.
``weights verify --reproduce`` runs it again from the installed package (the wheel) and the
downloaded release asset, and names the first statistic that drifted.

Both run the generated project's ``tests/fingerprints.py`` (the template's copy), so
ml-publish and the project's own tests compute and compare alike. They run in a subprocess of
the project's Python (``--python``, default: the one running ml-publish): the project and its
dependencies (torch, for a PyTorch project) live there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from ml_publish.errors import OperationFailed, UsageError
from ml_publish.template_files import template_dir
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.registry import WeightEntry, load_registry, save_registry

PROBE_NAME = "fingerprints.py"


def probe_file() -> Path:
    return template_dir() / "{{cookiecutter.repo_name}}" / "tests" / PROBE_NAME


@cache
def probe_module() -> ModuleType:
    """The template's ``tests/fingerprints.py``, for its comparison (it imports torch by name,
    where a PyTorch model runs).

    Compiled from its source rather than imported: an import would write a ``__pycache__``
    into the template, and cookiecutter renders every file name it finds there.
    """
    path = probe_file()
    module = ModuleType("ml_publish_fingerprints")
    module.__file__ = str(path)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def drift(recorded: dict[str, Any], found: dict[str, Any]) -> str | None:
    answer: str | None = probe_module().drift(recorded, found)
    return answer


def checked_sample(root: Path, sample: Path) -> str:
    """The sample's path relative to the project (the project's tests read it from there)."""
    path = sample if sample.is_absolute() else Path.cwd() / sample
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(
            f"--sample-input {sample} is outside the project; put it in the project (such as "
            "notebooks/sample_input.json), where its tests read it"
        ) from None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        shape, values = document["shape"], document["values"]
        valid = all(isinstance(n, int) and n > 0 for n in shape) and all(
            isinstance(v, (int, float)) for v in values
        )
    except (OSError, ValueError, KeyError, TypeError):
        valid, shape, values = False, [], []
    if not valid or not shape or math.prod(shape) != len(values):
        raise UsageError(
            f"--sample-input {sample} must be JSON like notebooks/sample_input.json: "
            '{"shape": [3, 32, 32], "values": [...]} with as many numbers as the shape holds'
        )
    return relative


def run_probe(python: str, package: str, name: str, sample: Path, env: dict[str, str]) -> Any:
    """The fingerprint of the weights ``name`` on ``sample``, computed by ``python``."""
    with tempfile.TemporaryDirectory(prefix="ml-publish-fingerprint-") as scratch:
        script = Path(scratch) / "fingerprints.py"
        shutil.copyfile(probe_file(), script)
        result = subprocess.run(
            [python, str(script), package, name, str(sample)],
            cwd=scratch,  # not the project's directory, so only what env names is imported
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise OperationFailed(f"weights {name}: the sample input did not run: {last}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def loader_variable(project: Project, what: str) -> str:
    return f"{project.import_name.replace('.', '_').upper()}_{what}"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_fingerprint(
    project_root: Path, name: str, sample: Path, python: str = sys.executable
) -> dict[str, Any]:
    """Run the registered weights ``name`` on ``sample`` from the work tree and its staged file,
    and record the output's fingerprint in the registry."""
    # Resolved: the probe runs in a scratch directory, where a relative root means nothing.
    project = open_project(project_root.resolve())
    relative = checked_sample(project.root, sample)
    entries = load_registry(project.registry)
    entry = next(e for e in entries if e.name == name)
    with tempfile.TemporaryDirectory(prefix="ml-publish-cache-") as cache_dir:
        staged = project.staging_dir / entry.file_name
        env = dict(os.environ)
        if staged.is_file():  # the loader's cache holds it, so nothing is downloaded
            shutil.copyfile(staged, Path(cache_dir) / entry.file_name)
            env[loader_variable(project, "OFFLINE")] = "1"
        env[loader_variable(project, "CACHE_DIR")] = cache_dir
        source = str(project.root / project.source_dir)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (source, env.get("PYTHONPATH"))))
        try:
            found = run_probe(python, project.import_name, name, project.root / relative, env)
        except OperationFailed as failed:
            raise OperationFailed(
                f"{failed}; {name} stays registered without a fingerprint: fix that (--python "
                "names a Python with the project's dependencies, torch for a PyTorch model), "
                "then add it again"
            ) from None
    fingerprint = {"input": relative, "input_sha256": sha256_of(project.root / relative), **found}
    entries = [
        dataclasses.replace(e, fingerprint=fingerprint) if e.name == name else e for e in entries
    ]
    save_registry(project.registry, entries)
    return fingerprint


@dataclasses.dataclass
class Reproduction:
    """Which weights reproduced their fingerprint, which are not released yet, what failed."""

    reproduced: list[str]
    pending: list[str]
    problems: list[str]


def reproduce(project_root: Path, python: str = sys.executable) -> Reproduction:
    """Run each released weight with a fingerprint from the installed package and a fresh
    download of its release asset; one problem line per weight that does not reproduce."""
    project = open_project(project_root.resolve())  # the probe runs in a scratch directory
    fingerprinted = [e for e in load_registry(project.registry) if e.fingerprint]
    outcome = Reproduction([], [e.name for e in fingerprinted if e.status == "pending"], [])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    with tempfile.TemporaryDirectory(prefix="ml-publish-cache-") as cache_dir:
        env[loader_variable(project, "CACHE_DIR")] = cache_dir
        for entry in fingerprinted:
            if entry.status != "pending":
                problem = reproduction_problem(project, entry, python, env)
                if problem:
                    outcome.problems.append(problem)
                else:
                    outcome.reproduced.append(entry.name)
    return outcome


def reproduction_problem(
    project: Project, entry: WeightEntry, python: str, env: dict[str, str]
) -> str | None:
    recorded = entry.fingerprint
    sample = project.root / str(recorded.get("input", ""))
    if not sample.is_file():
        return f"weights {entry.name}: the sample input {recorded.get('input')} is missing"
    if sha256_of(sample) != recorded.get("input_sha256"):
        return (
            f"weights {entry.name}: the sample input {recorded['input']} changed since the "
            "fingerprint was recorded; restore it from git"
        )
    try:
        found = run_probe(python, project.import_name, entry.name, sample, env)
    except OperationFailed as failed:
        return str(failed)
    difference = drift(recorded, found)
    if difference is None:
        return None
    return (
        f"weights {entry.name}: the output drifted from its fingerprint: {difference}; "
        "these bytes do not reproduce the recorded result"
    )
