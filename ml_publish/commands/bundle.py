"""``ml-publish bundle``: the offline bundle of a project (wheels, weights, manifest), verified."""

from __future__ import annotations

from argparse import Namespace

from ml_publish.bundle.builder import make_bundle
from ml_publish.bundle.bundle_settings import BundleSettings

register_arguments = BundleSettings.register_arguments


def run(args: Namespace) -> int:
    print(make_bundle(BundleSettings.from_arguments(args)).summary())
    return 0
