"""The checks of ``ml-publish check``, one module per family, registered here."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.checks.base import Check

FAMILY_MODULES = (
    *("packaging", "lint", "precommit", "ci", "docs", "weights", "weight_contract"),
    *("release", "template"),
)


def all_checks() -> list[Check]:
    """Every check, in ID order within the family order of ``FAMILIES``."""
    import importlib

    from ml_publish.checks.base import FAMILIES, Check

    found = [
        value
        for module_name in FAMILY_MODULES
        for value in vars(importlib.import_module(f"ml_publish.checks.{module_name}")).values()
        if isinstance(value, Check)
    ]
    family_order = list(FAMILIES)
    return sorted(found, key=lambda c: (family_order.index(c.family), c.id))
