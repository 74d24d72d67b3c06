"""WGT110-WGT114: each weight's metadata contract, checked against the registry and its file.

As torchvision's ``test_schema_meta_validation`` does for its weights: the fields a published
weight must carry, the computed ones recomputed from the staged file, metrics that are numbers,
as many categories as the classifier head has outputs, and one default per architecture.
Everything is read statically: no torch, no model built.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from ml_publish.checks.base import Skip, check
from ml_publish.checks.facts import RepositoryFacts
from ml_publish.weights.metadata import REQUIRED_KEYS, category_count, meta_problem
from ml_publish.weights.naming import STAGING_DIR, is_data


def model_entries(facts: RepositoryFacts) -> list[dict[str, Any]]:
    """The registry's entries of model weights (not data), each with a ``meta`` object."""
    entries = [
        entry
        for entry in facts.registry_entries()
        if isinstance(entry.get("meta", {}), dict) and not is_data(entry.get("meta"))
    ]
    if not entries:
        raise Skip("no weights registered")
    return entries


def staged_file(facts: RepositoryFacts, entry: dict[str, Any]) -> Path | None:
    staged = facts.root / STAGING_DIR / str(entry["file_name"])
    return staged if staged.is_file() else None


@check("WGT110", requires=("WGT101",))
def required_metadata(facts: RepositoryFacts) -> str | None:
    """Every weight carries its license and file size, and its parameter count when counted."""
    from ml_publish.weights.parameter_count import parameter_count

    missing = []
    for entry in model_entries(facts):
        meta, staged = entry.get("meta", {}), staged_file(facts, entry)
        lacking = [key for key in REQUIRED_KEYS if key not in meta]
        if "num_params" not in meta and staged and parameter_count(staged) is not None:
            lacking.append("num_params")
        if lacking:
            missing.append(f"{entry['name']} ({', '.join(lacking)})")
    if missing:
        return (
            f"weights without {'; '.join(missing)}: run ml-publish update (a format 1 registry), "
            "or ml-publish weights add FILE --name NAME --meta license=SPDX again"
        )
    return None


@check("WGT111", requires=("WGT101",))
def computed_metadata_matches_file(facts: RepositoryFacts) -> str | None:
    """num_params and file_size match the staged file they were computed from."""
    from ml_publish.weights.parameter_count import parameter_count

    wrong = []
    for entry in model_entries(facts):
        staged, meta = staged_file(facts, entry), entry.get("meta", {})
        if staged is None:
            continue
        found = {"file_size": staged.stat().st_size, "num_params": parameter_count(staged)}
        for key, value in found.items():
            if key in meta and meta[key] != value:
                wrong.append(f"{entry['name']} {key} {meta[key]} (the file: {value})")
    if wrong:
        return f"{'; '.join(wrong)}: register the file again with ml-publish weights add"
    return None


@check("WGT112", requires=("WGT101",))
def metadata_well_typed(facts: RepositoryFacts) -> str | None:
    """License, categories, metrics, recipe and paper have the types the loader reads."""
    package_dir = registry_package_dir(facts)
    problems = [
        f"{entry['name']}: {problem}"
        for entry in model_entries(facts)
        if (problem := meta_problem(entry.get("meta", {}), package_dir)) is not None
    ]
    if problems:
        return f"{'; '.join(problems)}; fix weights.json or register again with weights add"
    return None


@check("WGT113", requires=("WGT101",))
def categories_fit_the_head(facts: RepositoryFacts) -> str | None:
    """Categories are as many as the outputs of the head the architecture names."""
    from ml_publish.weights.parameter_count import stored_tensors

    entries, package_dir = model_entries(facts), registry_package_dir(facts)
    categorised = [entry for entry in entries if "categories" in entry.get("meta", {})]
    if not categorised or package_dir is None:
        raise Skip("no weight lists its categories")
    heads = architecture_heads(facts)
    if not heads:
        raise Skip("no architecture names its head (register_model(..., head=...))")
    wrong = []
    for entry in categorised:
        head, staged = heads.get(str(entry.get("arch"))), staged_file(facts, entry)
        count = category_count(entry.get("meta", {}), package_dir)
        tensors = stored_tensors(staged) if head and staged and count is not None else None
        weight = (tensors or {}).get(f"{head}.weight")
        if weight is not None and weight.shape and weight.shape[0] != count:
            wrong.append(f"{entry['name']} lists {count} categories, {head} has {weight.shape[0]}")
    if wrong:
        return f"{'; '.join(wrong)} outputs: fix --categories or the weights"
    return None


@check("WGT114", requires=("WGT101",))
def one_default_per_architecture(facts: RepositoryFacts) -> str | None:
    """Each architecture with weights has one default, a weight of that architecture."""
    registry = facts.registry()
    defaults = registry.get("defaults", {}) if isinstance(registry, dict) else {}
    if not isinstance(defaults, dict):
        return "defaults must map each architecture to one weight name"
    archs = {str(e["arch"]): e for e in model_entries(facts) if e.get("arch")}
    by_name = {str(e["name"]): e for e in model_entries(facts)}
    problems = [f"{arch} has none" for arch in sorted(set(archs) - set(defaults))]
    problems += [
        f"{arch}'s default {name} is not a registered weight of {arch}"
        for arch, name in defaults.items()
        if str(by_name.get(str(name), {}).get("arch")) != arch
    ]
    if problems:
        return f"defaults: {'; '.join(problems)}; choose with ml-publish weights default ARCH NAME"
    return None


def registry_package_dir(facts: RepositoryFacts) -> Path | None:
    path = facts.registry_path()
    return None if path is None else path.parent


def architecture_heads(facts: RepositoryFacts) -> dict[str, str]:
    """``arch: head`` from ``register_model("arch", head="classifier")`` in the package."""
    package_dir = registry_package_dir(facts)
    heads: dict[str, str] = {}
    for module in sorted(package_dir.rglob("*.py")) if package_dir else []:
        try:
            source = module.read_text(encoding="utf-8")
            # Parsed only where an architecture can name a head: most modules are not.
            tree = ast.parse(source) if "register_model" in source else None
        except (SyntaxError, ValueError, OSError):
            continue
        if tree is None:
            continue
        for node in ast.walk(tree):
            if registered := head_of(node):
                heads[registered[0]] = registered[1]
    return heads


def head_of(node: ast.AST) -> tuple[str, str] | None:
    """``(arch, head)`` when ``node`` is a ``register_model("arch", head="...")`` call."""
    if not isinstance(node, ast.Call) or getattr(node.func, "id", None) != "register_model":
        return None
    head = next((k.value for k in node.keywords if k.arg == "head"), None)
    if not node.args or not isinstance(node.args[0], ast.Constant):
        return None
    if not isinstance(head, ast.Constant) or not isinstance(head.value, str):
        return None
    return str(node.args[0].value), head.value
