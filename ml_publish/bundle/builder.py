"""``make_bundle``: the offline bundle of a project's current version, made and verified.

The bundle is written beside its directory first (``.<name>.partial``) and moved into place
only once whole, so a failure leaves no half bundle and the previous one, if any, stays until
the new one replaces it. A directory holding anything but a bundle is never touched.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ml_publish import index
from ml_publish.bundle import kaggle, manifest
from ml_publish.bundle.bundle_settings import BundleSettings
from ml_publish.bundle.notebook_cell import notebook_text
from ml_publish.bundle.offline_check import OfflineCheck, OfflineLoad, verify_offline
from ml_publish.bundle.weight_files import (
    check_loader_reads_bundles,
    chosen_weights,
    copy_weights,
)
from ml_publish.bundle.wheelhouse import build_wheelhouse
from ml_publish.errors import UsageError
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.registry import WeightEntry


@dataclass
class BundleReport:
    """What was bundled where, what was left out, and what the offline check loaded."""

    directory: Path
    files: list[manifest.BundleFile]
    left_out: list[str]
    upload_commands: list[str] = field(default_factory=list)
    loaded: list[OfflineLoad] = field(default_factory=list)

    def summary(self) -> str:
        """Where the bundle is, its sizes, what it left out and loaded, how to upload it."""
        lines = [f"bundle written to {self.directory}:", *manifest.size_lines(self.files)]
        if self.left_out:
            lines.append(f"left out as preinstalled on the target: {', '.join(self.left_out)}")
        for load in self.loaded:
            lines.append(f"verified offline: {load.name} loaded from the bundle by {load.how}")
        if self.upload_commands:
            lines.append("upload it to Kaggle with the kaggle CLI:")
            lines += [f"  {command}" for command in self.upload_commands]
        return "\n".join(lines)


def make_bundle(settings: BundleSettings) -> BundleReport:
    """Write the bundle ``settings`` describe, then check it installs and loads offline."""
    project = open_project(settings.project)
    entries = chosen_weights(project, list(settings.weights) if settings.weights else None)
    check_loader_reads_bundles(project, entries)
    directory = settings.directory.absolute()
    refuse_foreign_directory(directory)
    partial = directory.with_name(f".{directory.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    # What a failure removes: the partial bundle and the directories made for it.
    made = next((p for p in reversed(partial.parents) if not p.exists()), partial)
    partial.mkdir(parents=True)
    try:
        with tempfile.TemporaryDirectory(prefix="ml-publish-bundle-") as scratch:
            report = fill(settings, project, entries, partial, Path(scratch))
    except BaseException:
        shutil.rmtree(made, ignore_errors=True)
        raise
    shutil.rmtree(directory, ignore_errors=True)
    partial.rename(directory)
    report.directory = directory
    report.upload_commands = kaggle.upload_commands(directory) if settings.kaggle else []
    if settings.verify:
        report.loaded = verify_offline(offline_check(settings, project, report, entries))
    return report


def refuse_foreign_directory(directory: Path) -> None:
    if directory.is_file() or (
        directory.is_dir()
        and any(directory.iterdir())
        and not (directory / manifest.MANIFEST_FILE).is_file()
    ):
        raise UsageError(
            f"{directory} holds files that are not a bundle; choose an empty or new directory"
        )


def fill(
    settings: BundleSettings,
    project: Project,
    entries: list[WeightEntry],
    root: Path,
    scratch: Path,
) -> BundleReport:
    wheel = settings.wheel or project_wheel(project, scratch)
    wheelhouse = build_wheelhouse(
        wheel, settings.target, settings.preinstalled, root / "wheels", scratch
    )
    manifest.check_size(
        sum(path.stat().st_size for path in wheelhouse.wheels),
        sum(entry.size for entry in entries),
        settings.size_limit_gb,
    )
    copies = copy_weights(project, entries, root / "weights")
    files = manifest.wheel_files(root, wheelhouse.wheels, wheel)
    files += manifest.weight_files(root, entries, copies)
    write_kaggle_files(settings, project, entries, root, files)
    manifest.write_manifest(root, files, settings.target, wheelhouse.left_out)
    return BundleReport(root, files, wheelhouse.left_out)


def project_wheel(project: Project, scratch: Path) -> Path:
    """The project's wheel, built from its work tree as ``python -m build`` builds it."""
    built = index.build(project.root, scratch / "dist")
    return next(path for path in built if path.suffix == ".whl")


def write_kaggle_files(
    settings: BundleSettings,
    project: Project,
    entries: list[WeightEntry],
    root: Path,
    files: list[manifest.BundleFile],
) -> None:
    package = next(f for f in files if f.kind == manifest.PACKAGE)
    slug = settings.kaggle.partition("/")[2] if settings.kaggle else settings.directory.name
    torch = (project.package_dir / "model.py").is_file()
    text = notebook_text(package.name, package.version, project.import_name, slug, entries, torch)
    (root / kaggle.NOTEBOOK_FILE).write_text(text, encoding="utf-8")
    if settings.kaggle:
        metadata = kaggle.dataset_metadata(
            project.root, settings.kaggle, package.name, package.version, entries
        )
        kaggle.write_metadata(root, metadata)


def offline_check(
    settings: BundleSettings, project: Project, report: BundleReport, entries: list[WeightEntry]
) -> OfflineCheck:
    package = next(f for f in report.files if f.kind == manifest.PACKAGE)
    return OfflineCheck(
        bundle=report.directory,
        requirement=f"{package.name}=={package.version}",
        package=project.import_name,
        weights=[(entry.name, entry.arch) for entry in entries],
        preinstalled=report.left_out,
        required_preinstalled=sorted(set(report.left_out) & settings.preinstalled),
        python=settings.verify_python,
    )
