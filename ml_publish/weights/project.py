"""Facts about a project with a weights registry: its package, version, registry and GitHub home."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ml_publish import git
from ml_publish.errors import UsageError
from ml_publish.layout.discovery import discover_packages, no_package_message
from ml_publish.layout.version_source import (
    ATTRIBUTE,
    SCM,
    STATIC,
    VersionSource,
    find_version_source,
)
from ml_publish.readmes import readme_name
from ml_publish.toml_file import read_toml
from ml_publish.versions import VERSION_LINE, latest_tagged_version
from ml_publish.weights.naming import REGISTRY_FILE, STAGING_DIR

REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
GITHUB_PROJECT_URL = re.compile(r"^https://github\.com/(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$")
# Characters git refuses in a tag, and ones a release URL would have to escape.
# The version of a project whose git tags make the version, before its first tag.
FIRST_SCM_VERSION = "0.0.0"
BAD_TAG = re.compile(r"[\s~^:?*\[\\]|\.\.|@\{|^[-/]|/$|\.lock$|\.$")


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
        pyproject = self.root / "pyproject.toml"
        try:
            declared = read_toml(pyproject).get("project", {}).get("readme")
        except (OSError, ValueError, AttributeError):
            declared = None
        return self.root / (readme_name(self.root, declared) or "README.md")

    @property
    def staging_dir(self) -> Path:
        return self.root / STAGING_DIR

    def version_source(self) -> VersionSource:
        return find_version_source(self.root)

    def version(self) -> str:
        """The current version: written in a file, or the latest version tag (``0.0.0`` before
        the first) when git tags make it."""
        return current_version(self.root, self.version_source())


def current_version(root: Path, source: VersionSource) -> str:
    if source.kind == STATIC:
        return str(read_toml(root / "pyproject.toml")["project"]["version"])
    if source.kind == ATTRIBUTE:
        assert source.path is not None
        match = VERSION_LINE.search(source.path.read_text(encoding="utf-8"))
        if match:
            return match[2]
    if source.kind == SCM:
        return latest_tagged_version(git.tags_on_history(root)) or FIRST_SCM_VERSION
    raise UsageError(f"ml-publish cannot read the version: {source.where}")


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


def check_repository(repository: str) -> str:
    if not REPOSITORY_NAME.match(repository):
        raise UsageError(f"{repository!r} is not a GitHub repository; write it as OWNER/NAME")
    return repository


def check_tag(tag: str) -> str:
    if not tag or BAD_TAG.search(tag):
        raise UsageError(f"{tag!r} is not a usable tag; use one like v1.2.0, without spaces")
    return tag


def resolve_repository(explicit: str | None, project_root: Path) -> str:
    """``--repo``, else ``GITHUB_REPOSITORY``, else the origin remote, else pyproject's URLs."""
    if explicit:
        return check_repository(explicit)
    if os.environ.get("GITHUB_REPOSITORY"):
        return check_repository(os.environ["GITHUB_REPOSITORY"])
    from_git = git.origin_repository(project_root)
    if from_git:
        return check_repository(from_git)
    pyproject = project_root / "pyproject.toml"
    if pyproject.is_file():
        for url in read_toml(pyproject).get("project", {}).get("urls", {}).values():
            match = GITHUB_PROJECT_URL.match(str(url))
            if match:
                return check_repository(match["repo"])
    raise UsageError("cannot tell the GitHub repository; pass --repo OWNER/NAME")
