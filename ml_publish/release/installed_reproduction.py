"""The sandbox's fresh install gives each released weight's recorded output.

What ``weights verify --reproduce`` checks after a real release, rehearsed: every released weight
with a fingerprint is run by the package installed in the sandbox venv (not the project's source)
on its sample input, its file downloaded afresh from the sandbox's GitHub release; one that does
not reproduce fails the rehearsal in one line. Weights without a fingerprint are not run.
"""

from __future__ import annotations

from pathlib import Path

from ml_publish.errors import OperationFailed
from ml_publish.weights.fingerprint import reproduce


def reproduce_installed(released_project: Path, python: Path) -> tuple[str, ...]:
    """The weights the install at ``python`` reproduced; fails on any that it did not."""
    outcome = reproduce(released_project, str(python))
    if outcome.problems:
        raise OperationFailed(
            f"the installed package does not reproduce its weights: {'; '.join(outcome.problems)}"
        )
    return tuple(outcome.reproduced)
