"""What goes into a bundle, gathered while pip downloads its wheels: the project and its
weights (checked, then copied and hashed), the size limit, the manifest, the Kaggle files, and
the offline check's description.

``builder`` imports this module only once pip has started (it is most of ml-publish's import
time), so loading it overlaps pip's own start-up.
"""

from __future__ import annotations

from pathlib import Path

from ml_publish.bundle import kaggle, manifest
from ml_publish.bundle.bundle_settings import BundleSettings
from ml_publish.bundle.notebook_cell import notebook_text
from ml_publish.bundle.offline_check import OfflineCheck
from ml_publish.bundle.bundled_weights import (
    check_loader_reads_bundles,
    chosen_weights,
    copy_weights,
)
from ml_publish.bundle.wheelhouse import PendingWheelhouse, start_wheelhouse
from ml_publish.weights.project import Project, open_project
from ml_publish.weights.registry import WeightEntry


class Contents:
    """A bundle being filled in ``root``: its project, weights and files."""

    def __init__(self, settings: BundleSettings) -> None:
        self.settings = settings
        self.project = open_project(settings.project)
        names = list(settings.weights) if settings.weights else None
        self.entries = chosen_weights(self.project, names)
        check_loader_reads_bundles(self.project, self.entries)
        self.files: list[manifest.BundleFile] = []
        self.left_out: list[str] = []

    def fill(self, root: Path, scratch: Path, pending: PendingWheelhouse | None) -> None:
        """Write the wheels, weights, manifest and Kaggle files into ``root``."""
        settings, entries = self.settings, self.entries
        weights_size = sum(entry.size for entry in entries)
        manifest.check_size(0, weights_size, settings.size_limit_gb)
        wheel = settings.wheel or project_wheel(self.project, scratch)
        if pending is None:
            pending = start_wheelhouse(
                wheel, settings.target, settings.preinstalled, root / "wheels", scratch
            )
        try:
            copies = copy_weights(self.project, entries, root / "weights")  # while pip works
            wheelhouse = pending.finish()
        except BaseException:
            pending.stop()
            raise
        wheels_size = sum(path.stat().st_size for path in wheelhouse.wheels)
        manifest.check_size(wheels_size, weights_size, settings.size_limit_gb)
        self.files = manifest.wheel_files(root, wheelhouse.wheels, wheel)
        self.files += manifest.weight_files(root, entries, copies)
        self.left_out = wheelhouse.left_out
        write_kaggle_files(settings, self.project, entries, root, self.files)
        manifest.write_manifest(root, self.files, settings.target, self.left_out)

    def offline_check(self, directory: Path) -> OfflineCheck:
        package = next(f for f in self.files if f.kind == manifest.PACKAGE)
        return OfflineCheck(
            bundle=directory,
            requirement=f"{package.name}=={package.version}",
            package=self.project.import_name,
            weights=[(entry.name, entry.arch) for entry in self.entries],
            preinstalled=self.left_out,
            required_preinstalled=sorted(set(self.left_out) & self.settings.preinstalled),
            python=self.settings.verify_python,
        )


def project_wheel(project: Project, scratch: Path) -> Path:
    """The project's wheel, built from its work tree as ``python -m build`` builds it."""
    from ml_publish import index  # build's machinery, only when there is no --wheel

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
