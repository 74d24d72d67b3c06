"""Facts about a project as a whole, whatever it ships: its README, its version, its GitHub
repository, and the tags its releases may carry; weights, release and update read them here."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ml_publish import git
from ml_publish.errors import UsageError
from ml_publish.layout.version_source import ATTRIBUTE, SCM, STATIC, VersionSource
from ml_publish.readmes import readme_name
from ml_publish.toml_file import read_toml
from ml_publish.versions import VERSION_LINE, latest_tagged_version

REPOSITORY_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")
GITHUB_PROJECT_URL = re.compile(r"^https://github\.com/(?P<repo>[^/]+/[^/]+?)(?:\.git)?/?$")
# The version of a project whose git tags make the version, before its first tag.
FIRST_SCM_VERSION = "0.0.0"
# Characters git refuses in a tag, and ones a release URL would have to escape.
BAD_TAG = re.compile(r"[\s~^:?*\[\\]|\.\.|@\{|^[-/]|/$|\.lock$|\.$")


def readme_path(root: Path) -> Path:
    """The project's README: pyproject.toml's ``readme``, else the first README variant
    (README.md when there is none yet)."""
    try:
        declared = read_toml(root / "pyproject.toml").get("project", {}).get("readme")
    except (OSError, ValueError, AttributeError):
        declared = None
    return root / (readme_name(root, declared) or "README.md")


def current_version(root: Path, source: VersionSource) -> str:
    """The current version: written in a file, or the latest version tag (``0.0.0`` before the
    first) when git tags make it."""
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
