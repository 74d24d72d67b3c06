"""Facts about a project made by ml-publish: its package, version, registry and GitHub home."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ml_publish import git
from ml_publish.errors import UsageError
from ml_publish.readmes import readme_name
from ml_publish.toml_file import read_toml
from ml_publish.versions import VERSION_LINE
from ml_publish.weights.naming import REGISTRY_FILE, STAGING_DIR

REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
GITHUB_PROJECT_URL = re.compile(r"^https://github\.com/(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$")
# Characters git refuses in a tag, and ones a release URL would have to escape.
BAD_TAG = re.compile(r"[\s~^:?*\[\\]|\.\.|@\{|^[-/]|/$|\.lock$|\.$")


@dataclass(frozen=True)
class Project:
    root: Path
    registry: Path

    @property
    def package_dir(self) -> Path:
        return self.registry.parent

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

    def version(self) -> str:
        init = (self.package_dir / "__init__.py").read_text(encoding="utf-8")
        match = VERSION_LINE.search(init)
        if not match:
            raise UsageError(f"no __version__ in {self.package_dir / '__init__.py'}")
        return match[2]


def find_registry(project: Path) -> Path:
    """The registry file of the package at the root of ``project``."""
    candidates = sorted(
        init.parent / REGISTRY_FILE
        for init in project.glob("*/__init__.py")
        if (init.parent / REGISTRY_FILE).is_file()
    )
    if not candidates:
        raise UsageError(
            f"no <package>/{REGISTRY_FILE} under {project}; run this in a project made by "
            "ml-publish new or ml-publish adopt"
        )
    if len(candidates) > 1:
        names = ", ".join(str(c.relative_to(project)) for c in candidates)
        raise UsageError(f"several registries ({names}); keep one {REGISTRY_FILE}")
    return candidates[0]


def open_project(root: Path) -> Project:
    return Project(root, find_registry(root))


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
