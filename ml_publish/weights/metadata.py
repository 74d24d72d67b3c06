"""The typed metadata contract of a registered weight: the keys of its ``meta`` ml-publish reads.

torchvision's weights carry the same facts (``WeightsEnum.meta``); ml-publish keeps them under
the same ``meta`` object the loader already reads the transforms from:

- ``license``: an SPDX expression (the project's license unless given: the weights' license
  often follows the training data's);
- ``categories``: the class names, inline, or the path of a text file in the package (one name
  a line) for long lists;
- ``metrics``: a list of ``{"dataset": ..., "split": ..., "values": {"acc@1": 80.674}}``;
- ``recipe`` (a URL or the command that trained it) and ``paper`` (a URL or DOI): text;
- ``num_params`` and ``file_size``: computed by ``weights add``, never given.

Any other key (the transforms, ``arch_kwargs``, ``dataset``, ...) stays free-form.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml_publish.errors import UsageError

COMPUTED_KEYS = ("num_params", "file_size")
TEXT_KEYS = ("recipe", "paper")
TYPED_KEYS = ("license", "categories", "metrics", *TEXT_KEYS, *COMPUTED_KEYS)
# Keys a published model weight must carry (num_params only when its file holds tensors).
REQUIRED_KEYS = ("license", "file_size")
# Categories listed inline up to this many; a longer list belongs in a file in the package.
MAX_INLINE_CATEGORIES = 100


@dataclass(frozen=True)
class Metric:
    """The results of one evaluation: a dataset, its split, and each metric's value."""

    dataset: str
    split: str
    values: dict[str, float]


def license_problem(value: object) -> str | None:
    """Why ``value`` is not an SPDX license expression, or ``None``."""
    from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

    if not isinstance(value, str) or not value:
        return "license must be an SPDX expression such as MIT or CC-BY-4.0"
    try:
        canonicalize_license_expression(value)
    except InvalidLicenseExpression:
        return f"license {value!r} is not an SPDX expression (e.g. MIT, Apache-2.0, CC-BY-NC-4.0)"
    return None


def metrics_problem(value: object) -> str | None:
    """Why ``value`` is not a list of metrics, or ``None``."""
    if not isinstance(value, list) or not value:
        return 'metrics must be a list of {"dataset": ..., "split": ..., "values": {...}}'
    for number, metric in enumerate(value, start=1):
        if not isinstance(metric, dict) or set(metric) != {"dataset", "split", "values"}:
            return f"metrics entry {number} must have exactly dataset, split and values"
        if not all(isinstance(metric[k], str) and metric[k] for k in ("dataset", "split")):
            return f"metrics entry {number}: dataset and split must be non-empty text"
        values = metric["values"]
        if not isinstance(values, dict) or not values:
            return f"metrics entry {number}: values must map metric names to numbers"
        for name, number_value in values.items():
            if not is_finite_number(number_value):
                return f"metrics entry {number}: {name} must be a number, not {number_value!r}"
    return None


def is_finite_number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def categories_problem(value: object, package_dir: Path | None) -> str | None:
    """Why ``value`` is neither a list of names nor a file of names in the package, or ``None``."""
    if isinstance(value, str):
        if Path(value).is_absolute() or ".." in Path(value).parts:
            return "categories must name a file inside the package, as a relative path"
        if package_dir is not None and not (package_dir / value).is_file():
            return f"categories names {value}, which is not a file in the package"
        return None
    if not isinstance(value, list) or not value:
        return "categories must be a list of class names, or a file of them in the package"
    if not all(isinstance(name, str) and name for name in value):
        return "categories must be non-empty names"
    return None


def meta_problem(meta: dict[str, Any], package_dir: Path | None = None) -> str | None:
    """What is wrong with the typed keys of ``meta``, or ``None``; other keys are free-form."""
    problems = (
        license_problem(meta["license"]) if "license" in meta else None,
        metrics_problem(meta["metrics"]) if "metrics" in meta else None,
        categories_problem(meta["categories"], package_dir) if "categories" in meta else None,
    )
    for problem in problems:
        if problem is not None:
            return problem
    for key in TEXT_KEYS:
        if key in meta and not (isinstance(meta[key], str) and meta[key]):
            return f"{key} must be text (a URL, a DOI or a command)"
    for key in COMPUTED_KEYS:
        value = meta.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{key} must be a whole number (weights add computes it)"
    return None


def given_meta_problem(meta: dict[str, Any]) -> str | None:
    """``meta_problem``, and computed keys refused: ``weights add`` counts them from the file."""
    given = [key for key in COMPUTED_KEYS if key in meta]
    if given:
        return f"{', '.join(given)} cannot be given: weights add computes it from the file"
    return meta_problem(meta)


def read_metrics(argument: str, project_root: Path) -> list[dict[str, Any]]:
    """``--metrics``: JSON text, or a JSON file; one metric object or a list of them."""
    stripped = argument.strip()
    if stripped.startswith(("{", "[")):
        text = stripped
    else:
        path = project_root / argument
        if not path.is_file():
            raise UsageError(f"--metrics {argument!r} is neither JSON nor a file")
        text = path.read_text(encoding="utf-8")
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageError(
            f"--metrics is not valid JSON ({error.msg}, line {error.lineno})"
        ) from None
    metrics = [loaded] if isinstance(loaded, dict) else loaded
    problem = metrics_problem(metrics)
    if problem is not None:
        raise UsageError(f"--metrics: {problem}")
    return list(metrics)


def read_categories(file: Path, package_dir: Path) -> list[str] | str:
    """``--categories FILE``: its names inline, or its path when it is a long list in the package.

    A list longer than ``MAX_INLINE_CATEGORIES`` must live in the package (the loader reads
    it from there), so that the registry stays readable.
    """
    if not file.is_file():
        raise UsageError(f"--categories {file} is not a file")
    names = [line.strip() for line in file.read_text(encoding="utf-8").splitlines()]
    names = [name for name in names if name]
    if not names:
        raise UsageError(f"--categories {file} lists no names (one a line)")
    if len(names) <= MAX_INLINE_CATEGORIES:
        return names
    resolved, package = file.resolve(), package_dir.resolve()
    if not resolved.is_relative_to(package):
        raise UsageError(
            f"--categories {file} lists {len(names)} names; put the file inside "
            f"{package_dir.name}/ so the package ships it, and pass that path"
        )
    return resolved.relative_to(package).as_posix()


def category_count(meta: dict[str, Any], package_dir: Path) -> int | None:
    """How many categories ``meta`` lists (reading the file it names), or ``None``."""
    value = meta.get("categories")
    if isinstance(value, list):
        return len(value)
    if isinstance(value, str) and (package_dir / value).is_file():
        lines = (package_dir / value).read_text(encoding="utf-8").splitlines()
        return sum(1 for line in lines if line.strip())
    return None


def metrics_of(meta: dict[str, Any]) -> list[Metric]:
    """The metrics of a valid ``meta``, typed."""
    return [
        Metric(m["dataset"], m["split"], {k: float(v) for k, v in m["values"].items()})
        for m in meta.get("metrics", [])
    ]


def project_license(project_root: Path) -> str | None:
    """The SPDX expression in the project's ``[project] license``, when it declares one."""
    from ml_publish.toml_file import read_toml

    pyproject = project_root / "pyproject.toml"
    try:
        license_value = read_toml(pyproject).get("project", {}).get("license")
    except (OSError, ValueError):
        return None
    if isinstance(license_value, str) and license_problem(license_value) is None:
        return license_value
    return None


def given_meta(project: Path, metrics: str | None, categories: str | None) -> dict[str, Any]:
    """What ``--metrics`` and ``--categories`` add to a weight's meta."""
    # Imported here: the project module reads the registry, which reads this one.
    from ml_publish.weights.project import open_project

    meta: dict[str, Any] = {}
    if metrics is not None:
        meta["metrics"] = read_metrics(metrics, project)
    if categories is not None:
        package_dir = open_project(project).package_dir
        meta["categories"] = read_categories(project / categories, package_dir)
    return meta
