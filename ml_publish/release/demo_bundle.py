"""The demo's last step: the demo project's offline bundle, made and loaded offline from it.

The bundle is for this machine (its Python and platform), so the offline check can install it
here; ``ml-publish bundle`` in the project makes the one for Kaggle's image.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ml_publish.bundle.builder import BundleReport, make_bundle
from ml_publish.bundle.bundle_settings import DEFAULT_DIRECTORY, BundleSettings
from ml_publish.bundle.targets import CURRENT, Target


def bundle_demo(project: Path, say: Callable[[str], None] = print) -> BundleReport:
    """Bundle ``project`` into its ``.ml-publish/bundle``; load its weights offline from there."""
    say(
        "Bundling the project as it stands here (the rehearsed release was made in a clone) for"
        " offline use: a Kaggle dataset, an air-gapped cluster"
    )
    settings = BundleSettings(
        project=project, directory=project / DEFAULT_DIRECTORY, target=Target(CURRENT, CURRENT)
    )
    report = make_bundle(settings)
    say(report.summary())
    return report
