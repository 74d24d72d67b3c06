"""A project with a weights registry: where the registry is, in which package, and where the
weights are staged; what is true of the project as a whole is in ``ml_publish.project_facts``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ml_publish.errors import UsageError
from ml_publish.layout.discovery import discover_packages, no_package_message
from ml_publish.layout.version_source import VersionSource, find_version_source
from ml_publish.project_facts import current_version, readme_path
from ml_publish.weights.naming import REGISTRY_FILE, STAGING_DIR


@dataclass(frozen=True)
class Project:
    """A project whose package holds a weights registry.

    ``package`` is the package's import name (dotted inside a namespace package); the registry
    is ``<package directory>/weights.json``, wherever the build backend finds the package.
    """

    root: Path
    registry: Path
    package: str = ""

    @property
    def package_dir(self) -> Path:
        return self.registry.parent

    @property
    def import_name(self) -> str:
        return self.package or self.package_dir.name

    @property
    def source_dir(self) -> str:
        """Where the package's top-level directory is, relative to the root: ``""`` for a flat
        layout, ``src`` for a src layout."""
        top = self.package_dir.parents[self.import_name.count(".")]
        return "" if top == self.root else top.relative_to(self.root).as_posix()

    @property
    def readme(self) -> Path:
        """The README the weights table lives in: pyproject.toml's ``readme``, else the first
        README variant (README.md when there is none yet)."""
        return readme_path(self.root)

    @property
    def staging_dir(self) -> Path:
        return self.root / STAGING_DIR

    def version_source(self) -> VersionSource:
        return find_version_source(self.root)

    def version(self) -> str:
        """The current version: written in a file, or the latest version tag (``0.0.0`` before
        the first) when git tags make it."""
        return current_version(self.root, self.version_source())


def find_registry(project: Path) -> tuple[Path, str]:
    """The registry file of the project's package, and the package's import name."""
    layout = discover_packages(project)
    candidates = [p for p in layout.packages if (p.path / REGISTRY_FILE).is_file()]
    if not candidates:
        if not layout.packages:
            raise UsageError(
                f"{no_package_message(layout)}; ml-publish keeps {REGISTRY_FILE} in the package"
            )
        places = ", ".join(shown(project, p.path) for p in layout.packages)
        raise UsageError(
            f"no {REGISTRY_FILE} in {places}; run ml-publish weights init to add the registry"
        )
    if len(candidates) > 1:
        names = ", ".join(shown(project, c.path / REGISTRY_FILE) for c in candidates)
        raise UsageError(f"several registries ({names}); keep one {REGISTRY_FILE}")
    return candidates[0].path / REGISTRY_FILE, candidates[0].name


def shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def open_project(root: Path) -> Project:
    registry, package = find_registry(root)
    return Project(root, registry, package)
