"""The checks of ``ml-publish check``, one module per family, listed in ``catalogue``."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ml_publish.checks.base import Check


def all_checks() -> list[Check]:
    """Every check, in the order of the table in ``ml_publish.checks.catalogue``."""
    from ml_publish.checks.catalogue import CHECKS

    return list(CHECKS)
