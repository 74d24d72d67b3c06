"""``ml-publish bundle``: the offline bundle of a project (wheels, weights, manifest), verified."""

from __future__ import annotations

from argparse import Namespace

from ml_publish.bundle.builder import BundleReport, make_bundle
from ml_publish.bundle.bundle_settings import BundleSettings
from ml_publish.bundle.manifest import size_lines

register_arguments = BundleSettings.register_arguments


def run(args: Namespace) -> int:
    report = make_bundle(BundleSettings.from_arguments(args))
    print(summary(report))
    return 0


def summary(report: BundleReport) -> str:
    lines = [f"bundle written to {report.directory}:", *size_lines(report.files)]
    if report.left_out:
        lines.append(f"left out as preinstalled on the target: {', '.join(report.left_out)}")
    for load in report.loaded:
        lines.append(f"verified offline: {load.name} loaded from the bundle by {load.how}")
    if report.upload_commands:
        lines.append("upload it to Kaggle with the kaggle CLI:")
        lines += [f"  {command}" for command in report.upload_commands]
    return "\n".join(lines)
