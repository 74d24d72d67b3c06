"""The table of checks lists every check written in ml_publish/checks/, once, in report order."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from types import ModuleType

import ml_publish.checks
from ml_publish.checks.base import FAMILIES, Check, check
from ml_publish.checks.catalogue import CHECKS
from ml_publish.checks.facts import RepositoryFacts


def check_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"ml_publish.checks.{info.name}")
        for info in pkgutil.iter_modules(ml_publish.checks.__path__)
    ]


def left_out_of(table: Iterable[Check], modules: Iterable[ModuleType]) -> list[str]:
    """``module.function (ID)`` for each check a module defines that the table does not list."""
    listed = {id(c) for c in table}
    return sorted(
        f"{module.__name__}.{name} ({value.id})"
        for module in modules
        for name, value in vars(module).items()
        if isinstance(value, Check) and id(value) not in listed
    )


def test_every_check_written_is_in_the_table() -> None:
    modules = check_modules()

    assert len(modules) > len(FAMILIES)  # the family modules, and the runner's own
    assert left_out_of(CHECKS, modules) == []


def test_a_check_left_out_of_the_table_is_caught() -> None:
    family = ModuleType("ml_publish.checks.weight_extras")

    @check("WGT199")
    def forgotten(facts: RepositoryFacts) -> str | None:
        """A check nobody listed."""
        return None

    family.forgotten = forgotten  # type: ignore[attr-defined]

    assert left_out_of(CHECKS, [*check_modules(), family]) == [
        "ml_publish.checks.weight_extras.forgotten (WGT199)"
    ]


def test_the_table_lists_each_check_once_by_family_then_id() -> None:
    ids = [c.id for c in CHECKS]
    family_order = list(FAMILIES)

    assert len(set(ids)) == len(ids)
    assert {c.family for c in CHECKS} == set(FAMILIES)
    assert ids == [c.id for c in sorted(CHECKS, key=lambda c: (family_order.index(c.family), c.id))]
